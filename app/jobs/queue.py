"""Background jobs, run by procrastinate with the database as the queue.

PostgreSQL: jobs are rows in procrastinate's tables in the application's database, so any number of
`rdc worker` processes (and API processes with in-process jobs) on any number of hosts share one queue.
SQLite (the embedded default): procrastinate's in-memory queue inside the one server process. Every job here
is a nudge to work off durable state (the refresh queue, undispatched events, pending deliveries and
messages) and every periodic job re-reads that state, so a queue lost with a crashed process loses no work.

Domain services never defer a job inside their transaction: they write the durable row (an event, a
refresh request, a delivery) and, after the commit, nudge the job that works it off (`defer`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import procrastinate
from procrastinate import exceptions as procrastinate_errors
from procrastinate.testing import InMemoryConnector

log = logging.getLogger("app.jobs")


@dataclass(frozen=True)
class JobRequest:
    """A job to defer once the transaction that asked for it has committed."""

    task: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    queueing_lock: str | None = None  # at most one such job waiting
    lock: str | None = None  # at most one such job running
    schedule_at: datetime | None = None


def connector_for(database_url: str) -> procrastinate.BaseConnector:
    """procrastinate's PostgreSQL connector for the application's database, or its in-memory one for SQLite."""
    if database_url.startswith("sqlite"):
        return InMemoryConnector()
    return procrastinate.PsycopgConnector(conninfo=_conninfo(database_url), min_size=1, max_size=4)


def _conninfo(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


class JobHost:
    """The process's procrastinate app, and (optionally) a worker running in a thread of this process."""

    def __init__(self, app: procrastinate.App, *, database_url: str, stalled_seconds: float = 30) -> None:
        self.app = app
        self.stalled_seconds = stalled_seconds
        # Deferring from request threads uses a synchronous connection pool of its own: the worker's pool
        # belongs to the worker's event loop. (The in-memory queue has no pool: it is deferred to on its loop.)
        self._deferrer: procrastinate.App | None = None
        if not self.in_memory:
            self._deferrer = procrastinate.App(
                connector=procrastinate.SyncPsycopgConnector(conninfo=_conninfo(database_url), min_size=0, max_size=2)
            )
        self._deferrer_open = False
        self._starts = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = threading.Lock()

    @property
    def in_memory(self) -> bool:
        return isinstance(self.app.connector, InMemoryConnector)

    # --- deferring -------------------------------------------------------------------------------------

    def defer(self, request: JobRequest) -> bool:
        """Defers one job; False when an identical job is already waiting (its queueing lock is taken).

        Called from an event loop's own thread (an async endpoint, the lifespan), the defer runs in a worker
        thread instead and this returns True at once: the loop must not block on the queue.
        """
        if not _in_event_loop():
            return self._defer_now(request)
        asyncio.get_running_loop().run_in_executor(None, self._defer_logged, request)
        return True

    def _defer_logged(self, request: JobRequest) -> None:
        try:
            self._defer_now(request)
        except Exception:
            log.exception("could not defer %s; its periodic round will pick the work up", request.task)

    def _defer_now(self, request: JobRequest) -> bool:
        app = self._deferrer or self.app
        self._open_deferrer()
        deferrer = app.configure_task(
            request.task,
            queueing_lock=request.queueing_lock,
            lock=request.lock,
            schedule_at=request.schedule_at,
        )
        try:
            if self._loop is not None and self.in_memory:
                # The in-memory queue belongs to the worker's event loop: defer there, from any thread.
                future: Future[int] = asyncio.run_coroutine_threadsafe(
                    deferrer.defer_async(**request.kwargs), self._loop
                )
                future.result(timeout=30)
            elif self.in_memory:  # no worker here yet: the job waits in memory for one
                with self._lock:
                    asyncio.run(deferrer.defer_async(**request.kwargs))
            else:
                deferrer.defer(**request.kwargs)
        except procrastinate_errors.AlreadyEnqueued:
            return False
        return True

    def defer_all(self, requests: Sequence[JobRequest]) -> None:
        """Defers jobs after a commit; a failure is logged, not raised (the periodic rounds find the work).

        Many at once (a dispatcher's batch makes one delivery job per subscriber and event) go to PostgreSQL in
        one statement; if one of them is already waiting (its queueing lock is taken), one by one.
        """
        if len(requests) > 1 and self._deferrer is not None and not _in_event_loop():
            try:
                self._defer_batch(requests)
                return
            except procrastinate_errors.AlreadyEnqueued:
                pass
            except Exception:
                log.exception("could not defer %d jobs at once; trying one by one", len(requests))
        for request in requests:
            try:
                self.defer(request)
            except Exception:
                log.exception("could not defer %s; its periodic round will pick the work up", request.task)

    def _defer_batch(self, requests: Sequence[JobRequest]) -> None:
        self._open_deferrer()
        assert self._deferrer is not None
        jobs = [
            self._deferrer.configure_task(
                r.task, queueing_lock=r.queueing_lock, lock=r.lock, schedule_at=r.schedule_at
            ).make_new_job(**r.kwargs)
            for r in requests
        ]
        self._deferrer.job_manager.batch_defer_jobs(jobs=jobs)

    def _open_deferrer(self) -> None:
        if self._deferrer is not None and not self._deferrer_open:
            with self._lock:
                if not self._deferrer_open:
                    self._deferrer.open()
                    self._deferrer_open = True

    # --- an in-process worker ----------------------------------------------------------------------------

    def start_worker(self, *, concurrency: int = 2, name: str = "in-process") -> None:
        """Runs a worker in a thread of this process (the embedded default, and API processes on PostgreSQL).

        Counted: a second start (a second lifespan in one process) shares the running worker.
        """
        with self._lock:
            self._starts += 1
            if self._starts > 1:
                return
        self._thread = threading.Thread(target=self._run, args=(concurrency, name), name="rdc-jobs", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=60)

    def run_worker_forever(self, *, concurrency: int, name: str) -> None:
        """Runs a worker in the foreground until SIGINT or SIGTERM (`rdc worker`)."""
        asyncio.run(self._serve(concurrency, name, install_signals=True))

    def _run(self, concurrency: int, name: str) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(concurrency, name, install_signals=False))
        finally:
            loop.close()

    async def _serve(self, concurrency: int, name: str, *, install_signals: bool) -> None:
        self._loop = asyncio.get_running_loop()
        async with self.app.open_async():
            options = worker_options(
                concurrency=concurrency,
                name=name,
                install_signals=install_signals,
                stalled_seconds=self.stalled_seconds,
            )
            self._task = asyncio.create_task(self.app.run_worker_async(**options))
            self._ready.set()
            with suppress(asyncio.CancelledError):
                await self._task
        self._loop = None

    def stop_worker(self, timeout: float = 30) -> None:
        with self._lock:
            self._starts -= 1
            if self._starts > 0:
                return
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None
        self._ready.clear()
        if self._deferrer is not None and self._deferrer_open:
            self._deferrer.close()
            self._deferrer_open = False


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def worker_options(*, concurrency: int, name: str, install_signals: bool, stalled_seconds: float) -> dict[str, Any]:
    """The worker settings every process uses (in-process or `rdc worker`)."""
    return {
        "concurrency": concurrency,
        "name": name,
        "wait": True,
        "install_signal_handlers": install_signals,
        "delete_jobs": "successful",  # finished jobs are not history worth keeping; failures stay for a look
        "fetch_job_polling_interval": 5.0,
        "update_heartbeat_interval": stalled_seconds / 3,
        "stalled_worker_timeout": stalled_seconds,
        "shutdown_graceful_timeout": 20.0,
    }


_host: JobHost | None = None


def install(host: JobHost) -> None:
    """The shell installs the process's job host at start-up."""
    global _host
    _host = host


def current() -> JobHost | None:
    return _host


def defer_after_commit(requests: Sequence[JobRequest]) -> None:
    """Nudges jobs once a transaction committed; without a job host (a script, a test) nothing is deferred."""
    if _host is not None:
        _host.defer_all(requests)
