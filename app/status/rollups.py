"""Rollups: a contract or grant takes the worst of its metrics; so do vendors, departments and priorities."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from app.actions.service import overdue_action_items
from app.auth.principal import Principal
from app.awards.models import Award, AwardStatus
from app.awards.service import award_scope
from app.db import utcnow
from app.departments.models import Department
from app.engine import Freshness, Performance, worst
from app.goals.models import Goal
from app.metrics.models import Metric
from app.priorities.models import Priority
from app.status.models import MetricStatus
from app.status.schemas import AwardStatusOut, PortfolioStatusOut, RollupRow, StatusCounts, summary_of
from app.status.service import evaluate_metrics
from app.vendors.models import Vendor


def award_status(session: Session, award: Award, *, fiscal_start_month: int) -> AwardStatusOut:
    metrics = session.exec(select(Metric).where(Metric.award_id == award.id).order_by(col(Metric.id))).all()
    evaluations = evaluate_metrics(
        session, [m.id for m in metrics if m.id is not None], fiscal_start_month=fiscal_start_month
    )
    summaries = [summary_of(m.id, m.code, m.name, m.unit, evaluations[m.id]) for m in metrics if m.id is not None]
    counts = StatusCounts()
    for summary in summaries:
        setattr(counts, summary.performance.value, getattr(counts, summary.performance.value) + 1)
        counts.overdue += summary.freshness == Freshness.overdue
        counts.projected_miss += summary.projected_miss
    assert award.id is not None
    return AwardStatusOut(
        award_id=award.id,
        kind=award.kind.value,
        number=award.number,
        title=award.title,
        as_of=next(iter(evaluations.values())).as_of if evaluations else utcnow().date(),
        performance=worst([s.performance for s in summaries]),
        counts=counts,
        overdue_action_items=overdue_action_items(session, award_id=award.id),
        metrics=summaries,
    )


def _counts_query(group: Any, *joins: Any, principal: Principal) -> Any:
    performance = col(MetricStatus.performance)
    statement = (
        select(  # type: ignore[call-overload]
            group,
            func.count().filter(performance == Performance.on_track).label("on_track"),
            func.count().filter(performance == Performance.at_risk).label("at_risk"),
            func.count().filter(performance == Performance.off_track).label("off_track"),
            func.count().filter(performance == Performance.no_data).label("no_data"),
            func.count().filter(performance == Performance.evaluation_error).label("evaluation_error"),
            func.count().filter(col(MetricStatus.freshness) == Freshness.overdue).label("overdue"),
            func.sum(case((col(MetricStatus.projected_miss), 1), else_=0)).label("projected_miss"),
        )
        .select_from(MetricStatus)
        .join(Award, Award.id == MetricStatus.award_id)
        .where(col(Award.status).in_([AwardStatus.active, AwardStatus.completed]))
    )
    for join in joins:
        statement = statement.join(*join)
    if not principal.reach.citywide:
        statement = statement.where(award_scope(principal.reach))
    return statement.group_by(group)


def _rows(session: Session, statement: Any, names: dict[Any, str]) -> list[RollupRow]:
    rows = []
    for key, on_track, at_risk, off_track, no_data, failed, overdue, projected in session.exec(statement).all():
        counts = StatusCounts(
            on_track=on_track,
            at_risk=at_risk,
            off_track=off_track,
            no_data=no_data,
            evaluation_error=failed,
            overdue=overdue,
            projected_miss=projected or 0,
        )
        present = [status for status in Performance if getattr(counts, status.value)]
        rows.append(RollupRow(id=key, name=names.get(key, "(none)"), performance=worst(present), counts=counts))
    return sorted(rows, key=lambda row: (-row.counts.off_track, -row.counts.at_risk, row.name))


def portfolio(session: Session, principal: Principal) -> PortfolioStatusOut:
    departments = _rows(
        session,
        _counts_query(Award.department_id, principal=principal),
        dict(session.exec(select(Department.id, Department.name)).all()),
    )
    vendors = _rows(
        session,
        _counts_query(Award.vendor_id, principal=principal),
        dict(session.exec(select(Vendor.id, Vendor.legal_name)).all()),
    )
    priorities = _rows(
        session,
        _counts_query(
            Goal.priority_id,
            (Metric, Metric.id == MetricStatus.metric_id),
            (Goal, Goal.id == Metric.goal_id),
            principal=principal,
        ),
        dict(session.exec(select(Priority.id, Priority.title)).all()),
    )
    totals: dict[str, int] = defaultdict(int)
    for row in departments:
        for name, value in row.counts.model_dump().items():
            totals[name] += value
    oldest = session.exec(select(func.min(MetricStatus.as_of))).one()
    return PortfolioStatusOut(
        as_of=oldest,
        counts=StatusCounts(**totals),
        by_department=departments,
        by_vendor=vendors,
        by_priority=priorities,
    )
