"""Corrective action plans: either side proposes steps (action items) for an alert, the city agrees or rejects,
and when the last step of an agreed plan is done the plan is completed and the alert asks for a resolution."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from app.actions import service as actions
from app.actions.models import ActionItem, ActionStatus
from app.alerts import service as alerts
from app.alerts.models import AlertStatus
from app.audit import service as audit
from app.auth.principal import SYSTEM, Principal
from app.awards.models import Award
from app.awards.service import award_scope
from app.db import utcnow
from app.events import service as events
from app.events.types import EventType
from app.kit.pagination import paginate
from app.kit.preconditions import check_if_match
from app.kit.problems import Conflict, InvalidInput, NotFound
from app.plans.models import CorrectivePlan, PlanStatus
from app.plans.schemas import PlanCreate, PlanQuery, PlanUpdate, StepCreate

OPEN = (PlanStatus.proposed, PlanStatus.agreed)


def visible_plan(session: Session, *, principal: Principal, plan_id: int) -> CorrectivePlan:
    """The plan, or 404 when it does not exist or its contract or grant is out of the caller's reach."""
    statement = select(CorrectivePlan).where(CorrectivePlan.id == plan_id)
    if not principal.reach.citywide:
        statement = statement.join(Award, col(Award.id) == col(CorrectivePlan.award_id)).where(
            award_scope(principal.reach)
        )
    plan = session.exec(statement).first()
    if plan is None:
        raise NotFound(f"plan {plan_id} not found")
    return plan


def search(session: Session, *, principal: Principal, query: PlanQuery) -> tuple[list[CorrectivePlan], int]:
    statement = select(CorrectivePlan)
    if not principal.reach.citywide:
        statement = statement.join(Award, col(Award.id) == col(CorrectivePlan.award_id)).where(
            award_scope(principal.reach)
        )
    for name in ("award_id", "alert_id", "status"):
        value = getattr(query, name)
        if value is not None:
            statement = statement.where(getattr(CorrectivePlan, name) == value)
    return paginate(session, statement, col(CorrectivePlan.id), limit=query.limit, offset=query.offset)


def steps_of(session: Session, plan_ids: Sequence[int]) -> dict[int, list[ActionItem]]:
    found: dict[int, list[ActionItem]] = {plan_id: [] for plan_id in plan_ids}
    if plan_ids:
        for item in session.exec(
            select(ActionItem).where(col(ActionItem.plan_id).in_(plan_ids)).order_by(col(ActionItem.id))
        ):
            assert item.plan_id is not None
            found[item.plan_id].append(item)
    return found


def _award(session: Session, award_id: int) -> Award:
    award = session.get(Award, award_id)
    assert award is not None
    return award


def _new_steps(
    session: Session,
    *,
    principal: Principal,
    plan: CorrectivePlan,
    award: Award,
    steps: Sequence[StepCreate],
    field: str,
) -> list[ActionItem]:
    """The plan's steps as action items, each owner checked (a 422 names the step) before anything is written."""
    made = []
    for index, step in enumerate(steps):
        owner = actions.owner_fields(
            session, award=award, user_id=step.owner_user_id, field=field.format(index=index) + ".owner_user_id"
        )
        if step.meeting_id is not None:
            _check_meeting(session, principal, award, step.meeting_id, field.format(index=index) + ".meeting_id")
        made.append(
            ActionItem(
                title=step.title,
                due_date=step.due_date,
                status=ActionStatus.open,
                alert_id=plan.alert_id,
                metric_id=plan.metric_id,
                award_id=plan.award_id,
                plan_id=plan.id,
                meeting_id=step.meeting_id,
                **owner,
            )
        )
    return made


def _check_meeting(session: Session, principal: Principal, award: Award, meeting_id: int, field: str) -> None:
    """A step links to a meeting of the same contract; meetings are the city's (their notes are internal)."""
    meetings = SQLModel.metadata.tables["meeting"]  # by table name: meetings sit beside plans
    owner = session.connection().execute(select(meetings.c.award_id).where(meetings.c.id == meeting_id)).scalar()
    if principal.is_vendor or owner != award.id:
        raise InvalidInput.on(field, f"no meeting {meeting_id} on this contract or grant", "unknown_reference")


def _write_steps(session: Session, *, principal: Principal, award: Award, steps: list[ActionItem]) -> None:
    session.add_all(steps)
    session.flush()
    for item in steps:
        audit.record_creation(session, actor=principal, entity="action_item", created=item)
    actions.record_created(session, steps, department_id=award.department_id)


def _event(session: Session, plan: CorrectivePlan, type_: EventType, at: datetime, **extra: Any) -> None:
    award = _award(session, plan.award_id)
    events.record(
        session,
        type_,
        subject_type="plan",
        subject_id=plan.id,
        department_id=award.department_id,
        award_id=plan.award_id,
        occurred_at=at,
        payload={
            "plan_id": plan.id,
            "alert_id": plan.alert_id,
            "metric_id": plan.metric_id,
            "title": plan.title,
            "status": plan.status.value,
            "side": plan.proposed_side.value,
        }
        | extra,
    )


def _history(session: Session, plan: CorrectivePlan, event: str, actor: str, at: datetime, note: str) -> None:
    if plan.alert_id is not None:
        alerts.add_to_history(session, alert_id=plan.alert_id, event=event, actor=actor, at=at, note=note)


def _touch(session: Session, plan: CorrectivePlan, now: datetime) -> None:
    plan.version += 1
    plan.updated_at = now
    session.add(plan)


def propose(session: Session, *, principal: Principal, alert_id: int, data: PlanCreate) -> CorrectivePlan:
    alert = alerts.visible_alert(session, principal=principal, alert_id=alert_id)
    if alert.status == AlertStatus.resolved:
        raise Conflict(f"alert {alert_id} is resolved; reopen it to plan against it")
    now = utcnow()
    plan = CorrectivePlan(
        award_id=alert.award_id,
        alert_id=alert.id,
        metric_id=alert.metric_id,
        title=data.title,
        description=data.description,
        status=PlanStatus.proposed,
        proposed_by=principal.subject,
        proposed_side=actions.side_of(principal),
        created_at=now,
        updated_at=now,
    )
    award = _award(session, alert.award_id)
    session.add(plan)
    session.flush()
    steps = _new_steps(
        session, principal=principal, plan=plan, award=award, steps=data.steps, field="body.steps.{index}"
    )
    audit.record_creation(session, actor=principal, entity="plan", created=plan)
    _write_steps(session, principal=principal, award=award, steps=steps)
    _event(session, plan, EventType.plan_proposed, now, steps=len(steps), proposed_by=principal.subject)
    _history(session, plan, "plan_proposed", principal.subject, now, f"{plan.title} ({len(steps)} steps)")
    session.commit()
    session.refresh(plan)
    return plan


def update(
    session: Session, *, principal: Principal, plan_id: int, data: PlanUpdate, if_match: str | None
) -> CorrectivePlan:
    plan = visible_plan(session, principal=principal, plan_id=plan_id)
    check_if_match(plan, if_match, required=True)
    if plan.status != PlanStatus.proposed:
        raise Conflict(f"plan {plan_id} is {plan.status.value}; only a proposed plan can be changed")
    requested = data.model_dump(exclude_unset=True)
    changes = {name: value for name, value in requested.items() if getattr(plan, name) != value}
    if not changes:
        return plan
    before = audit.snapshot(plan)
    for name, value in changes.items():
        setattr(plan, name, value)
    _touch(session, plan, utcnow())
    session.flush()
    assert plan.id is not None
    audit.record(
        session,
        actor=principal,
        entity="plan",
        entity_id=plan.id,
        action="update",
        changes=audit.diff(before, audit.snapshot(plan)),
    )
    session.commit()
    session.refresh(plan)
    return plan


def add_step(session: Session, *, principal: Principal, plan_id: int, data: StepCreate) -> ActionItem:
    plan = visible_plan(session, principal=principal, plan_id=plan_id)
    if plan.status not in OPEN:
        raise Conflict(f"plan {plan_id} is {plan.status.value}; steps are added while it is proposed or agreed")
    award = _award(session, plan.award_id)
    [step] = _new_steps(session, principal=principal, plan=plan, award=award, steps=[data], field="body")
    _touch(session, plan, utcnow())
    _write_steps(session, principal=principal, award=award, steps=[step])
    session.commit()
    session.refresh(step)
    return step


def agree(
    session: Session, *, principal: Principal, plan_id: int, note: str | None, if_match: str | None
) -> CorrectivePlan:
    plan = visible_plan(session, principal=principal, plan_id=plan_id)
    check_if_match(plan, if_match, required=False)
    if plan.status != PlanStatus.proposed:
        raise Conflict(f"plan {plan_id} is {plan.status.value}; only a proposed plan can be agreed")
    assert plan.id is not None
    if not steps_of(session, [plan.id])[plan.id]:
        raise Conflict(f"plan {plan_id} has no steps yet; add one (POST /plans/{plan_id}/steps) before agreeing")
    now = utcnow()
    _decide(session, principal, plan, PlanStatus.agreed, now, note, agreed_at=now, agreed_by=principal.subject)
    _event(session, plan, EventType.plan_agreed, now, note=note)
    _history(session, plan, "plan_agreed", principal.subject, now, note or plan.title)
    _complete_if_done(session, plan, now)  # its steps may all be done already
    session.commit()
    session.refresh(plan)
    return plan


def reject(
    session: Session, *, principal: Principal, plan_id: int, note: str | None, if_match: str | None
) -> CorrectivePlan:
    """The city turns a proposal down; its open steps are cancelled (nobody is to work on them)."""
    plan = visible_plan(session, principal=principal, plan_id=plan_id)
    check_if_match(plan, if_match, required=False)
    if plan.status != PlanStatus.proposed:
        raise Conflict(f"plan {plan_id} is {plan.status.value}; only a proposed plan can be rejected")
    assert plan.id is not None
    now = utcnow()
    for item in steps_of(session, [plan.id])[plan.id]:
        if item.status == ActionStatus.open:
            assert item.id is not None
            item.status, item.version, item.updated_at = ActionStatus.cancelled, item.version + 1, now
            session.add(item)
            audit.record(
                session,
                actor=principal,
                entity="action_item",
                entity_id=item.id,
                action="update",
                changes={"status": [ActionStatus.open.value, ActionStatus.cancelled.value]},
            )
    _decide(session, principal, plan, PlanStatus.rejected, now, note)
    _event(session, plan, EventType.plan_rejected, now, note=note)
    _history(session, plan, "plan_rejected", principal.subject, now, note or plan.title)
    session.commit()
    session.refresh(plan)
    return plan


def _decide(
    session: Session,
    principal: Principal,
    plan: CorrectivePlan,
    status: PlanStatus,
    now: datetime,
    note: str | None,
    **values: Any,
) -> None:
    assert plan.id is not None
    before = audit.snapshot(plan)
    plan.status = status
    for name, value in values.items():
        setattr(plan, name, value)
    _touch(session, plan, now)
    session.flush()
    audit.record(
        session,
        actor=principal,
        entity="plan",
        entity_id=plan.id,
        action="update",
        changes=audit.diff(before, audit.snapshot(plan)) | ({"note": [None, note]} if note else {}),
    )


def _complete_if_done(session: Session, plan: CorrectivePlan, now: datetime) -> None:
    """An agreed plan whose steps are all settled, at least one of them done, is completed (at the time of its
    latest step) and its alert asks the manager for a resolution."""
    if plan.status != PlanStatus.agreed or plan.id is None:
        return
    steps = steps_of(session, [plan.id])[plan.id]
    done = [item.completed_at or now for item in steps if item.status == ActionStatus.done]
    if not done or any(item.status == ActionStatus.open for item in steps):
        return
    _decide(session, SYSTEM, plan, PlanStatus.completed, now, None, completed_at=max(done))
    assert plan.completed_at is not None
    _event(session, plan, EventType.plan_completed, now, completed_at=plan.completed_at.isoformat())
    _history(session, plan, "plan_completed", alerts.SYSTEM_ACTOR, now, f"every step of {plan.title!r} is done")
    if plan.alert_id is not None:
        alerts.request_resolution(
            session,
            alert_id=plan.alert_id,
            actor=alerts.SYSTEM_ACTOR,
            note=f"plan {plan.id} is completed: record whether the alert is resolved",
            at=now,
            details={"plan_id": plan.id},
        )


def _on_step_settled(session: Session, item: ActionItem) -> None:
    if item.plan_id is None:
        return
    plan = session.get(CorrectivePlan, item.plan_id)
    if plan is not None:
        session.flush()  # the step's own change first: the plan reads every step
        _complete_if_done(session, plan, utcnow())


actions.on_settled(_on_step_settled)
