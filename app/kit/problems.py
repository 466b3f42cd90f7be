"""RFC 9457 problem details: one error base class, one handler per error family.

Every error the API returns is `application/problem+json` with a stable `type` URI, so clients can
branch on `type` rather than on English text. Validation problems list the failing fields.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://results-tracker.org/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("app.problems")


class FieldError(BaseModel):
    field: str = Field(description="Dotted location of the failing input, e.g. `body.target_value`")
    message: str
    code: str = Field(description="Machine code, e.g. `missing`, `extra_forbidden`, `unknown_reference`")


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    """Base of every expected error; subclasses set status, slug and title."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Resource not found"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class InvalidInput(AppError):
    status, slug, title = 422, "validation-error", "The request is not valid"

    @classmethod
    def on(cls, field: str, message: str, code: str = "invalid") -> InvalidInput:
        return cls(message, errors=[FieldError(field=field, message=message, code=code)])


IF_MATCH_MISSING = "send the ETag of the version you are changing in If-Match (GET the record to read it)"


def _is_missing_if_match(error: Any) -> bool:
    location = tuple(str(part).lower() for part in error.get("loc", ()))
    return error.get("type") == "missing" and location == ("header", "if-match")


class PreconditionRequired(AppError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "The resource has changed"


class Unauthenticated(AppError):
    status, slug, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="results-tracker"'})


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Not allowed"


class TooManyRequests(AppError):
    status, slug, title = 429, "too-many-requests", "Too many requests"


class UnsupportedMediaType(AppError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


# SQLSTATEs of a statement stopped for taking too long: statement_timeout (query_canceled), lock_timeout.
_TIMEOUT_SQLSTATES = frozenset({"57014", "55P03"})


def is_database_timeout(error: OperationalError) -> bool:
    """The database gave up on a statement (PostgreSQL's statement or lock timeout, SQLite's busy timeout)."""
    if getattr(error.orig, "sqlstate", None) in _TIMEOUT_SQLSTATES:
        return True
    return "database is locked" in str(error.orig)


def problem_response(
    status: int,
    slug: str,
    title: str,
    *,
    detail: str | None = None,
    instance: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=PROBLEM_BASE + slug, title=title, status=status, detail=detail, instance=instance, errors=errors
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def validation_errors(raw: list[Any]) -> list[FieldError]:
    return [FieldError(field=_location(tuple(error["loc"])), message=error["msg"], code=error["type"]) for error in raw]


_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Resource not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the published API document lists for this path."""
    for pattern, methods in _path_methods(app):
        if pattern.fullmatch(path):
            return methods
    return []


def _path_methods(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    cached: list[tuple[re.Pattern[str], list[str]]] | None = getattr(app.state, "path_methods", None)
    if cached is None:
        cached = []
        for template, operations in app.openapi()["paths"].items():
            methods = sorted(m.upper() for m in operations)
            if "GET" in methods:
                methods.append("HEAD")
            cached.append((re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))), methods))
        app.state.path_methods = cached
    return cached


def install_problem_handlers(app: FastAPI, *, refuse_first: Callable[[Request], AppError | None] | None = None) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.slug,
            exc.title,
            detail=exc.detail,
            instance=request.url.path,
            errors=exc.errors,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI checks the body before the route's dependencies run; a caller who may not use the route at
        # all (not signed in) must hear that first, not learn how a valid body looks.
        refusal = refuse_first(request) if refuse_first else None
        if refusal is not None:
            return await _app_error(request, refusal)
        raw = list(exc.errors())
        if raw and all(_is_missing_if_match(error) for error in raw):
            return await _app_error(request, PreconditionRequired(IF_MATCH_MISSING))
        errors = validation_errors(raw)
        fields = ", ".join(error.field for error in errors[:5])
        return problem_response(
            422,
            "validation-error",
            "The request is not valid",
            detail=f"Check these fields: {fields}",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method the path supports, not just those of the first matching route
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return problem_response(
            exc.status_code,
            slug,
            title,
            detail=detail,
            instance=request.url.path,
            headers=headers,
        )

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError) -> JSONResponse:
        if not is_database_timeout(exc):
            return await _unexpected(request, exc)
        log.warning("database timeout on %s %s", request.method, request.url.path)
        return problem_response(
            503,
            "database-timeout",
            "The database took too long",
            detail="The request was stopped because a database statement ran too long; nothing was saved. Retry later.",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Never leak a stack trace; the log has it, keyed by the request id.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            "internal-error",
            "Internal server error",
            detail="The error was logged; quote the X-Request-ID header when reporting it.",
            instance=request.url.path,
        )
