"""Queueing metric refreshes in the writer's transaction, and claiming them for a drain.

Writers call `enqueue_metrics` (or `enqueue_award`) before they commit: the request commits with the change
or not at all, so a crash after the commit loses nothing. A drain (`app.status.drain`) claims rows,
evaluates their metrics and deletes the rows in one transaction. After a commit that queued work,
the request that made it runs the queue right after its response (`app.jobs.after_response`); outside such a
request (a worker's job, a script, an API process without in-process jobs) a drain job is nudged instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, column, delete, event, func, insert, literal, select, table
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from app.db import utcnow
from app.jobs.after_response import note_queued_work
from app.jobs.models import MetricRefreshRequest
from app.jobs.queue import JobRequest, defer_after_commit
from app.kit.sql import in_values

_QUEUED = "metric_refresh_queued"
DRAIN_TASK = "core:refresh.drain"  # the job that drains this queue (composed in app/background.py)

_requests = MetricRefreshRequest.__table__  # type: ignore[attr-defined]
# The metric table, by name: the queue sits below the metrics package and must not import it.
_metric = table("metric", column("id"), column("award_id"))
_award = table("award", column("id"), column("status"))


def enqueue_metrics(session: Session, metric_ids: Iterable[int]) -> None:
    """Queues these metrics for re-evaluation, in the session's transaction."""
    ids = sorted(set(metric_ids))
    if ids:
        # One statement, one bound array, however many metrics (a 10,000-reading batch touches thousands).
        _enqueue_where(session, in_values(_metric.c.id, ids, dialect=session.get_bind().dialect.name))


def enqueue_award(session: Session, award_id: int) -> None:
    """Queues every metric of a contract or grant (its term or status changed), in the session's transaction."""
    _enqueue_where(session, _metric.c.award_id == award_id)


def enqueue_active(session: Session) -> int:
    """Queues every metric of an active contract or grant (the sweep), in the session's transaction."""
    return _enqueue_where(session, _metric.c.award_id.in_(select(_award.c.id).where(_award.c.status == "active")))


def _enqueue_where(session: Session, condition: ColumnElement[bool]) -> int:
    """Queues the metrics matching `condition` (one INSERT ... SELECT, ascending ids); the number queued."""
    selection = select(_metric.c.id, literal(utcnow(), MetricRefreshRequest.requested_at.type)).where(condition)  # type: ignore[attr-defined]
    result = session.connection().execute(
        insert(_requests).from_select(["metric_id", "requested_at"], selection.order_by(_metric.c.id))
    )
    if result.rowcount:
        session.info[_QUEUED] = True
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Claim:
    """Queue rows taken by one drain transaction, and the metrics they ask for (ascending)."""

    request_ids: tuple[int, ...]
    metric_ids: tuple[int, ...]


def claim(session: Session, limit: int) -> Claim:
    """Takes up to `limit` queued requests, lowest metric first, and deletes them in the session's transaction.

    On PostgreSQL the rows are taken `FOR UPDATE SKIP LOCKED`, so concurrent drains take different rows; on
    SQLite the delete makes this transaction the database's single writer until it ends. Either way the
    deletion only takes effect if the drain commits its new statuses.
    """
    pending = select(_requests.c.id).order_by(_requests.c.metric_id, _requests.c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pending = pending.with_for_update(skip_locked=True)
    rows = (
        session.connection()
        .execute(delete(_requests).where(_requests.c.id.in_(pending)).returning(_requests.c.id, _requests.c.metric_id))
        .all()
    )
    return Claim(
        request_ids=tuple(sorted(row.id for row in rows)),
        metric_ids=tuple(sorted({row.metric_id for row in rows})),
    )


def backlog(session: Session) -> int:
    """Requests waiting (the `rdc_refresh_queue_backlog` gauge; a backlog that keeps growing means no worker)."""
    return int(session.connection().execute(select(func.count()).select_from(_requests)).scalar_one())


@event.listens_for(OrmSession, "after_commit")
def _signal_worker(session: OrmSession) -> None:
    if session.info.pop(_QUEUED, False) and not note_queued_work():
        defer_after_commit([JobRequest(DRAIN_TASK, queueing_lock="refresh.drain.nudge")])


@event.listens_for(OrmSession, "after_rollback")
def _forget_queued(session: OrmSession) -> None:
    session.info.pop(_QUEUED, None)
