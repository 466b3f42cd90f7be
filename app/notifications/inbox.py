"""Making notifications: the inbox entry always, and an e-mail when the recipient wants it at once.

Every producer (event routing, reminders) hands over drafts; this module applies the rules every notification
obeys: active recipients only, never outside their departments, never twice for the same event and kind,
and each recipient's delivery choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.config import Settings
from app.notifications import render
from app.notifications.models import Delivery, Notification, NotificationKind, OutgoingEmail
from app.notifications.people import Person, people
from app.notifications.preferences import deliveries
from app.notifications.unsubscribe import unsubscribe_url


@dataclass(frozen=True)
class Draft:
    recipient_id: int
    kind: NotificationKind
    title: str
    body: str
    link: str | None
    subject_type: str | None
    subject_id: int | None
    award_id: int | None
    department_id: int | None
    event_id: int | None = None
    event_type: str | None = None
    vendor_id: int | None = None  # the vendor of the contract or grant it is about


def deliver(session: Session, settings: Settings, drafts: Sequence[Draft], now: datetime) -> int:
    """Writes the notifications (and their e-mails) in the session's transaction; the number of e-mails queued."""
    if not drafts:
        return 0
    recipients = people(session, (d.recipient_id for d in drafts))
    choices = deliveries(session, recipients)
    taken = _already_notified(session, drafts)
    made: list[tuple[Notification, Person]] = []
    for draft in drafts:
        person = recipients.get(draft.recipient_id)
        if person is None or not person.active or not person.sees(draft.department_id, draft.vendor_id):
            continue
        key = (draft.recipient_id, draft.event_id, draft.kind)
        if draft.event_id is not None:
            if key in taken:
                continue
            taken.add(key)
        notification = Notification(
            recipient_id=draft.recipient_id,
            kind=draft.kind,
            event_id=draft.event_id,
            event_type=draft.event_type,
            subject_type=draft.subject_type,
            subject_id=draft.subject_id,
            award_id=draft.award_id,
            department_id=draft.department_id,
            title=draft.title[:300],
            body=draft.body[:10_000],
            link=draft.link,
            delivery=choices[person.id][draft.kind],
            created_at=now,
        )
        session.add(notification)
        made.append((notification, person))
    if not made:
        return 0
    session.flush()
    if settings.mail_backend == "off":
        return 0
    queued = 0
    for notification, person in made:
        if notification.delivery == Delivery.immediately:
            session.add(email_for(settings, notification, person, now))
            queued += 1
    return queued


def email_for(settings: Settings, notification: Notification, person: Person, now: datetime) -> OutgoingEmail:
    kind = NotificationKind(notification.kind)
    stop = unsubscribe_url(settings, person.id, kind, now)
    message = render.notification(
        kind=kind, title=notification.title, body=notification.body, link=notification.link, unsubscribe_url=stop
    )
    return OutgoingEmail(
        recipient_id=person.id,
        notification_id=notification.id,
        to_address=person.email,
        subject=message.subject[:300],
        text_body=message.text,
        html_body=message.html,
        unsubscribe_url=stop,
        next_attempt_at=now,
        created_at=now,
    )


def _already_notified(session: Session, drafts: Sequence[Draft]) -> set[tuple[int, int | None, NotificationKind]]:
    """(recipient, event, kind) already in the inbox: a re-dispatched event notifies nobody twice."""
    event_ids = sorted({d.event_id for d in drafts if d.event_id is not None})
    if not event_ids:
        return set()
    rows = session.exec(
        select(Notification.recipient_id, Notification.event_id, Notification.kind).where(
            col(Notification.event_id).in_(event_ids)
        )
    )
    return {(r, e, NotificationKind(k)) for r, e, k in rows}
