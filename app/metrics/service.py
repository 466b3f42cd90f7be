from __future__ import annotations

from sqlalchemy import ColumnElement

from app.goals.service import owned_by_departments
from app.kit.resource import Resource
from app.metrics.models import Metric, MetricCreate, MetricPublic, MetricQuery, MetricUpdate


def metric_scope(departments: frozenset[int]) -> ColumnElement[bool]:
    return owned_by_departments(Metric.award_id, Metric.procurement_id, departments)  # type: ignore[arg-type]


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
    )
