"""Guards every request passes before an endpoint sees it.

- `reject_unknown_query_parameters` (a router dependency): a query parameter the route does not declare
  is a 422, as unknown body fields are; a typo (`?dryrun=true`) must not silently do the default.
- `TextInputMiddleware`: text containing NUL (U+0000) is refused with 422, wherever it comes from
  (query string, JSON `\\u0000`, form `%00`, a raw NUL byte in any body). PostgreSQL cannot store NUL in
  text, so refusing it up front keeps both databases alike and the answer a clear 4xx. A query string that
  is not UTF-8 once percent-decoded is refused too (it would otherwise be read with replacement characters).
  A file's bytes are any bytes: POSTs to the upload routes (`binary_paths`) pass through unread; those routes
  take nothing but a file.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from fastapi import Request
from fastapi.dependencies.models import Dependant
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.problems import FieldError, InvalidInput, problem_response
from app.kit.route_cache import RouteCache


def _declared_query_names(dependant: Dependant) -> frozenset[str]:
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        for param in current.query_params:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a query model's fields
                names.update(info.alias or name for name, info in annotation.model_fields.items())
            else:
                names.add(param.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


_query_names: RouteCache[frozenset[str]] = RouteCache()


def reject_unknown_query_parameters(request: Request) -> None:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names.get(route, lambda: _declared_query_names(dependant))
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        raise InvalidInput(
            f"unknown query parameters: {', '.join(unknown[:5])}",
            errors=[
                FieldError(field=f"query.{name}", message="Extra inputs are not permitted", code="extra_forbidden")
                for name in unknown[:20]
            ],
        )


_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # the escape, not an escaped backslash before "u0000"


class TextInputMiddleware:
    """Reads the body (already bounded by the body limit outside it), refuses NUL, passes the rest on."""

    def __init__(self, app: ASGIApp, *, binary_paths: re.Pattern[str] | None = None) -> None:
        self.app = app
        self.binary_paths = binary_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _query_problem(scope.get("query_string", b""))
        if problem:
            await self._refuse(scope, receive, send, "query", problem)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE") or self._takes_a_file(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if self._has_nul(body, dict(scope["headers"]).get(b"content-type", b"").lower()):
            await self._refuse(scope, receive, send, "body", _NUL)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)

    def _takes_a_file(self, scope: Scope) -> bool:
        return (
            self.binary_paths is not None
            and scope["method"] == "POST"
            and self.binary_paths.fullmatch(scope.get("path", "")) is not None
        )

    @staticmethod
    def _has_nul(body: bytes, content_type: bytes) -> bool:
        if b"\x00" in body:
            return True
        if b"x-www-form-urlencoded" in content_type:
            return b"%00" in body
        return b"\\u0000" in body and _JSON_NUL.search(body) is not None

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, where: str, problem: tuple[str, str]) -> None:
        code, message = problem
        response = problem_response(
            422,
            "validation-error",
            "The request is not valid",
            detail=message,
            instance=scope.get("path"),
            errors=[FieldError(field=where, message=message, code=code)],
        )
        await response(scope, receive, send)


_NUL = ("nul_character", "text may not contain the NUL character (U+0000)")


def _query_problem(query: bytes) -> tuple[str, str] | None:
    if not query:
        return None
    raw = unquote_to_bytes(query.replace(b"+", b" "))
    if b"\x00" in raw:
        return _NUL
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return ("encoding", "the query string is not UTF-8")
    return None


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A `receive` that hands out these messages first, then defers to `then` (e.g. for disconnects)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
