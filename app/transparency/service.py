"""What residents may see: public priorities, and the public goals and metrics of published contracts and grants.

Published means: a contract or grant that is active or completed (never a draft, never terminated), and
within it only goals and metrics marked `is_public` (a public metric under a private goal stays private).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM
from app.awards.models import Award, AwardKind, AwardStatus
from app.departments.models import Department
from app.engine import Evaluation, Performance, PeriodResult, worst
from app.goals.models import Goal
from app.kit.problems import NotFound
from app.kit.sql import in_values
from app.metrics.models import Metric
from app.priorities.models import Priority
from app.records import crud
from app.records.resource import Resource
from app.status.models import MetricStatus
from app.status.schemas import tidy
from app.status.service import evaluate_metrics
from app.transparency.schemas import (
    PublicAward,
    PublicAwardQuery,
    PublicAwardRef,
    PublicAwardSummary,
    PublicDepartment,
    PublicGoal,
    PublicGoalPriority,
    PublicGoalRef,
    PublicInterimTarget,
    PublicMetric,
    PublicMetricDetail,
    PublicPeriod,
    PublicPriority,
    PublicPriorityDetail,
    PublicPriorityGoal,
    PublicPriorityQuery,
    PublicReading,
    PublicReason,
    PublicStatusCounts,
    PublicVendor,
)
from app.vendors.models import Vendor

PUBLISHED_STATUSES = (AwardStatus.active, AwardStatus.completed)


def is_published(award: Award) -> bool:
    return award.status in PUBLISHED_STATUSES


def published_awards() -> ColumnElement[bool]:
    return col(Award.status).in_(PUBLISHED_STATUSES)


def public_metrics() -> tuple[ColumnElement[bool], ...]:
    """Conditions on `Metric` (joined with `Goal`) selecting the metrics residents may see."""
    return (col(Metric.is_public).is_(True), col(Goal.is_public).is_(True))


# --- priorities ------------------------------------------------------------------------------------


def public_priorities_resource() -> Resource:
    return Resource(
        name="priority",
        area="priorities",
        model=Priority,
        create_schema=PublicPriorityQuery,
        update_schema=PublicPriorityQuery,
        public_schema=PublicPriority,
        query_schema=PublicPriorityQuery,
        sortable=("id", "code", "title", "target_year"),
        search_columns=("title",),
        fixed={"is_public": True},
    )


def _priority(row: Priority) -> dict[str, Any]:
    return row.model_dump(include=set(PublicPriority.model_fields))


def list_priorities(session: Session, query: PublicPriorityQuery) -> dict[str, Any]:
    rows, total = crud.list_records(session, public_priorities_resource(), principal=SYSTEM, query=query)
    items = [PublicPriority.model_validate(_priority(row)) for row in rows]
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


def read_priority(session: Session, priority_id: int) -> PublicPriorityDetail:
    priority = crud.get_record(session, public_priorities_resource(), principal=SYSTEM, record_id=priority_id)
    rows = session.exec(
        select(Goal, Award)
        .join(Award, col(Award.id) == Goal.award_id)
        .where(Goal.priority_id == priority_id, col(Goal.is_public).is_(True), published_awards())
        .order_by(col(Goal.id))
    ).all()
    goals = [PublicPriorityGoal(id=_id(goal), title=goal.title, award=_award_ref(award)) for goal, award in rows]
    return PublicPriorityDetail(**_priority(priority), goals=goals)


# --- contracts and grants --------------------------------------------------------------------------


def public_awards_resource(kind: AwardKind) -> Resource:
    return Resource(
        name=kind.value,
        area=f"{kind.value}s",
        model=Award,
        create_schema=PublicAwardQuery,
        update_schema=PublicAwardQuery,
        public_schema=PublicAwardSummary,
        query_schema=PublicAwardQuery,
        sortable=("id", "number", "title", "value", "start_date", "end_date"),
        search_columns=("title", "number"),
        fixed={"kind": kind},
        custom_filters={"status": lambda value: col(Award.status) == AwardStatus(value)},
    )


def list_awards(
    session: Session, kind: AwardKind, query: PublicAwardQuery, *, fiscal_start_month: int
) -> dict[str, Any]:
    rows, total = crud.list_records(
        session, public_awards_resource(kind), principal=SYSTEM, query=query, where=(published_awards(),)
    )
    awards: list[Award] = list(rows)
    metrics = _public_metrics_of(session, [_id(a) for a in awards])
    performances = _stored_performance(session, [_id(m) for m in metrics], fiscal_start_month=fiscal_start_month)
    by_award: dict[int, list[Performance]] = {}
    for metric in metrics:
        by_award.setdefault(metric.award_id or 0, []).append(performances[_id(metric)])
    context = _Context.load(session, awards)
    items = [_summary(award, context, by_award.get(_id(award), [])) for award in awards]
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


def read_award(session: Session, kind: AwardKind, award_id: int, *, fiscal_start_month: int) -> PublicAward:
    award = _published_award(session, kind, award_id)
    goals = session.exec(
        select(Goal).where(Goal.award_id == award_id, col(Goal.is_public).is_(True)).order_by(col(Goal.id))
    ).all()
    metrics = _public_metrics_of(session, [award_id])
    evaluations = evaluate_metrics(session, [_id(m) for m in metrics], fiscal_start_month=fiscal_start_month)
    priorities = _priorities_of(session, [g.priority_id for g in goals if g.priority_id is not None])
    context = _Context.load(session, [award])
    public_goals = [
        PublicGoal(
            id=_id(goal),
            title=goal.title,
            description=goal.description,
            priority=priorities.get(goal.priority_id) if goal.priority_id is not None else None,
            metrics=[_metric(m, evaluations[_id(m)]) for m in metrics if m.goal_id == goal.id],
        )
        for goal in goals
    ]
    performances = [evaluations[_id(m)].performance for m in metrics]
    return PublicAward(**_summary(award, context, performances).model_dump(), goals=public_goals)


def read_metric(session: Session, metric_id: int, *, fiscal_start_month: int) -> PublicMetricDetail:
    row = session.exec(
        select(Metric, Goal, Award)
        .join(Goal, col(Goal.id) == Metric.goal_id)
        .join(Award, col(Award.id) == Metric.award_id)
        .where(Metric.id == metric_id, *public_metrics(), published_awards())
    ).first()
    if row is None:
        raise NotFound(f"metric {metric_id} is not published")
    metric, goal, award = row
    evaluation = evaluate_metrics(session, [metric_id], fiscal_start_month=fiscal_start_month)[metric_id]
    periods = [
        PublicPeriod(
            period=p.label,
            start=p.period.start,
            end=p.period.end,
            expected=tidy(p.expected),
            expected_range=p.expected_range,
            actual=tidy(p.actual),
            status=p.status,
        )
        for p in evaluation.periods
    ]
    return PublicMetricDetail(
        **_metric(metric, evaluation).model_dump(),
        award=_award_ref(award),
        goal=PublicGoalRef(id=_id(goal), title=goal.title),
        periods=periods,
    )


# --- helpers ---------------------------------------------------------------------------------------


def _id(record: Any) -> int:
    assert record.id is not None
    return int(record.id)


def _published_award(session: Session, kind: AwardKind, award_id: int) -> Award:
    award = session.exec(select(Award).where(Award.id == award_id, Award.kind == kind, published_awards())).first()
    if award is None:
        raise NotFound(f"{kind.value} {award_id} is not published")
    return award


def _public_metrics_of(session: Session, award_ids: Sequence[int]) -> list[Metric]:
    if not award_ids:
        return []
    dialect = session.get_bind().dialect.name
    return list(
        session.exec(
            select(Metric)
            .join(Goal, col(Goal.id) == Metric.goal_id)
            .where(in_values(Metric.award_id, award_ids, dialect=dialect), *public_metrics())
            .order_by(col(Metric.id))
        ).all()
    )


def _stored_performance(
    session: Session, metric_ids: Sequence[int], *, fiscal_start_month: int
) -> dict[int, Performance]:
    """Each metric's latest stored performance (as the portfolio shows it); evaluated now where none is stored."""
    if not metric_ids:
        return {}
    dialect = session.get_bind().dialect.name
    stored = dict(
        session.exec(
            select(MetricStatus.metric_id, MetricStatus.performance).where(
                in_values(MetricStatus.metric_id, metric_ids, dialect=dialect)
            )
        ).all()
    )
    missing = [i for i in metric_ids if i not in stored]
    evaluations = evaluate_metrics(session, missing, fiscal_start_month=fiscal_start_month) if missing else {}
    fresh = {i: evaluation.performance for i, evaluation in evaluations.items()}
    return {i: Performance(stored[i]) if i in stored else fresh[i] for i in metric_ids}


def _priorities_of(session: Session, ids: Iterable[int]) -> dict[int, PublicGoalPriority]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Priority).where(col(Priority.id).in_(wanted), col(Priority.is_public).is_(True))).all()
    return {_id(p): PublicGoalPriority(id=_id(p), code=p.code, title=p.title) for p in rows}


class _Context:
    """The departments and vendors a page of awards refers to, loaded in two queries."""

    def __init__(self, departments: dict[int, Department], vendors: dict[int, Vendor]) -> None:
        self.departments = departments
        self.vendors = vendors

    @classmethod
    def load(cls, session: Session, awards: Sequence[Award]) -> _Context:
        department_ids = {a.department_id for a in awards}
        vendor_ids = {a.vendor_id for a in awards}
        departments = (
            session.exec(select(Department).where(col(Department.id).in_(department_ids))).all()
            if department_ids
            else []
        )
        vendors = session.exec(select(Vendor).where(col(Vendor.id).in_(vendor_ids))).all() if vendor_ids else []
        return cls({_id(d): d for d in departments}, {_id(v): v for v in vendors})


def _summary(award: Award, context: _Context, performances: Sequence[Performance]) -> PublicAwardSummary:
    department = context.departments[award.department_id]
    vendor = context.vendors[award.vendor_id]
    counts = PublicStatusCounts()
    for performance in performances:
        setattr(counts, performance.value, getattr(counts, performance.value) + 1)
    return PublicAwardSummary(
        id=_id(award),
        kind=award.kind,
        number=award.number,
        title=award.title,
        description=award.description,
        status=award.status,
        department=PublicDepartment(id=_id(department), code=department.code, name=department.name),
        vendor=PublicVendor(id=_id(vendor), legal_name=vendor.legal_name),
        value=award.value,
        currency=award.currency,
        start_date=award.start_date,
        end_date=award.end_date,
        performance=worst(list(performances)),
        counts=counts,
    )


def _award_ref(award: Award) -> PublicAwardRef:
    return PublicAwardRef(id=_id(award), kind=award.kind, number=award.number, title=award.title)


def _reading(result: PeriodResult | None) -> PublicReading | None:
    value = tidy(result.actual) if result is not None else None
    if result is None or value is None:
        return None
    span = result.period
    return PublicReading(period=result.label, period_start=span.start, period_end=span.end, value=value)


def _metric(metric: Metric, evaluation: Evaluation) -> PublicMetric:
    latest = evaluation.latest
    return PublicMetric(
        id=_id(metric),
        code=metric.code,
        name=metric.name,
        description=metric.description,
        unit=metric.unit,
        unit_code=metric.unit_code,
        direction=metric.direction,
        cadence=metric.cadence,
        baseline_value=metric.baseline_value,
        baseline_date=metric.baseline_date,
        target_value=metric.target_value,
        target_date=metric.target_date,
        range_min=metric.range_min,
        range_max=metric.range_max,
        interim_targets=[
            PublicInterimTarget(period=str(t["period"]), value=t["value"]) for t in metric.interim_targets
        ],
        latest_reading=_reading(latest),
        expected_value=tidy(latest.expected) if latest else None,
        performance=evaluation.performance,
        freshness=evaluation.freshness,
        projected_miss=evaluation.projected_miss,
        reasons=[PublicReason(code=r.code, message=r.public_message) for r in evaluation.reasons],
        as_of=evaluation.as_of,
    )
