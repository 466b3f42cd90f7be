"""One access log line and the HTTP metrics per request; an unhandled exception becomes a 500 problem.

Sits inside `RequestIdMiddleware` (so every line and the 500 answer carry the request id) and outside the
body limit (so 413 answers are counted too). The 500 answer is made here rather than by Starlette's outer
error middleware, which runs after the request id is gone.
"""

from __future__ import annotations

import logging
import time
from contextlib import suppress

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.kit.limits import SECURITY_HEADERS
from app.kit.problems import problem_response
from app.kit.telemetry import UNMATCHED, observe_request, route_label

access_log = logging.getLogger("app.access")
error_log = logging.getLogger("app.problems")

# Probes and scrapes arrive every few seconds: their successes are logged at DEBUG only.
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
_SECURITY_HEADERS = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None
        finished: float | None = None

        async def observed_send(message: Message) -> None:
            nonlocal status, finished
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = time.perf_counter()
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        except Exception:
            route = route_label(scope)
            error_log.error(
                "unhandled error on %s %s",
                scope["method"],
                route,
                exc_info=True,
                extra={"method": scope["method"], "route": route},
            )
            if status is None:  # nothing was sent yet: answer, without any detail of the error
                response = problem_response(
                    500,
                    "internal-error",
                    "Internal server error",
                    detail="The error was logged; quote the X-Request-ID header when reporting it.",
                    instance=scope.get("path"),
                    headers=_SECURITY_HEADERS,
                )
                with suppress(OSError):  # the client is gone
                    await response(scope, receive, observed_send)
        finally:
            if status is not None:
                self._record(scope, status, (finished or time.perf_counter()) - started)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"]
        route = route_label(scope)
        observe_request(method, route, status, seconds)
        level = logging.INFO
        if status >= 500:
            level = logging.ERROR
        elif route in _QUIET_ROUTES and status < 400:
            level = logging.DEBUG
        if access_log.isEnabledFor(level):
            access_log.log(
                level,
                "%s %s %d",
                method,
                route if route != UNMATCHED else "(no route)",
                status,
                extra={"method": method, "route": route, "status": status, "duration_ms": round(seconds * 1000, 1)},
            )
