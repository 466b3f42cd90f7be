"""The periodic sweep: re-evaluates every metric of active contracts and grants, so that overdue data is
flagged even when nobody posts anything. Idempotent, and safe with several server processes: on
PostgreSQL only one process sweeps at a time (advisory lock); the others skip that round.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.chain import seal as seal_audit_log
from app.awards.models import Award, AwardStatus
from app.db import begin_write, make_engine
from app.kit.idempotency import purge_expired
from app.kit.processes import worker_pool
from app.kit.telemetry import SWEEP_DURATION
from app.metrics.models import Metric
from app.status.drain import drain
from app.status.service import RefreshSummary, refresh

log = logging.getLogger("app.sweep")
_SWEEP_LOCK = 727_402
CHUNK = 2000


def refresh_metrics(
    engine: Engine, metric_ids: Iterable[int], *, fiscal_start_month: int, as_of: date | None = None
) -> RefreshSummary:
    """Refreshes metrics in chunks, one transaction each (retried once if a manager's change raced us)."""
    ids = sorted(set(metric_ids))
    total = RefreshSummary()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for attempt in (1, 2):
            with Session(engine) as session:
                try:
                    begin_write(session)
                    summary = refresh(session, chunk, fiscal_start_month=fiscal_start_month, as_of=as_of)
                    session.commit()
                    total.add(summary)
                    break
                except IntegrityError:
                    session.rollback()
                    if attempt == 2:
                        raise
    return total


def sweep(
    engine: Engine, *, fiscal_start_month: int, as_of: date | None = None, processes: int = 1
) -> RefreshSummary | None:
    """One sweep over every metric of active contracts and grants; None if another process is sweeping.

    It first drains the refresh queue (work a crashed process may have left), then re-evaluates every metric
    of active awards. Large portfolios are split across `processes` worker processes (the evaluation is
    CPU-bound Python).
    """
    started = time.perf_counter()
    drain(engine, fiscal_start_month=fiscal_start_month)
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
                summary = refresh_metrics(engine, metric_ids, fiscal_start_month=fiscal_start_month, as_of=as_of)
            else:
                url = str(engine.url.render_as_string(hide_password=False))
                summary = _in_parallel(url, metric_ids, (fiscal_start_month, as_of), workers)
            with Session(engine) as session:
                purge_expired(session)  # Idempotency-Key records are kept 24 hours (README)
                seal_audit_log(session)  # links the audit entries written since the last sweep into the chain
            SWEEP_DURATION.observe(time.perf_counter() - started)
            return summary
        finally:
            if is_postgres:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SWEEP_LOCK})
                lock.commit()


PARALLEL_THRESHOLD = 5000  # metrics per extra process below which starting processes costs more than it saves


def _in_parallel(url: str, metric_ids: list[int], options: tuple[int, date | None], workers: int) -> RefreshSummary:
    shares = [metric_ids[n::workers] for n in range(workers)]
    total = RefreshSummary()
    # "spawn": fresh interpreters, safe from a threaded server process. The workers die with this process, and a
    # server's shutdown stops them (stop_background_sweep) instead of waiting for the sweep.
    with worker_pool(workers, context="spawn") as pool:
        for summary in pool.map(_refresh_share, [url] * workers, shares, [options] * workers):
            total.add(summary)
    return total


def _refresh_share(url: str, metric_ids: list[int], options: tuple[int, date | None]) -> RefreshSummary:
    fiscal_start_month, as_of = options
    engine = make_engine(url)
    try:
        return refresh_metrics(engine, metric_ids, fiscal_start_month=fiscal_start_month, as_of=as_of)
    finally:
        engine.dispose()
