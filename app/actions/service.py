"""Action items: created, listed and changed through the generic records layer; overdue is open past the due date."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, not_
from sqlmodel import Session, SQLModel, col, func, select

from app.actions.models import (
    ActionItem,
    ActionItemCreate,
    ActionItemPublic,
    ActionItemQuery,
    ActionItemUpdate,
    ActionStatus,
)
from app.awards.models import Award
from app.awards.service import owned_by_award_in
from app.db import utcnow
from app.events import service as events
from app.events.types import EventType
from app.kit.problems import InvalidInput
from app.records.resource import Resource

# What an action item may point at; each must belong to the item's own contract or grant. By table name: a
# meeting's package sits above this one (its agenda lists overdue items).
_LINKS = (("meeting_id", "meeting"), ("alert_id", "alert"), ("metric_id", "metric"))


def is_overdue(flag: bool) -> ColumnElement[bool]:
    overdue = and_(col(ActionItem.status) == ActionStatus.open, col(ActionItem.due_date) < utcnow().date())
    return overdue if flag else not_(overdue)


def overdue_action_items(session: Session, *, award_id: int) -> int:
    return int(session.exec(select(func.count()).where(ActionItem.award_id == award_id, is_overdue(True))).one())


def _check_links(session: Session, item: ActionItem) -> None:
    """Linked meetings, alerts and metrics must belong to the same contract or grant."""
    for field, table_name in _LINKS:
        linked_id = getattr(item, field)
        if linked_id is None:
            continue
        table = SQLModel.metadata.tables[table_name]
        owner = session.connection().execute(select(table.c.award_id).where(table.c.id == linked_id)).scalar()
        if owner is None or owner != item.award_id:
            raise InvalidInput.on(
                f"body.{field}",
                f"no {field.removesuffix('_id')} {linked_id} on this contract or grant",
                "unknown_reference",
            )


def _payload(item: ActionItem) -> dict[str, Any]:
    return {
        "action_item_id": item.id,
        "title": item.title,
        "status": item.status.value,
        "due_date": item.due_date.isoformat(),
        "owner_side": item.owner_side.value,
        "alert_id": item.alert_id,
        "metric_id": item.metric_id,
        "meeting_id": item.meeting_id,
    }


def _event(
    item: ActionItem, department_id: int | None, type_: EventType, once_key: str | None = None
) -> events.NewEvent:
    return events.NewEvent(
        type=type_,
        subject_type="action_item",
        subject_id=item.id,
        department_id=department_id,
        award_id=item.award_id,
        payload=_payload(item),
        once_key=once_key,
    )


def _on_change(session: Session, item: ActionItem, before: dict[str, Any] | None) -> None:
    if before is None:
        type_ = EventType.action_item_created
    elif item.status == ActionStatus.done and str(before.get("status")) != ActionStatus.done.value:
        type_ = EventType.action_item_done
    else:
        return
    award = session.get(Award, item.award_id)
    events.record_all(session, [_event(item, award.department_id if award else None, type_)])


def record_due_events(session: Session, *, today: date) -> int:
    """`action_item.due` on the due date and `action_item.overdue` after it, once per item and due date."""
    open_items = session.exec(
        select(ActionItem, Award.department_id)
        .join(Award, col(Award.id) == col(ActionItem.award_id))
        .where(ActionItem.status == ActionStatus.open, col(ActionItem.due_date) <= today)
        .order_by(col(ActionItem.id))
    ).all()
    found = []
    for item, department_id in open_items:
        type_ = EventType.action_item_due if item.due_date == today else EventType.action_item_overdue
        once_key = f"{type_.value}:{item.id}:{item.due_date.isoformat()}"
        found.append(_event(item, department_id, type_, once_key=once_key))
    events.record_all(session, found)
    return len(found)


def action_item_resource() -> Resource[ActionItem]:
    return Resource(
        name="action_item",
        area="action_items",
        model=ActionItem,
        create_schema=ActionItemCreate,
        update_schema=ActionItemUpdate,
        public_schema=ActionItemPublic,
        query_schema=ActionItemQuery,
        sortable=("id", "due_date", "status", "created_at", "updated_at"),
        scope=owned_by_award_in(col(ActionItem.award_id)),
        check=_check_links,
        custom_filters={"overdue": is_overdue},
        on_change=_on_change,
    )
