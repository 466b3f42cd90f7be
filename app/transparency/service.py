"""What residents may see: public priorities, and the public goals and metrics of published contracts and grants.

Published means: a contract or grant that is active or completed (never a draft, never terminated), and
within it only goals and metrics marked `is_public` (a public metric under a private goal stays private).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM
from app.awards.models import Award, AwardKind, AwardStatus
from app.db import utcnow
from app.departments.models import Department
from app.engine import Edges, Evaluation, Forecast, Freshness, Performance, PeriodResult, status_edges
from app.engine import worst as worst_performance
from app.goals.models import Goal
from app.kit.problems import NotFound
from app.kit.sql import in_values
from app.metrics.models import Metric
from app.periods import Cadence, containing
from app.priorities.models import Priority
from app.records import crud
from app.records.resource import Resource
from app.status.models import MetricStatus, StatusTransition
from app.status.schemas import tidy
from app.status.service import evaluate_metrics, evaluate_subjects
from app.transparency.schemas import (
    PublicAward,
    PublicAwardQuery,
    PublicAwardRef,
    PublicAwardSearch,
    PublicAwardSummary,
    PublicChanges,
    PublicDepartment,
    PublicForecast,
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
from app.transparency.standing import SEVERITY, Standing, change_between, standing_of, worst
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


def list_priorities(session: Session, query: PublicPriorityQuery, *, today: date | None = None) -> dict[str, Any]:
    rows, total = crud.list_records(session, public_priorities_resource(), principal=SYSTEM, query=query)
    progress = _PriorityProgress.load(session, [_id(row) for row in rows], today=today or utcnow().date())
    items = [PublicPriority.model_validate(_priority(row) | progress.of(_id(row))) for row in rows]
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


def read_priority(session: Session, priority_id: int, *, today: date | None = None) -> PublicPriorityDetail:
    priority = crud.get_record(session, public_priorities_resource(), principal=SYSTEM, record_id=priority_id)
    progress = _PriorityProgress.load(session, [priority_id], today=today or utcnow().date())
    rows = session.exec(
        select(Goal, Award)
        .join(Award, col(Award.id) == Goal.award_id)
        .where(Goal.priority_id == priority_id, col(Goal.is_public).is_(True), published_awards())
        .order_by(col(Goal.id))
    ).all()
    goals = [PublicPriorityGoal(id=_id(goal), title=goal.title, award=_award_ref(award)) for goal, award in rows]
    return PublicPriorityDetail(**_priority(priority), **progress.of(priority_id), goals=goals)


@dataclass
class _PriorityProgress:
    """Each priority's public metrics by standing now, and how they moved over the last month."""

    counts: dict[int, PublicStatusCounts]
    changes: dict[int, PublicChanges]
    since: date

    def of(self, priority_id: int) -> dict[str, Any]:
        return {
            "counts": self.counts.get(priority_id, PublicStatusCounts()),
            "changes": self.changes.get(priority_id, PublicChanges(since=self.since)),
        }

    @classmethod
    def load(cls, session: Session, priority_ids: Sequence[int], *, today: date) -> _PriorityProgress:
        since = today - timedelta(days=30)
        if not priority_ids:
            return cls({}, {}, since)
        serving = (
            *public_metrics(),
            published_awards(),
            col(Goal.priority_id).in_(priority_ids),
        )
        counts: dict[int, PublicStatusCounts] = {}
        for priority_id, performance, freshness, how_many in session.exec(
            select(col(Goal.priority_id), MetricStatus.performance, MetricStatus.freshness, func.count())
            .select_from(Metric)
            .join(Goal, col(Goal.id) == Metric.goal_id)
            .join(Award, col(Award.id) == Metric.award_id)
            .outerjoin(MetricStatus, col(MetricStatus.metric_id) == Metric.id)
            .where(*serving)
            .group_by(col(Goal.priority_id), MetricStatus.performance, MetricStatus.freshness)
        ).all():
            standing = standing_of(performance, freshness).value
            tally = counts.setdefault(int(priority_id or 0), PublicStatusCounts())
            setattr(tally, standing, getattr(tally, standing) + int(how_many))
        now: dict[int, _Now] = {}
        transitions: list[tuple[int, str, str | None]] = []
        # Six columns: more than sqlmodel's typed select() takes, so SQLAlchemy's.
        for metric_id, dimension, from_status, priority_id, performance, freshness in session.execute(
            sa_select(
                col(StatusTransition.metric_id),
                col(StatusTransition.dimension),
                col(StatusTransition.from_status),
                col(Goal.priority_id),
                col(MetricStatus.performance),
                col(MetricStatus.freshness),
            )
            .join(Metric, col(Metric.id) == StatusTransition.metric_id)
            .join(Goal, col(Goal.id) == Metric.goal_id)
            .join(Award, col(Award.id) == Metric.award_id)
            .join(MetricStatus, col(MetricStatus.metric_id) == Metric.id)
            .where(
                *serving,
                col(StatusTransition.occurred_at) >= datetime.combine(since, time(), UTC),
                col(StatusTransition.dimension) != "forecast",
            )
            .order_by(col(StatusTransition.occurred_at), col(StatusTransition.id))
        ).all():
            now[metric_id] = _Now(int(priority_id or 0), performance, freshness)
            transitions.append((metric_id, dimension, from_status))
        changes: dict[int, PublicChanges] = {}
        for metric_id, before in _standings_before(transitions, now).items():
            change = change_between(before, now[metric_id].standing)
            if change is not None:
                moved = changes.setdefault(now[metric_id].priority_id, PublicChanges(since=since))
                setattr(moved, change.value, getattr(moved, change.value) + 1)
        return cls(counts, changes, since)


@dataclass(frozen=True)
class _Now:
    priority_id: int
    performance: str | None
    freshness: str | None

    @property
    def standing(self) -> Standing:
        return standing_of(self.performance, self.freshness)


def _standings_before(transitions: Sequence[tuple[int, str, str | None]], now: dict[int, _Now]) -> dict[int, Standing]:
    """Each metric's standing at the start of the window: the first transition of a dimension in the window
    tells what it was then; a dimension without one has not moved. Metrics first evaluated within the window
    (a transition from nothing) are new, not news."""
    first: dict[int, dict[str, str | None]] = {}
    for metric_id, dimension, from_status in transitions:
        first.setdefault(int(metric_id), {}).setdefault(dimension, from_status)
    before: dict[int, Standing] = {}
    for metric_id, was in first.items():
        if metric_id not in now or any(status is None for status in was.values()):
            continue
        current = now[metric_id]
        before[metric_id] = standing_of(
            was.get("performance", current.performance), was.get("freshness", current.freshness)
        )
    return before


# --- contracts and grants --------------------------------------------------------------------------


def public_awards_resource(kind: AwardKind | None) -> Resource:
    """Published contracts (or grants); both kinds together, for the search page, when `kind` is None."""
    return Resource(
        name=kind.value if kind else "award",
        area=f"{kind.value}s" if kind else "awards",
        model=Award,
        create_schema=PublicAwardQuery,
        update_schema=PublicAwardQuery,
        public_schema=PublicAwardSummary,
        query_schema=PublicAwardSearch if kind is None else PublicAwardQuery,
        sortable=("id", "number", "title", "value", "start_date", "end_date"),
        search_columns=("title", "number"),
        fixed={"kind": kind} if kind else {},
        custom_filters={
            "status": lambda value: col(Award.status) == AwardStatus(value),
            "standing": lambda value: award_standing_rank() == SEVERITY[Standing(value)],
            "priority_id": serves_priority,
        },
    )


def award_standing_rank() -> ColumnElement[int]:
    """The award's standing as its SEVERITY rank, in SQL: the worst of its public metrics' stored standings
    (no public metric, or none evaluated yet: no data)."""
    metric_rank = case(
        (col(MetricStatus.freshness) == Freshness.overdue, SEVERITY[Standing.overdue]),
        *(
            (col(MetricStatus.performance) == Performance(standing.value), SEVERITY[standing])
            for standing in (Standing.on_track, Standing.at_risk, Standing.off_track, Standing.evaluation_error)
        ),
        else_=SEVERITY[Standing.no_data],
    )
    worst_of_metrics = (
        select(func.max(metric_rank))
        .select_from(Metric)
        .join(Goal, col(Goal.id) == Metric.goal_id)
        .outerjoin(MetricStatus, col(MetricStatus.metric_id) == Metric.id)
        .where(col(Metric.award_id) == Award.id, *public_metrics())
        .correlate(Award)
        .scalar_subquery()
    )
    return func.coalesce(worst_of_metrics, SEVERITY[Standing.no_data])


def serves_priority(priority_id: int) -> ColumnElement[bool]:
    return exists(
        select(Goal.id).where(
            col(Goal.award_id) == Award.id, Goal.priority_id == priority_id, col(Goal.is_public).is_(True)
        )
    )


def list_awards(
    session: Session, kind: AwardKind | None, query: PublicAwardQuery, *, fiscal_start_month: int
) -> dict[str, Any]:
    rows, total = crud.list_records(
        session, public_awards_resource(kind), principal=SYSTEM, query=query, where=(published_awards(),)
    )
    awards: list[Award] = list(rows)
    metrics = _public_metrics_of(session, [_id(a) for a in awards])
    states = _stored_states(session, metrics, fiscal_start_month=fiscal_start_month)
    by_award: dict[int, list[_State]] = {}
    for metric in metrics:
        by_award.setdefault(metric.award_id or 0, []).append(states[_id(metric)])
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
    states = [_State.of(evaluations[_id(m)]) for m in metrics]
    return PublicAward(**_summary(award, context, states).model_dump(), goals=public_goals)


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
    ((subject, evaluation),) = evaluate_subjects(session, [metric_id], fiscal_start_month=fiscal_start_month)
    periods = [_period(p, status_edges(subject.definition, p.expected)) for p in evaluation.periods]
    return PublicMetricDetail(
        **_metric(metric, evaluation).model_dump(),
        award=_award_ref(award),
        goal=PublicGoalRef(id=_id(goal), title=goal.title),
        periods=periods,
    )


@dataclass(frozen=True)
class FilterChoices:
    """What the search page offers to filter by: only departments, vendors and priorities with something published."""

    departments: list[PublicDepartment]
    vendors: list[PublicVendor]
    priorities: list[PublicGoalPriority]


def filter_choices(session: Session) -> FilterChoices:
    published = select(Award.department_id, Award.vendor_id).where(published_awards()).subquery()
    departments = session.exec(
        select(Department).where(col(Department.id).in_(select(published.c.department_id))).order_by(Department.name)
    ).all()
    vendors = session.exec(
        select(Vendor).where(col(Vendor.id).in_(select(published.c.vendor_id))).order_by(Vendor.legal_name)
    ).all()
    priorities = session.exec(
        select(Priority).where(col(Priority.is_public).is_(True)).order_by(col(Priority.title))
    ).all()
    return FilterChoices(
        departments=[PublicDepartment(id=_id(d), code=d.code, name=d.name) for d in departments],
        vendors=[PublicVendor(id=_id(v), legal_name=v.legal_name) for v in vendors],
        priorities=[PublicGoalPriority(id=_id(p), code=p.code, title=p.title) for p in priorities],
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


@dataclass(frozen=True)
class _State:
    """What a list needs of a metric's evaluation: its verdict, whether data is late, and its latest period."""

    performance: Performance
    freshness: Freshness
    last_reported: date | None

    @property
    def standing(self) -> Standing:
        return standing_of(self.performance, self.freshness)

    @classmethod
    def of(cls, evaluation: Evaluation) -> _State:
        latest = evaluation.latest
        return cls(evaluation.performance, evaluation.freshness, latest.period.end if latest else None)


def _stored_states(session: Session, metrics: Sequence[Metric], *, fiscal_start_month: int) -> dict[int, _State]:
    """Each metric's latest stored evaluation (as the portfolio shows it); evaluated now where none is stored."""
    if not metrics:
        return {}
    dialect = session.get_bind().dialect.name
    cadences = {_id(m): m.cadence for m in metrics}
    stored = {
        int(metric_id): _State(
            Performance(performance), Freshness(freshness), _period_end(start, cadences[metric_id], fiscal_start_month)
        )
        for metric_id, performance, freshness, start in session.exec(
            select(
                MetricStatus.metric_id,
                MetricStatus.performance,
                MetricStatus.freshness,
                col(MetricStatus.latest_period_start),
            ).where(in_values(MetricStatus.metric_id, list(cadences), dialect=dialect))
        ).all()
    }
    missing = [i for i in cadences if i not in stored]
    evaluations = evaluate_metrics(session, missing, fiscal_start_month=fiscal_start_month) if missing else {}
    return stored | {i: _State.of(evaluation) for i, evaluation in evaluations.items()}


def _period_end(start: date | None, cadence: Cadence, fiscal_start_month: int) -> date | None:
    return containing(start, cadence, fiscal_start_month=fiscal_start_month).end if start else None


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


def _summary(award: Award, context: _Context, states: Sequence[_State]) -> PublicAwardSummary:
    department = context.departments[award.department_id]
    vendor = context.vendors[award.vendor_id]
    counts = PublicStatusCounts()
    for state in states:
        setattr(counts, state.standing.value, getattr(counts, state.standing.value) + 1)
    reported = [state.last_reported for state in states if state.last_reported is not None]
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
        performance=worst_performance([state.performance for state in states]),
        standing=worst(state.standing for state in states),
        freshness=_freshness_of(states),
        last_reported=max(reported, default=None),
        counts=counts,
    )


def _freshness_of(states: Sequence[_State]) -> Freshness:
    found = {state.freshness for state in states}
    return next((f for f in (Freshness.overdue, Freshness.current) if f in found), Freshness.not_due)


def _period(result: PeriodResult, edges: tuple[Edges, Edges] | None) -> PublicPeriod:
    def tidied(pair: Edges) -> Edges:
        return tidy(pair[0]), tidy(pair[1])

    return PublicPeriod(
        period=result.label,
        start=result.period.start,
        end=result.period.end,
        expected=tidy(result.expected),
        expected_range=result.expected_range,
        actual=tidy(result.actual),
        status=result.status,
        on_track_within=tidied(edges[0]) if edges else None,
        off_track_outside=tidied(edges[1]) if edges else None,
    )


def _award_ref(award: Award) -> PublicAwardRef:
    return PublicAwardRef(id=_id(award), kind=award.kind, number=award.number, title=award.title)


def _reading(result: PeriodResult | None) -> PublicReading | None:
    value = tidy(result.actual) if result is not None else None
    if result is None or value is None:
        return None
    span = result.period
    return PublicReading(period=result.label, period_start=span.start, period_end=span.end, value=value)


def _forecast(forecast: Forecast | None) -> PublicForecast | None:
    if forecast is None:
        return None
    projected = tidy(forecast.projected_value)
    if projected is None:
        return None
    return PublicForecast(projected_value=projected, target_date=forecast.target_date, based_on=forecast.based_on)


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
        standing=standing_of(evaluation.performance, evaluation.freshness),
        projected_miss=evaluation.projected_miss,
        forecast=_forecast(evaluation.forecast),
        reasons=[PublicReason(code=r.code, message=r.public_message) for r in evaluation.reasons],
        as_of=evaluation.as_of,
    )
