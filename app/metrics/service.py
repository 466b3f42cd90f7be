from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlmodel import Session

from app.goals.service import owned_by_departments
from app.jobs.refresh_queue import enqueue_metrics
from app.metrics.models import Metric, MetricCreate, MetricPublic, MetricQuery, MetricUpdate
from app.records.resource import Resource


def metric_scope(departments: frozenset[int]) -> ColumnElement[bool]:
    return owned_by_departments(Metric.award_id, Metric.procurement_id, departments)  # type: ignore[arg-type]


def _queue_refresh(session: Session, metric: Metric) -> None:
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
        on_change=_queue_refresh,
    )
