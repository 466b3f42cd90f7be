"""Draining the metric-refresh queue: the queued metrics are re-evaluated, their statuses and alerts stored,
and their requests deleted, all in one transaction per batch.

A drain can run anywhere: in each API process right after a commit that queued work, in every sweep, or in
a dedicated worker (`rdc worker`). Several drains at once take different rows (`FOR UPDATE SKIP LOCKED`)
and never refresh one metric twice at the same time (advisory locks, taken in ascending order). A drain
that fails rolls back: its requests stay queued and the next round retries them.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.db import begin_write
from app.jobs.refresh_queue import claim
from app.status.service import RefreshSummary, refresh

log = logging.getLogger("app.refresh")
BATCH = 200  # metrics per transaction: short enough that writers and other drains rarely wait on it
MAX_ATTEMPTS = 3


def drain(engine: Engine, *, fiscal_start_month: int, batch: int = BATCH) -> RefreshSummary:
    """Refreshes queued metrics until the queue is empty (of rows other drains are not working on)."""
    total = RefreshSummary()
    failures = 0
    while True:
        try:
            summary = drain_once(engine, fiscal_start_month=fiscal_start_month, batch=batch)
        except DBAPIError as error:
            # A lost race with another writer (serialization, deadlock, lock timeout): the batch rolled back and
            # stays queued. Try again a few times, then leave it to the next round.
            failures += 1
            log.warning("refresh batch rolled back (%s), attempt %d", type(error.orig).__name__, failures)
            if failures >= MAX_ATTEMPTS:
                raise
            time.sleep(0.05 * failures)
            continue
        if summary is None:
            return total
        total.add(summary)


def drain_once(engine: Engine, *, fiscal_start_month: int, batch: int = BATCH) -> RefreshSummary | None:
    """One batch in one transaction; None when nothing was waiting."""
    with Session(engine) as session:
        begin_write(session)
        taken = claim(session, batch)
        if not taken.request_ids:
            session.rollback()
            return None
        summary = refresh(session, taken.metric_ids, fiscal_start_month=fiscal_start_month)
        session.commit()
        return summary
