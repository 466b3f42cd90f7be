"""Who wants what, how: each user's delivery per kind, with the defaults for kinds they never set."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from app.notifications.models import Delivery, NotificationKind, NotificationPreference

# Everything that asks someone to act is e-mailed at once; the summary of a manager's portfolio is weekly.
DEFAULT_DELIVERY: dict[NotificationKind, Delivery] = {
    NotificationKind.alert: Delivery.immediately,
    NotificationKind.followed: Delivery.immediately,
    NotificationKind.reminder_due: Delivery.immediately,
    NotificationKind.reminder_late: Delivery.immediately,
    NotificationKind.escalation: Delivery.immediately,
    NotificationKind.digest: Delivery.weekly,
    NotificationKind.integration: Delivery.immediately,
}

# The digest is itself the weekly e-mail: it can be had weekly or not at all.
ALLOWED: dict[NotificationKind, frozenset[Delivery]] = {
    kind: frozenset(Delivery) if kind != NotificationKind.digest else frozenset({Delivery.weekly, Delivery.never})
    for kind in NotificationKind
}


def deliveries(session: Session, user_ids: Iterable[int]) -> dict[int, dict[NotificationKind, Delivery]]:
    """Each user's delivery for every kind (their choices over the defaults)."""
    ids = sorted(set(user_ids))
    chosen: dict[int, dict[NotificationKind, Delivery]] = {uid: dict(DEFAULT_DELIVERY) for uid in ids}
    if ids:
        rows = session.exec(select(NotificationPreference).where(col(NotificationPreference.user_id).in_(ids)))
        for row in rows:
            chosen[row.user_id][NotificationKind(row.kind)] = Delivery(row.delivery)
    return chosen


def set_delivery(
    session: Session, user_id: int, kind: NotificationKind, delivery: Delivery, now: datetime
) -> Delivery | None:
    """Stores one choice; returns the delivery it replaced (None if it was the default)."""
    row = session.get(NotificationPreference, (user_id, kind))
    before = Delivery(row.delivery) if row is not None else None
    if row is None:
        row = NotificationPreference(user_id=user_id, kind=kind, delivery=delivery, updated_at=now)
    else:
        row.delivery, row.updated_at = delivery, now
    session.add(row)
    return before
