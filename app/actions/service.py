"""Action items: created, listed and changed through the generic records layer; overdue is open past the due date."""

from __future__ import annotations

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
from app.awards.service import owned_by_award_in
from app.db import utcnow
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
    )
