"""Running queued work right after the response of the request that queued it.

The work itself is durable (queued in the request's transaction); this only makes it prompt: once the
response is sent, the request's own task runs the queue, so the caller's next read usually sees the result.
If the process dies first, the queue keeps the work for the next worker or sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("app.jobs")


class _Pending:
    __slots__ = ("queued",)

    def __init__(self) -> None:
        self.queued = False


# The request's marker; endpoints run in worker threads with a copy of this context, so they share the object.
_pending: ContextVar[_Pending | None] = ContextVar("rdc_jobs_pending", default=None)


def note_queued_work() -> bool:
    """Called after a commit that queued work: the current request runs the queue after its response.

    False when nobody will (no request of an API process with in-process jobs): the caller nudges a job.
    """
    pending = _pending.get()
    if pending is None:
        return False
    pending.queued = True
    return True


class RunQueuedWork:
    """ASGI middleware: after a response whose request committed queued work, runs `work` in a thread."""

    def __init__(self, app: ASGIApp, work: Callable[[], object]) -> None:
        self.app = app
        self.work = work

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pending = _Pending()
        token = _pending.set(pending)
        try:
            await self.app(scope, receive, send)
        finally:
            _pending.reset(token)
        if pending.queued:
            try:
                await anyio.to_thread.run_sync(self.work)
            except Exception:  # still queued: the worker's next poll or the sweep retries it
                log.exception("queued work failed after the response; it stays queued")
