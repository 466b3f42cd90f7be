"""Meetings with an agenda built from the contract's state, regenerated until the meeting is held, then frozen."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, and_, update
from sqlmodel import Session, col, func, select

from app.actions.models import ActionItem, ActionStatus
from app.alerts.models import Alert, AlertStatus
from app.audit import service as audit
from app.auth.principal import Principal
from app.awards.models import Award
from app.awards.service import owned_by_award_in
from app.db import utcnow
from app.engine import Freshness, ReasonCode
from app.events import service as events
from app.events.types import EventType
from app.kit.preconditions import check_if_match
from app.kit.problems import Conflict, FieldError, PreconditionFailed
from app.meetings.models import (
    AgendaKind,
    Meeting,
    MeetingCreate,
    MeetingPublic,
    MeetingQuery,
    MeetingUpdate,
)
from app.metrics.models import Metric
from app.periods import Period, label
from app.plans.models import CorrectivePlan
from app.readings.models import Reading
from app.records import crud
from app.records.resource import Dependent, Resource
from app.status.models import MetricStatus
from app.status.schemas import tidy

# Action items and plan steps due within this many days are on the agenda (overdue ones always are).
DUE_SOON_DAYS = 14
# What a held meeting keeps as its record: when, what, with whom (its internal notes stay editable).
FROZEN_WHEN_HELD = ("held_on", "title", "attendees")


def meeting_resource() -> Resource[Meeting]:
    return Resource(
        name="meeting",
        area="meetings",
        model=Meeting,
        create_schema=MeetingCreate,
        update_schema=MeetingUpdate,
        public_schema=MeetingPublic,
        query_schema=MeetingQuery,
        sortable=("id", "held_on", "created_at", "updated_at"),
        dependents=(Dependent("action_item", "meeting_id", "action items"),),
        scope=owned_by_award_in(col(Meeting.award_id)),
        check=_check_not_held,
    )


def _check_not_held(session: Session, candidate: Meeting) -> None:
    """A held meeting's date, title and attendees are the record of what happened: refused, naming each field."""
    if candidate.id is None:
        return
    stored = session.get(Meeting, candidate.id)
    if stored is None or stored.held_at is None:
        return
    changed = [name for name in FROZEN_WHEN_HELD if getattr(stored, name) != getattr(candidate, name)]
    if changed:
        raise Conflict(
            f"meeting {candidate.id} was held on {stored.held_at.date().isoformat()}; "
            f"its {', '.join(changed)} can no longer change (notes can)",
            errors=[
                FieldError(field=f"body.{name}", message="frozen: the meeting was held", code="held")
                for name in changed
            ],
        )


# --- the agenda ------------------------------------------------------------------------------------


def agenda(session: Session, *, award_id: int, today: date, fiscal_start_month: int) -> list[dict[str, Any]]:
    """Open alerts (worst first), overdue data, plan steps and action items overdue or due soon, then each
    metric's latest reading: what the city and the vendor need to talk about, most pressing first."""
    return [
        *_open_alerts(session, award_id),
        *_overdue_data(session, award_id),
        *_due_items(session, award_id, today),
        *_latest_readings(session, award_id, today, fiscal_start_month),
    ]


def _item(kind: AgendaKind, text: str, ref_id: int | None, **refs: int | None) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "text": text,
        "ref_id": ref_id,
        "refs": {name: value for name, value in refs.items() if value is not None},
    }


def _open_alerts(session: Session, award_id: int) -> list[dict[str, Any]]:
    alerts = session.exec(
        select(Alert)
        .where(Alert.award_id == award_id, Alert.status != AlertStatus.resolved)
        .order_by(col(Alert.severity_rank).desc(), col(Alert.opened_at), col(Alert.id))
    ).all()
    return [
        _item(
            AgendaKind.open_alert,
            f"[{a.severity.value}] {a.kind.value}: {a.summary}",
            a.id,
            alert_id=a.id,
            metric_id=a.metric_id,
        )
        for a in alerts
    ]


def _overdue_data(session: Session, award_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(MetricStatus, Metric.code)
        .join(Metric, col(Metric.id) == col(MetricStatus.metric_id))
        .where(MetricStatus.award_id == award_id, MetricStatus.freshness == Freshness.overdue)
        .order_by(col(Metric.id))
    ).all()
    found = []
    for status, code in rows:
        why = next((r["message"] for r in status.reasons if r.get("code") == ReasonCode.overdue), "")
        text = f"{code}: data overdue. {why}".rstrip()
        found.append(_item(AgendaKind.overdue_data, text, status.metric_id, metric_id=status.metric_id))
    return found


def _due_items(session: Session, award_id: int, today: date) -> list[dict[str, Any]]:
    rows = session.exec(
        select(ActionItem, CorrectivePlan.title)
        .outerjoin(CorrectivePlan, col(CorrectivePlan.id) == col(ActionItem.plan_id))
        .where(
            ActionItem.award_id == award_id,
            ActionItem.status == ActionStatus.open,
            col(ActionItem.due_date) <= today + timedelta(days=DUE_SOON_DAYS),
        )
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    ).all()
    overdue: list[dict[str, Any]] = []
    due: list[dict[str, Any]] = []
    for item, plan_title in rows:
        late = (today - item.due_date).days
        when = (
            f"{late} day{'s' if late != 1 else ''} late"
            if late > 0
            else "today"
            if late == 0
            else f"in {-late} day{'s' if late != -1 else ''}"
        )
        text = f"{item.title} ({item.owner_side.value}: {item.owner_name}), due {item.due_date.isoformat()}, {when}"
        if plan_title is not None:
            text = f"Plan '{plan_title}': {text}"
            kind = AgendaKind.overdue_plan_step if late > 0 else AgendaKind.plan_step_due
        else:
            kind = AgendaKind.overdue_action_item if late > 0 else AgendaKind.action_item_due
        entry = _item(
            kind,
            text,
            item.id,
            action_item_id=item.id,
            plan_id=item.plan_id,
            alert_id=item.alert_id,
            metric_id=item.metric_id,
        )
        (overdue if late > 0 else due).append(entry)
    return overdue + due


def _latest_readings(session: Session, award_id: int, today: date, fiscal_start_month: int) -> list[dict[str, Any]]:
    """Each metric's reading of its latest reported period (never the oldest ones)."""
    latest = (
        select(Reading.metric_id, func.max(Reading.period_start).label("period_start"))
        .join(Metric, col(Metric.id) == col(Reading.metric_id))
        .where(Metric.award_id == award_id)
        .group_by(col(Reading.metric_id))
        .subquery()
    )
    rows = session.exec(
        select(Reading, Metric, MetricStatus)
        .join(
            latest,
            and_(
                col(Reading.metric_id) == latest.c.metric_id,
                col(Reading.period_start) == latest.c.period_start,
            ),
        )
        .join(Metric, col(Metric.id) == col(Reading.metric_id))
        .outerjoin(MetricStatus, col(MetricStatus.metric_id) == col(Metric.id))
        .order_by(col(Metric.id))
    ).all()
    found = []
    for reading, metric, status in rows:
        name = label(
            Period(reading.period_start, reading.period_end), metric.cadence, fiscal_start_month=fiscal_start_month
        )
        text = f"{metric.code} {name}: {_number(reading.value)} {metric.unit}"
        notes = []
        if reading.period_end >= today:  # not judged yet (see the engine)
            notes.append("provisional: the period has not ended")
        elif status is not None and status.latest_period_start == reading.period_start:
            expected = f", expected {_number(status.expected_value)}" if status.expected_value is not None else ""
            notes.append(f"{status.performance.value}{expected}")
        if reading.revision > 1:
            notes.append(f"corrected, revision {reading.revision}")
        if notes:
            text += f" ({'; '.join(notes)})"
        found.append(_item(AgendaKind.latest_reading, text, reading.id, reading_id=reading.id, metric_id=metric.id))
    return found


def _number(value: Decimal | None) -> str:
    shown = tidy(value)
    return "?" if shown is None else f"{shown:f}"


# --- regenerating and holding ----------------------------------------------------------------------


def create(
    session: Session, *, principal: Principal, award: Award, data: MeetingCreate, fiscal_start_month: int
) -> Meeting:
    assert award.id is not None
    generated = agenda(session, award_id=award.id, today=utcnow().date(), fiscal_start_month=fiscal_start_month)
    return crud.create_record(
        session, meeting_resource(), principal=principal, data=data, extra={"award_id": award.id, "agenda": generated}
    )


def regenerate_agenda(
    session: Session, *, principal: Principal, meeting_id: int, if_match: str | None, fiscal_start_month: int
) -> Meeting:
    """The agenda built afresh from the contract's state now; 409 once the meeting is held."""
    meeting = _open_meeting(session, principal, meeting_id, if_match, "its agenda is frozen")
    generated = agenda(session, award_id=meeting.award_id, today=utcnow().date(), fiscal_start_month=fiscal_start_month)
    if generated == meeting.agenda:
        return meeting
    before = meeting.agenda
    _change(session, meeting, {"agenda": generated})
    audit.record(
        session,
        actor=principal,
        entity="meeting",
        entity_id=meeting_id,
        action="update",
        changes={"agenda": [before, generated]},
    )
    session.commit()
    session.refresh(meeting)
    return meeting


def hold(session: Session, *, principal: Principal, meeting_id: int, minutes: str, if_match: str | None) -> Meeting:
    """Records the meeting as held, with its minutes: from now on its agenda is the record of what was discussed."""
    meeting = _open_meeting(session, principal, meeting_id, if_match, "it cannot be held again")
    held_at = utcnow()
    _change(session, meeting, {"held_at": held_at, "minutes": minutes})
    audit.record(
        session,
        actor=principal,
        entity="meeting",
        entity_id=meeting_id,
        action="update",
        changes={"held_at": [None, held_at.isoformat()], "minutes": [None, minutes]},
    )
    award = session.get(Award, meeting.award_id)
    events.record(
        session,
        EventType.meeting_held,
        subject_type="meeting",
        subject_id=meeting_id,
        department_id=award.department_id if award else None,
        award_id=meeting.award_id,
        payload={
            "meeting_id": meeting_id,
            "award_id": meeting.award_id,
            "held_on": meeting.held_on.isoformat(),
            "agenda_items": len(meeting.agenda),
        },
    )
    session.commit()
    session.refresh(meeting)
    return meeting


def _open_meeting(
    session: Session, principal: Principal, meeting_id: int, if_match: str | None, consequence: str
) -> Meeting:
    meeting = crud.get_record(session, meeting_resource(), principal=principal, record_id=meeting_id)
    check_if_match(meeting, if_match, required=False)
    if meeting.held_at is not None:
        raise Conflict(f"meeting {meeting_id} was held on {meeting.held_at.date().isoformat()}; {consequence}")
    return meeting


def _change(session: Session, meeting: Meeting, values: dict[str, Any]) -> None:
    """Writes `values` if nobody changed or held the meeting since it was read (else 412: reload)."""
    statement = (
        update(Meeting)
        .where(col(Meeting.id) == meeting.id, col(Meeting.version) == meeting.version, col(Meeting.held_at).is_(None))
        .values(**values, version=meeting.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    if result.rowcount != 1:
        session.rollback()
        raise PreconditionFailed(f"meeting {meeting.id} was changed by someone else; reload it")
    session.flush()
    session.refresh(meeting)
