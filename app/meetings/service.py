"""Meetings with an agenda generated from the contract's state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from app.actions.models import ActionItem
from app.actions.service import is_overdue
from app.alerts.models import Alert, AlertStatus
from app.awards.service import owned_by_award_in
from app.meetings.models import (
    Meeting,
    MeetingCreate,
    MeetingPublic,
    MeetingQuery,
    MeetingUpdate,
)
from app.metrics.models import Metric
from app.readings.models import Reading
from app.records.resource import Dependent, Resource
from app.status.models import StatusTransition


def meeting_resource() -> Resource:
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
    )


def agenda(session: Session, *, award_id: int, now: datetime) -> list[dict[str, Any]]:
    """Open alerts, overdue action items, and what changed since the last meeting."""
    items: list[dict[str, Any]] = []
    alerts = session.exec(
        select(Alert)
        .where(Alert.award_id == award_id, Alert.status != AlertStatus.resolved)
        .order_by(col(Alert.severity_rank).desc(), col(Alert.opened_at))
    ).all()
    items += [
        {"kind": "open_alert", "text": f"[{a.severity.value}] {a.kind.value}: {a.summary}", "ref_id": a.id}
        for a in alerts
    ]
    today = now.date()
    overdue = session.exec(
        select(ActionItem).where(ActionItem.award_id == award_id, is_overdue(True)).order_by(col(ActionItem.due_date))
    ).all()
    items += [
        {
            "kind": "overdue_action_item",
            "text": f"{a.title} ({a.owner_side.value}: {a.owner_name}), due {a.due_date.isoformat()}, "
            f"{(today - a.due_date).days} days late",
            "ref_id": a.id,
        }
        for a in overdue
    ]
    since = session.exec(select(func.max(Meeting.created_at)).where(Meeting.award_id == award_id)).one()
    items += _changes_since(session, award_id, since)
    return items


def _changes_since(session: Session, award_id: int, since: datetime | None) -> list[dict[str, Any]]:
    readings = (
        select(Reading, Metric.code).join(Metric, Metric.id == Reading.metric_id).where(Metric.award_id == award_id)  # type: ignore[arg-type]
    )
    transitions = (
        select(StatusTransition, Metric.code)
        .join(
            Metric,
            Metric.id == StatusTransition.metric_id,  # type: ignore[arg-type]
        )
        .where(StatusTransition.award_id == award_id, StatusTransition.from_status.is_not(None))  # type: ignore[union-attr]
    )
    if since is not None:
        readings = readings.where(col(Reading.updated_at) > since)
        transitions = transitions.where(col(StatusTransition.occurred_at) > since)
    items: list[dict[str, Any]] = [
        {
            "kind": "new_reading",
            "text": f"{code} {_period(reading.period_start)}: {reading.value}"
            + (f" (corrected, revision {reading.revision})" if reading.revision > 1 else ""),
            "ref_id": reading.id,
        }
        for reading, code in session.exec(readings.order_by(col(Reading.period_start)).limit(50)).all()
    ]
    items += [
        {
            "kind": "status_change",
            "text": f"{code}: {t.dimension} {t.from_status} -> {t.to_status}. {t.reason}",
            "ref_id": t.metric_id,
        }
        for t, code in session.exec(transitions.order_by(col(StatusTransition.occurred_at)).limit(50)).all()
    ]
    return items


def _period(start: date) -> str:
    return start.isoformat()
