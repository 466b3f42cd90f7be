from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.auth.models import User
from app.auth.principal import Reach
from app.goals.service import owned_within
from app.jobs.refresh_queue import enqueue_metrics
from app.kit.sql import in_values
from app.metrics.models import Metric, MetricCreate, MetricPublic, MetricQuery, MetricUpdate
from app.records.resource import Reference, Resource


def metric_scope(reach: Reach) -> ColumnElement[bool]:
    return owned_within(Metric.award_id, Metric.procurement_id, reach)  # type: ignore[arg-type]


def lock_for_writes(session: Session, metric_ids: Iterable[int]) -> None:
    """Locks these metrics' rows for the transaction, in ascending id order (PostgreSQL; SQLite has one writer).

    Every transaction that writes what a metric's status is made of (readings, the status itself) takes these
    locks first and in the same order, so two such transactions on the same metric queue up instead of
    deadlocking. The lock is FOR NO KEY UPDATE: the foreign keys of new readings (KEY SHARE) never wait on it.
    """
    ids = sorted(set(metric_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            select(Metric.id)
            .where(in_values(Metric.id, ids, dialect="postgresql"))
            .order_by(col(Metric.id))
            .with_for_update(key_share=True)
        )


def _queue_refresh(session: Session, metric: Metric, before: dict[str, Any] | None) -> None:
    """A changed target, tolerance or cadence changes the metric's status now, not at the next sweep."""
    if metric.id is not None and metric.award_id is not None:
        enqueue_metrics(session, [metric.id])


def metric_resource() -> Resource:
    return Resource(
        name="metric",
        area="metrics",
        model=Metric,
        create_schema=MetricCreate,
        update_schema=MetricUpdate,
        public_schema=MetricPublic,
        query_schema=MetricQuery,
        sortable=("id", "code", "name", "target_date", "created_at", "updated_at"),
        search_columns=("name", "code"),
        unique=(("award_id", "code"), ("procurement_id", "code")),
        scope=metric_scope,
        references=(Reference("data_owner_id", User, "user"),),
        on_change=_queue_refresh,
    )
