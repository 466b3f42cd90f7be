"""The periodic sweep: re-evaluates every metric of active contracts and grants, so that overdue data is
flagged even when nobody posts anything. Idempotent, and safe with several server processes: on
PostgreSQL only one process sweeps at a time (advisory lock); the others skip that round.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.awards.models import Award, AwardStatus
from app.db import make_engine
from app.kit.idempotency import purge_expired
from app.kit.telemetry import SWEEP_DURATION
from app.metrics.models import Metric
from app.status.service import RefreshSummary, refresh

log = logging.getLogger("app.sweep")
_SWEEP_LOCK = 727_402
CHUNK = 2000


def refresh_metrics(engine: Engine, metric_ids: Iterable[int], as_of: date | None = None) -> RefreshSummary:
    """Refreshes metrics in chunks, one transaction each (retried once if another process raced us)."""
    ids = sorted(set(metric_ids))
    total = RefreshSummary()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for attempt in (1, 2):
            with Session(engine) as session:
                try:
                    summary = refresh(session, chunk, as_of)
                    session.commit()
                    total.add(summary)
                    break
                except IntegrityError:
                    session.rollback()
                    if attempt == 2:
                        raise
    return total


def sweep(engine: Engine, as_of: date | None = None, *, processes: int = 1) -> RefreshSummary | None:
    """One sweep over every metric of active contracts and grants; None if another process is sweeping.

    Large portfolios are split across `processes` worker processes (the evaluation is CPU-bound Python).
    """
    started = time.perf_counter()
    with engine.connect() as lock:
        is_postgres = lock.dialect.name == "postgresql"
        if is_postgres and not lock.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _SWEEP_LOCK}).scalar():
            return None
        try:
            with Session(engine) as session:
                metric_ids = [
                    i
                    for i in session.exec(
                        select(Metric.id)
                        .join(Award, Award.id == Metric.award_id)  # type: ignore[arg-type]
                        .where(Award.status == AwardStatus.active)
                        .order_by(col(Metric.id))
                    ).all()
                    if i is not None
                ]
            workers = min(processes, len(metric_ids) // PARALLEL_THRESHOLD)
            if workers <= 1:
                summary = refresh_metrics(engine, metric_ids, as_of)
            else:
                url = str(engine.url.render_as_string(hide_password=False))
                summary = _in_parallel(url, metric_ids, as_of, workers)
            with Session(engine) as session:
                purge_expired(session)  # Idempotency-Key records are kept 24 hours (README)
            SWEEP_DURATION.observe(time.perf_counter() - started)
            return summary
        finally:
            if is_postgres:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SWEEP_LOCK})
                lock.commit()


PARALLEL_THRESHOLD = 5000  # metrics per extra process below which starting processes costs more than it saves


def _in_parallel(url: str, metric_ids: list[int], as_of: date | None, workers: int) -> RefreshSummary:
    shares = [metric_ids[n::workers] for n in range(workers)]
    total = RefreshSummary()
    # "spawn": fresh interpreters, safe from a threaded server process.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for summary in pool.map(_refresh_share, [url] * workers, shares, [as_of] * workers):
            total.add(summary)
    return total


def _refresh_share(url: str, metric_ids: list[int], as_of: date | None) -> RefreshSummary:
    engine = make_engine(url)
    try:
        return refresh_metrics(engine, metric_ids, as_of)
    finally:
        engine.dispose()


async def run_periodically(engine: Engine, interval_seconds: float, processes: int) -> None:
    """The server's built-in sweep loop (cancelled at shutdown)."""
    while True:
        started = time.perf_counter()
        try:
            summary = await asyncio.to_thread(sweep, engine, processes=processes)
            if summary is not None:
                log.info(
                    "sweep: %d metrics in %.2fs, %d transitions, alerts +%d ~%d -%d",
                    summary.metrics,
                    time.perf_counter() - started,
                    summary.transitions,
                    summary.alerts_opened,
                    summary.alerts_changed,
                    summary.alerts_resolved,
                )
        except Exception:  # keep sweeping next round; the error is in the log
            log.exception("sweep failed")
        await asyncio.sleep(interval_seconds)


def start_background_sweep(engine: Engine, interval_seconds: float, processes: int) -> asyncio.Task[None] | None:
    if interval_seconds <= 0:
        return None
    return asyncio.create_task(run_periodically(engine, interval_seconds, processes))


async def stop_background_sweep(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
