"""Action effectiveness from the database: the completed plans and action items in the caller's reach, each
judged by `rules.py` on the engine's evaluation of its metric today."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.actions.models import ActionItem, ActionStatus
from app.actions.service import action_item_resource
from app.alerts.service import visible_alert
from app.auth.principal import Principal
from app.awards.models import Award
from app.awards.service import award_scope
from app.db import utcnow
from app.departments.models import Department
from app.effectiveness import rules
from app.effectiveness.rules import Comparison, Tally, Verdict
from app.effectiveness.schemas import EffectivenessOut, EffectivenessReport, SideOut, SubjectType, TallyOut
from app.engine import Evaluation, Performance, period_word
from app.kit.problems import NotFound
from app.metrics.models import Metric
from app.periods import containing, label
from app.plans.models import CorrectivePlan, PlanStatus
from app.plans.service import visible_plan
from app.records import crud
from app.status.schemas import tidy
from app.status.service import Subject, evaluate_subjects
from app.vendors.models import Vendor

PLAN_WORDS = ("plan", "plans")
ITEM_WORDS = ("action item", "action items")


@dataclass(frozen=True)
class Done:
    """A plan or action item, as far as its effectiveness goes."""

    kind: SubjectType
    id: int
    title: str
    award_id: int
    alert_id: int | None
    plan_id: int | None
    metric_id: int | None
    completed_at: datetime | None  # None until it is completed

    @classmethod
    def of_plan(cls, plan: CorrectivePlan) -> Done:
        assert plan.id is not None
        completed = plan.completed_at if plan.status == PlanStatus.completed else None
        return cls(SubjectType.plan, plan.id, plan.title, plan.award_id, plan.alert_id, None, plan.metric_id, completed)

    @classmethod
    def of_item(cls, item: ActionItem) -> Done:
        assert item.id is not None
        completed = item.completed_at if item.status == ActionStatus.done else None
        return cls(
            SubjectType.action_item,
            item.id,
            item.title,
            item.award_id,
            item.alert_id,
            item.plan_id,
            item.metric_id,
            completed,
        )


# --- one plan or action item -----------------------------------------------------------------------


def of_plan(session: Session, *, principal: Principal, plan_id: int, fiscal_start_month: int) -> EffectivenessOut:
    plan = visible_plan(session, principal=principal, plan_id=plan_id)
    return judge(session, [Done.of_plan(plan)], fiscal_start_month=fiscal_start_month)[0]


def of_action_item(
    session: Session, *, principal: Principal, item_id: int, fiscal_start_month: int
) -> EffectivenessOut:
    item = crud.get_record(session, action_item_resource(), principal=principal, record_id=item_id)
    return judge(session, [Done.of_item(item)], fiscal_start_month=fiscal_start_month)[0]


# --- reports over many -----------------------------------------------------------------------------


def of_alert(session: Session, *, principal: Principal, alert_id: int, fiscal_start_month: int) -> EffectivenessReport:
    """The alert's completed plans and action items."""
    visible_alert(session, principal=principal, alert_id=alert_id)
    return _report(session, principal, [], fiscal_start_month, alert_id=alert_id)


def of_award(session: Session, *, principal: Principal, award: Award, fiscal_start_month: int) -> EffectivenessReport:
    return _report(session, principal, [col(Award.id) == award.id], fiscal_start_month)


def of_vendor(
    session: Session, *, principal: Principal, vendor_id: int, fiscal_start_month: int
) -> EffectivenessReport:
    """Every contract and grant of the vendor that the caller may see; a vendor's people see only their own."""
    if session.get(Vendor, vendor_id) is None or principal.reach.vendor_id not in (None, vendor_id):
        raise NotFound(f"vendor {vendor_id} not found")
    return _report(session, principal, [col(Award.vendor_id) == vendor_id], fiscal_start_month)


def of_department(
    session: Session, *, principal: Principal, department_id: int, fiscal_start_month: int
) -> EffectivenessReport:
    """Every contract and grant of the department that the caller may see (not a vendor's: a department's work
    spans vendors)."""
    visible = not principal.reach.by_award and principal.reach.sees_department(department_id)
    if not visible or session.get(Department, department_id) is None:
        raise NotFound(f"department {department_id} not found")
    return _report(session, principal, [col(Award.department_id) == department_id], fiscal_start_month)


def _report(
    session: Session,
    principal: Principal,
    awards: list[ColumnElement[bool]],
    fiscal_start_month: int,
    *,
    alert_id: int | None = None,
) -> EffectivenessReport:
    """The completed plans, and the completed action items outside plans (a plan's steps count with their plan),
    of the contracts and grants matching `awards` within the caller's reach."""
    scope = [*awards, *([] if principal.reach.citywide else [award_scope(principal.reach)])]
    plans = session.exec(
        select(CorrectivePlan)
        .join(Award, col(Award.id) == col(CorrectivePlan.award_id))
        .where(
            *scope,
            CorrectivePlan.status == PlanStatus.completed,
            col(CorrectivePlan.metric_id).is_not(None),
            *([CorrectivePlan.alert_id == alert_id] if alert_id is not None else []),
        )
        .order_by(col(CorrectivePlan.completed_at), col(CorrectivePlan.id))
    ).all()
    items = session.exec(
        select(ActionItem)
        .join(Award, col(Award.id) == col(ActionItem.award_id))
        .where(
            *scope,
            ActionItem.status == ActionStatus.done,
            col(ActionItem.plan_id).is_(None),
            col(ActionItem.metric_id).is_not(None),
            *([ActionItem.alert_id == alert_id] if alert_id is not None else []),
        )
        .order_by(col(ActionItem.completed_at), col(ActionItem.id))
    ).all()
    judged = judge(
        session,
        [Done.of_plan(plan) for plan in plans] + [Done.of_item(item) for item in items],
        fiscal_start_month=fiscal_start_month,
    )
    plan_tally, item_tally = Tally(), Tally()
    for result in judged:
        if result.subject_type == SubjectType.plan:
            plan_tally = plan_tally.add(result.verdict)
        else:
            item_tally = item_tally.add(result.verdict)
    return EffectivenessReport(
        as_of=utcnow().date(),
        summary=f"{plan_tally.words(PLAN_WORDS)}; {item_tally.words(ITEM_WORDS)}",
        plans=TallyOut(**plan_tally.__dict__),
        action_items=TallyOut(**item_tally.__dict__),
        items=judged,
    )


# --- judging -----------------------------------------------------------------------------------------


def judge(
    session: Session, done: Sequence[Done], *, fiscal_start_month: int, as_of: date | None = None
) -> list[EffectivenessOut]:
    """Each plan or item compared before and after its completion, on its metric's evaluation as of today."""
    metric_ids = {d.metric_id for d in done if d.metric_id is not None and d.completed_at is not None}
    evaluated = {
        subject.metric_id: (subject, evaluation)
        for subject, evaluation in evaluate_subjects(
            session, metric_ids, fiscal_start_month=fiscal_start_month, as_of=as_of, detail=False
        )
    }
    metrics = {
        metric.id: metric
        for metric in (session.exec(select(Metric).where(col(Metric.id).in_(metric_ids))).all() if metric_ids else [])
    }
    return [
        _judge_one(d, metrics.get(d.metric_id or 0), evaluated.get(d.metric_id or 0), fiscal_start_month) for d in done
    ]


def _judge_one(
    done: Done, metric: Metric | None, evaluated: tuple[Subject, Evaluation] | None, fiscal_start_month: int
) -> EffectivenessOut:
    base: dict[str, Any] = {
        "subject_type": done.kind,
        "subject_id": done.id,
        "title": done.title,
        "award_id": done.award_id,
        "alert_id": done.alert_id,
        "plan_id": done.plan_id,
        "metric_id": done.metric_id,
        "metric_code": metric.code if metric else None,
        "unit": metric.unit if metric else None,
        "completed_at": done.completed_at,
    }
    noun = "plan" if done.kind == SubjectType.plan else "action item"
    if done.completed_at is None:
        return _not_applicable(base, f"the {noun} is not completed yet: nothing to compare")
    if metric is None or evaluated is None:
        return _not_applicable(base, f"the {noun} is linked to no metric: nothing to compare")
    subject, evaluation = evaluated
    if evaluation.performance == Performance.evaluation_error:
        return _not_applicable(base, "the metric could not be evaluated; the city is looking into it")
    cadence = subject.definition.cadence
    period = containing(done.completed_at.date(), cadence, fiscal_start_month=fiscal_start_month)
    name = label(period, cadence, fiscal_start_month=fiscal_start_month)
    comparison = rules.compare(
        rules.points(subject.definition, evaluation.periods),
        completed_start=period.start,
        completed_end=period.end,
        what=f"{done.title} ({name})",
        words=(period_word(cadence, 1), period_word(cadence, 2)),
    )
    return _out(base | {"completed_period": name}, comparison)


def _not_applicable(base: dict[str, Any], why: str) -> EffectivenessOut:
    return EffectivenessOut(
        **base,
        completed_period=None,
        verdict=Verdict.not_applicable,
        periods_used=0,
        periods_before=0,
        periods_after=0,
        before=None,
        after=None,
        shortfall_change=None,
        summary=why,
    )


def _side(side: rules.Side | None) -> SideOut | None:
    if side is None:
        return None
    mean = tidy(side.shortfall)
    assert mean is not None  # a mean of finite shortfalls
    return SideOut(periods=list(side.periods), shortfall_percent=mean, trend_per_period=tidy(side.trend))


def _out(base: dict[str, Any], comparison: Comparison) -> EffectivenessOut:
    return EffectivenessOut(
        **base,
        verdict=comparison.verdict,
        periods_used=comparison.periods_used,
        periods_before=comparison.available_before,
        periods_after=comparison.available_after,
        before=_side(comparison.before),
        after=_side(comparison.after),
        shortfall_change=tidy(comparison.change),
        summary=comparison.summary,
    )
