"""The signed-in user's side: inbox, settings, follows, and the token-only unsubscribe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.models import User
from app.auth.principal import Principal, PrincipalKind
from app.auth.roles import Role
from app.awards.models import Award, AwardKind
from app.config import Settings
from app.departments.models import Department
from app.kit.pagination import paginate
from app.kit.problems import Forbidden, InvalidInput, NotFound
from app.notifications import unsubscribe
from app.notifications.models import Delivery, Follow, FollowTarget, Notification, NotificationKind
from app.notifications.preferences import ALLOWED, DEFAULT_DELIVERY, deliveries, set_delivery
from app.notifications.render import KIND_LABELS
from app.notifications.schemas import KindSetting, KindSettingPublic
from app.vendors.models import Vendor

_notifications = Notification.__table__  # type: ignore[attr-defined]


def user_id_of(principal: Principal) -> int:
    """Notifications belong to user accounts (not service accounts, nor identity-provider users without one)."""
    if principal.kind != PrincipalKind.user or principal.id is None:
        raise Forbidden("notifications belong to user accounts of this service")
    return principal.id


# --- inbox ---------------------------------------------------------------------------------------------


def inbox(
    session: Session, user_id: int, *, unread: bool | None, limit: int, offset: int
) -> tuple[list[Notification], int]:
    statement = select(Notification).where(Notification.recipient_id == user_id)
    if unread is True:
        statement = statement.where(col(Notification.read_at).is_(None))
    elif unread is False:
        statement = statement.where(col(Notification.read_at).is_not(None))
    return paginate(
        session, statement, col(Notification.created_at).desc(), col(Notification.id).desc(), limit=limit, offset=offset
    )


def unread_count(session: Session, user_id: int) -> int:
    statement = select(func.count()).where(Notification.recipient_id == user_id, col(Notification.read_at).is_(None))
    return int(session.exec(statement).one())


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime) -> Notification:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != user_id:
        raise NotFound(f"notification {notification_id} not found")
    if notification.read_at is None:
        notification.read_at = now
        session.add(notification)
        session.commit()
    return notification


def mark_all_read(session: Session, user_id: int, now: datetime) -> int:
    result = session.connection().execute(
        update(_notifications)
        .where(_notifications.c.recipient_id == user_id, _notifications.c.read_at.is_(None))
        .values(read_at=now)
    )
    session.commit()
    return int(result.rowcount or 0)


# --- settings ------------------------------------------------------------------------------------------


def settings_of(session: Session, user_id: int) -> list[KindSettingPublic]:
    chosen = deliveries(session, [user_id])[user_id]
    return [
        KindSettingPublic(
            kind=kind,
            delivery=chosen[kind],
            description=KIND_LABELS[kind],
            is_default=chosen[kind] == DEFAULT_DELIVERY[kind],
        )
        for kind in NotificationKind
    ]


def replace_settings(
    session: Session, principal: Principal, user_id: int, wanted: list[KindSetting], now: datetime
) -> list[KindSettingPublic]:
    """Sets every kind: as listed, or back to its default when left out (audited)."""
    seen: set[NotificationKind] = set()
    for index, item in enumerate(wanted):
        if item.kind in seen:
            raise InvalidInput.on(f"body.settings.{index}.kind", f"{item.kind.value} is listed twice", "duplicate")
        seen.add(item.kind)
        if item.delivery not in ALLOWED[item.kind]:
            allowed = ", ".join(sorted(d.value for d in ALLOWED[item.kind]))
            raise InvalidInput.on(f"body.settings.{index}.delivery", f"{item.kind.value} can be {allowed}")
    target = {kind: DEFAULT_DELIVERY[kind] for kind in NotificationKind} | {i.kind: i.delivery for i in wanted}
    before = deliveries(session, [user_id])[user_id]
    for kind, delivery in target.items():
        if before[kind] != delivery:
            set_delivery(session, user_id, kind, delivery, now)
    _audit_settings(session, principal, user_id, before, target)
    session.commit()
    return settings_of(session, user_id)


def _audit_settings(
    session: Session,
    principal: Principal,
    user_id: int,
    before: dict[NotificationKind, Delivery],
    after: dict[NotificationKind, Delivery],
) -> None:
    changes = audit.diff({k.value: v.value for k, v in before.items()}, {k.value: v.value for k, v in after.items()})
    if changes:
        audit.record(
            session,
            actor=principal,
            entity="notification_settings",
            entity_id=user_id,
            action="update",
            changes=changes,
        )


def unsubscribe_with(session: Session, settings: Settings, token: str, now: datetime) -> NotificationKind:
    """Sets the token's kind to `never` for the token's user; the token is the only authority needed."""
    try:
        request = unsubscribe.read_token(settings, token, now)
    except unsubscribe.InvalidToken as error:
        raise InvalidInput.on("query.token", f"the token {error}") from None
    before = deliveries(session, [request.user_id]).get(request.user_id)
    if before is None:
        raise InvalidInput.on("query.token", "the token names an account that no longer exists")
    if before[request.kind] != Delivery.never:
        set_delivery(session, request.user_id, request.kind, Delivery.never, now)
        actor = Principal(
            kind=PrincipalKind.user, id=request.user_id, name="unsubscribe link", role=_role(session, request.user_id)
        )
        audit.record(
            session,
            actor=actor,
            entity="notification_settings",
            entity_id=request.user_id,
            action="unsubscribe",
            changes={request.kind.value: [before[request.kind].value, Delivery.never.value]},
        )
        session.commit()
    return request.kind


def _role(session: Session, user_id: int) -> Role:
    user = session.get(User, user_id)
    assert user is not None
    return user.role


# --- follows ---------------------------------------------------------------------------------------------


def follows(session: Session, user_id: int) -> list[Follow]:
    return list(session.exec(select(Follow).where(Follow.user_id == user_id).order_by(col(Follow.id))))


def follow(
    session: Session, principal: Principal, user_id: int, kind: FollowTarget, target_id: int, now: datetime
) -> tuple[Follow, bool]:
    """Follows something the user can see (404 otherwise); (the follow, whether it is new)."""
    _check_visible(session, principal, kind, target_id)
    existing = session.exec(
        select(Follow).where(Follow.user_id == user_id, Follow.target_kind == kind, Follow.target_id == target_id)
    ).first()
    if existing is not None:
        return existing, False
    row = Follow(user_id=user_id, target_kind=kind, target_id=target_id, created_at=now)
    session.add(row)
    session.flush()
    audit.record_creation(session, actor=principal, entity="follow", created=row)
    session.commit()
    return row, True


def unfollow(session: Session, principal: Principal, user_id: int, follow_id: int) -> None:
    row = session.get(Follow, follow_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"follow {follow_id} not found")
    audit.record(
        session,
        actor=principal,
        entity="follow",
        entity_id=follow_id,
        action="delete",
        changes=audit.diff(audit.snapshot(row), {}),
    )
    session.delete(row)
    session.commit()


def _check_visible(session: Session, principal: Principal, kind: FollowTarget, target_id: int) -> None:
    if kind in (FollowTarget.contract, FollowTarget.grant):
        award = session.get(Award, target_id)
        if (
            award is None
            or award.id is None
            or award.kind != AwardKind(kind.value)
            or not principal.reach.sees_award(
                award_id=award.id, department_id=award.department_id, vendor_id=award.vendor_id
            )
        ):
            raise NotFound(f"{kind.value} {target_id} not found")
    elif kind == FollowTarget.department:
        if (
            session.get(Department, target_id) is None
            or principal.reach.by_award
            or not principal.sees_department(target_id)
        ):
            raise NotFound(f"department {target_id} not found")
    elif session.get(Vendor, target_id) is None or principal.reach.vendor_id not in (None, target_id):
        raise NotFound(f"vendor {target_id} not found")
