"""Action items: created, listed and changed through the generic records layer; overdue is open past the due date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, not_
from sqlmodel import Session, SQLModel, col, func, select

from app.accounts.service import department_ids_of
from app.actions.models import (
    ActionItem,
    ActionItemCreate,
    ActionItemPublic,
    ActionItemQuery,
    ActionItemUpdate,
    ActionStatus,
    Side,
)
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.roles import Action, Role, is_allowed
from app.awards.models import Award
from app.awards.service import owned_by_award_in
from app.db import utcnow
from app.events import service as events
from app.events.types import EventType
from app.kit.problems import Forbidden, InvalidInput
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


# Called in the writer's transaction when an item is done or cancelled (the plans package completes a plan when
# its last step settles; it sits beside this one and imports it, so it registers here instead).
_settled_listeners: list[Callable[[Session, ActionItem], None]] = []


def on_settled(listener: Callable[[Session, ActionItem], None]) -> None:
    if listener not in _settled_listeners:
        _settled_listeners.append(listener)


def side_of(principal: Principal) -> Side:
    """Which side of the contract a caller speaks for."""
    return Side.vendor if principal.is_vendor else Side.city


def owner_fields(session: Session, *, award: Award, user_id: int, field: str) -> dict[str, Any]:
    """The owner columns of an item owned by this user, who must be active and able to see the item: city staff
    of the award's department, or a person of the award's vendor. A 422 naming `field` otherwise."""
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput.on(field, f"no user with id {user_id}", "unknown_reference")
    if not user.is_active:
        raise InvalidInput.on(field, f"user {user_id} is deactivated", "inactive_user")
    if user.role == Role.vendor:
        if user.vendor_id != award.vendor_id:
            raise InvalidInput.on(
                field, f"user {user_id} works for another vendor and could not see this item", "cannot_see"
            )
        side = Side.vendor
    else:
        if not is_allowed(user.role, frozenset(), "action_items", Action.read):
            raise InvalidInput.on(
                field, f"user {user_id} is a {user.role.value}, who cannot see action items", "cannot_see"
            )
        departments = department_ids_of(session, user_id)
        if departments and award.department_id not in departments:
            raise InvalidInput.on(
                field, f"user {user_id} works for other departments and could not see this item", "cannot_see"
            )
        side = Side.city
    return {"owner_user_id": user_id, "owner_side": side, "owner_name": user.full_name}


def completion(status: ActionStatus, was: ActionStatus | None, now: datetime) -> dict[str, Any]:
    """`completed_at` for a status change: set when an item becomes done, cleared when it is reopened."""
    if status == was:
        return {}
    return {"completed_at": now if status == ActionStatus.done else None}


def _prepare(
    session: Session, principal: Principal, item: ActionItem | None, values: dict[str, Any] | None
) -> dict[str, Any]:
    if principal.is_vendor:
        _vendor_may(principal, item, values)
    if values is None:
        return {}
    prepared = dict(values)
    owner_id = prepared.get("owner_user_id")
    if owner_id is not None:
        award = session.get(Award, item.award_id if item else prepared["award_id"])
        assert award is not None
        derived = owner_fields(session, award=award, user_id=owner_id, field="body.owner_user_id")
        prepared |= {name: value for name, value in derived.items() if item is None or getattr(item, name) != value}
    elif item is not None and item.owner_user_id is not None and "owner_user_id" not in prepared:
        for name in ("owner_side", "owner_name"):
            if name in prepared:
                raise InvalidInput.on(
                    f"body.{name}", f"follows the owner, user {item.owner_user_id}; change owner_user_id instead"
                )
    claimed = prepared.pop("completed_at", None)
    if claimed is not None:
        prepared["completed_at"] = _check_claimed_completion(claimed, prepared.get("status", item and item.status))
    elif "status" in prepared:
        prepared |= completion(prepared["status"], item.status if item else None, utcnow())
    return prepared


def _check_claimed_completion(claimed: datetime, status: ActionStatus | None) -> datetime:
    if status != ActionStatus.done:
        raise InvalidInput.on("body.completed_at", "only a done item has a completion time", "not_done")
    if claimed > utcnow():
        raise InvalidInput.on("body.completed_at", "is in the future", "in_future")
    return claimed


def _vendor_may(principal: Principal, item: ActionItem | None, values: dict[str, Any] | None) -> None:
    """A vendor's people change only the status of items they own; the city adds, edits and deletes items."""
    if item is None:
        raise Forbidden("a vendor proposes work as the steps of a corrective plan (POST /alerts/{id}/plans)")
    if values is None:
        raise Forbidden("only the city deletes action items")
    if item.owner_user_id != principal.id:
        raise Forbidden(f"action item {item.id} is not yours: a vendor updates only the items they own")
    others = sorted(set(values) - {"status", "completed_at"})
    if others:
        raise Forbidden(f"a vendor may change only the status of an action item, not {', '.join(others)}")


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
    was = None if before is None else ActionStatus(before["status"])
    if item.status != was and item.status != ActionStatus.open:
        for listener in _settled_listeners:
            listener(session, item)
    if before is None:
        type_ = EventType.action_item_created
    elif item.status == ActionStatus.done and was != ActionStatus.done:
        type_ = EventType.action_item_done
    else:
        return
    award = session.get(Award, item.award_id)
    events.record_all(session, [_event(item, award.department_id if award else None, type_)])


def record_created(session: Session, items: Sequence[ActionItem], *, department_id: int | None) -> None:
    """`action_item.created` for items written outside the generic layer (the steps of a corrective plan)."""
    events.record_all(session, [_event(item, department_id, EventType.action_item_created) for item in items])


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
        prepare=_prepare,
    )
