"""Request size limits (413 for a body, 431 for a header, problem+json) and security headers, as plain ASGI
middleware."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
NO_STORE = (b"cache-control", b"no-store")


EMBEDDABLE_PREFIX = "/embed/"  # views made to be framed by other sites (their CSP names frame-ancestors)


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers for a response; residents' data under /public/ and the embeddable views may be
    used by other sites, and only the embeddable views may be framed."""
    if path.startswith(("/public/", EMBEDDABLE_PREFIX)):
        framed = path.startswith(EMBEDDABLE_PREFIX)
        return [
            h
            for h in SECURITY_HEADERS
            if h[0] != b"cross-origin-resource-policy" and not (framed and h[0] == b"x-frame-options")
        ] + [(b"cross-origin-resource-policy", b"cross-origin")]
    return SECURITY_HEADERS


def response_headers(scope: Scope, sent: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """What every response adds to the headers the app `sent`: the security headers; HSTS over HTTPS; and
    `Cache-Control: no-store` on an answer to a signed-in request that set no caching rule of its own (no
    shared cache may keep what only this caller may see)."""
    added = list(security_headers(scope.get("path", "")))
    if scope.get("scheme") == "https":
        added.append(HSTS)
    signed_in = any(name == b"authorization" for name, _ in scope.get("headers", ()))
    if signed_in and not any(name.lower() == b"cache-control" for name, _ in sent):
        added.append(NO_STORE)
    return added


class _TooLarge(Exception):
    pass


# No header the API reads needs more (a bearer token from an identity provider is a few KB at most).
MAX_HEADER_BYTES = 8 * 1024


@dataclass(frozen=True)
class UploadLimit:
    """The body limit of the routes that take a file (POSTs to `paths`), which may exceed the general one; a
    refusal names the file's `field`."""

    paths: re.Pattern[str]
    max_bytes: int
    field: str


class BodyLimitMiddleware:
    """Refuses bodies over `max_bytes` (`uploads.max_bytes` on upload routes): by Content-Length up front, or
    while a chunked body streams in; and any single header value over `max_header_bytes` (431)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_header_bytes: int = MAX_HEADER_BYTES,
        uploads: UploadLimit | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        oversized = next((name for name, value in scope["headers"] if len(value) > self.max_header_bytes), None)
        if oversized is not None:
            detail = f"the {oversized.decode('latin-1')} header is longer than {self.max_header_bytes} bytes"
            await _refuse(scope, send, 431, "header-too-large", "Request header too large", detail)
            return
        max_bytes, field = self._limit(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await self._refuse(scope, send, max_bytes, field)
            return
        received = 0
        too_large = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    too_large = True
                    raise _TooLarge  # the framework answers this with an error, which we replace below
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if too_large:  # whatever the app answered about the broken body, the answer is 413
                if not replaced:
                    replaced = True
                    await self._refuse(scope, send, max_bytes, field)
                return
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", []))
                message["headers"].extend(response_headers(scope, message["headers"]))
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not replaced:
                await self._refuse(scope, send, max_bytes, field)

    def _limit(self, scope: Scope) -> tuple[int, str | None]:
        uploads = self.uploads
        if uploads is not None and scope["method"] == "POST" and uploads.paths.fullmatch(scope.get("path", "")):
            return uploads.max_bytes, uploads.field
        return self.max_bytes, None

    @staticmethod
    async def _refuse(scope: Scope, send: Send, max_bytes: int, field: str | None) -> None:
        detail = f"request bodies are limited to {max_bytes} bytes"
        errors = [{"field": field, "message": detail, "code": "too_large"}] if field else None
        await _refuse(scope, send, 413, "payload-too-large", "Request body too large", detail, errors)


async def _refuse(
    scope: Scope,
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> None:
    problem: dict[str, object] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": scope.get("path", ""),
    }
    if errors:
        problem["errors"] = errors
    body = json.dumps(problem).encode()
    headers = [(b"content-type", PROBLEM_MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})
