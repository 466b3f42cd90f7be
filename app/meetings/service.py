"""Meetings with an agenda generated from the contract's state, and action items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, not_
from sqlmodel import Session, col, func, select

from app.alerts.models import Alert, AlertStatus
from app.awards.models import Award
from app.awards.service import award_scope
from app.db import utcnow
from app.kit.problems import InvalidInput
from app.meetings.models import (
    ActionItem,
    ActionItemCreate,
    ActionItemPublic,
    ActionItemQuery,
    ActionItemUpdate,
    ActionStatus,
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


def _owned_by_department(model: Any) -> Any:
    def scope(department_ids: frozenset[int]) -> ColumnElement[bool]:
        return model.award_id.in_(select(Award.id).where(award_scope(department_ids)))

    return scope


def is_overdue(flag: bool) -> ColumnElement[bool]:
    overdue = and_(ActionItem.status == ActionStatus.open, col(ActionItem.due_date) < utcnow().date())  # type: ignore[arg-type]
    return overdue if flag else not_(overdue)


def _check_action_item_links(session: Session, item: ActionItem) -> None:
    """Linked meetings, alerts and metrics must belong to the same contract or grant."""
    for field, model in (("meeting_id", Meeting), ("alert_id", Alert), ("metric_id", Metric)):
        linked_id = getattr(item, field)
        if linked_id is None:
            continue
        linked = session.get(model, linked_id)
        if linked is None or linked.award_id != item.award_id:  # type: ignore[attr-defined]
            raise InvalidInput.on(
                f"body.{field}",
                f"no {field.removesuffix('_id')} {linked_id} on this contract or grant",
                "unknown_reference",
            )


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
        scope=_owned_by_department(Meeting),
    )


def action_item_resource() -> Resource:
    return Resource(
        name="action_item",
        area="action_items",
        model=ActionItem,
        create_schema=ActionItemCreate,
        update_schema=ActionItemUpdate,
        public_schema=ActionItemPublic,
        query_schema=ActionItemQuery,
        sortable=("id", "due_date", "status", "created_at", "updated_at"),
        scope=_owned_by_department(ActionItem),
        check=_check_action_item_links,
        custom_filters={"overdue": is_overdue},
    )


def overdue_action_items(session: Session, *, award_id: int) -> int:
    return int(session.exec(select(func.count()).where(ActionItem.award_id == award_id, is_overdue(True))).one())


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
