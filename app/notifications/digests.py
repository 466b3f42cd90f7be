"""Digests: the weekly summary for each contract manager, and the daily and weekly collections of the
notifications people chose to get that way.

- Daily (`D2026-12-07`): for each user with notifications waiting for the daily digest, from the first round
  at or after `DIGEST_HOUR` UTC; a notification made later that day goes into the next day's digest.
- Weekly (`W2026-W50`), on Mondays from `DIGEST_HOUR` UTC: for each manager of an active contract or grant
  (unless their `digest` setting is `never`) what turned off track in the last 7 days, what is overdue, the
  projected misses, the open action items due within 7 days, and what recovered; plus, for anyone, the
  notifications waiting for the weekly digest.

`digest_run` holds one row per (user, period key), so a digest is built once whatever the rounds do; the
notifications it collected point at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.actions.models import ActionItem, ActionStatus
from app.awards.models import Award, AwardStatus
from app.config import Settings
from app.engine import Freshness, Performance
from app.metrics.models import Metric
from app.notifications import links, render
from app.notifications.models import (
    Delivery,
    DigestCadence,
    DigestRun,
    Notification,
    NotificationKind,
    OutgoingEmail,
)
from app.notifications.people import Person, people
from app.notifications.preferences import deliveries
from app.notifications.render import DigestItem, DigestSection, StopLink
from app.notifications.unsubscribe import unsubscribe_url
from app.status.models import MetricStatus, StatusTransition

DIGEST_HOUR = 6  # UTC
WEEKLY_ON = 0  # Monday
WINDOW = timedelta(days=7)
_notifications = Notification.__table__  # type: ignore[attr-defined]

_HEADINGS: dict[NotificationKind, str] = {
    NotificationKind.alert: "Alerts",
    NotificationKind.followed: "On what you follow",
    NotificationKind.reminder_due: "Readings due soon",
    NotificationKind.reminder_late: "Late readings",
    NotificationKind.escalation: "Escalations",
}


def send_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Builds the digests due at `now` in the session's transaction (the caller commits); e-mails queued."""
    if now.hour < DIGEST_HOUR:
        return 0
    queued = _collect(session, settings, now, DigestCadence.daily, _pending_users(session, Delivery.daily))
    if now.weekday() == WEEKLY_ON:
        managers = _managers(session)
        users = _pending_users(session, Delivery.weekly) | set(managers)
        queued += _collect(session, settings, now, DigestCadence.weekly, users, managers)
    return queued


def period_key(cadence: DigestCadence, day: date) -> str:
    if cadence == DigestCadence.daily:
        return f"D{day.isoformat()}"
    year, week, _ = day.isocalendar()
    return f"W{year}-W{week:02d}"


def _pending_users(session: Session, delivery: Delivery) -> set[int]:
    statement = (
        select(Notification.recipient_id)
        .where(Notification.delivery == delivery, col(Notification.digest_run_id).is_(None))
        .distinct()
    )
    return set(session.exec(statement))


def _managers(session: Session) -> dict[int, list[Award]]:
    """The active contracts and grants of each contract manager."""
    managed: dict[int, list[Award]] = {}
    statement = (
        select(Award)
        .where(Award.status == AwardStatus.active, col(Award.contract_manager_id).is_not(None))
        .order_by(col(Award.number))
    )
    for award in session.exec(statement):
        assert award.contract_manager_id is not None
        managed.setdefault(award.contract_manager_id, []).append(award)
    return managed


def _collect(
    session: Session,
    settings: Settings,
    now: datetime,
    cadence: DigestCadence,
    user_ids: Iterable[int],
    managed: dict[int, list[Award]] | None = None,
) -> int:
    key = period_key(cadence, now.date())
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    done = set(
        session.exec(select(DigestRun.user_id).where(DigestRun.period_key == key, col(DigestRun.user_id).in_(ids)))
    )
    recipients = people(session, ids)
    choices = deliveries(session, ids)
    queued = 0
    for user_id in ids:
        person = recipients.get(user_id)
        if user_id in done or person is None:
            continue
        run = DigestRun(user_id=user_id, period_key=key, cadence=cadence, created_at=now)
        session.add(run)
        session.flush()
        pending = _take_pending(session, user_id, Delivery(cadence.value), run)
        sections = [_section(kind, items) for kind, items in _by_kind(pending).items()]
        stops = [StopLink(render.KIND_LABELS[k], unsubscribe_url(settings, user_id, k, now)) for k in _by_kind(pending)]
        awards = [a for a in (managed or {}).get(user_id, []) if person.sees(a.department_id)]
        if awards and choices[user_id][NotificationKind.digest] != Delivery.never:
            sections = summary(session, settings, awards, now) + sections
            stops.insert(0, StopLink(render.KIND_LABELS[NotificationKind.digest], _stop(settings, user_id, now)))
        if not person.active or settings.mail_backend == "off" or not any(s.items for s in sections):
            continue
        title = _title(cadence, now.date(), len(awards))
        message = render.digest(title=title, sections=sections, unsubscribe=stops)
        session.add(_email(person, run, message, stops[0].url, now))
        queued += 1
    return queued


def _stop(settings: Settings, user_id: int, now: datetime) -> str:
    return unsubscribe_url(settings, user_id, NotificationKind.digest, now)


def _title(cadence: DigestCadence, day: date, award_count: int) -> str:
    if cadence == DigestCadence.daily:
        return f"Daily digest, {day.isoformat()}"
    about = f": {award_count} contracts and grants" if award_count else ""
    return f"Weekly digest, week of {day.isoformat()}{about}"


def _email(person: Person, run: DigestRun, message: render.Rendered, stop: str, now: datetime) -> OutgoingEmail:
    return OutgoingEmail(
        recipient_id=person.id,
        digest_run_id=run.id,
        to_address=person.email,
        subject=message.subject,
        text_body=message.text,
        html_body=message.html,
        unsubscribe_url=stop,
        next_attempt_at=now,
        created_at=now,
    )


def _take_pending(session: Session, user_id: int, delivery: Delivery, run: DigestRun) -> list[Notification]:
    """The user's notifications waiting for this digest, now marked as collected by it."""
    pending = list(
        session.exec(
            select(Notification)
            .where(
                Notification.recipient_id == user_id,
                Notification.delivery == delivery,
                col(Notification.digest_run_id).is_(None),
            )
            .order_by(col(Notification.id))
        )
    )
    if pending:
        session.connection().execute(
            update(_notifications).where(_notifications.c.id.in_([n.id for n in pending])).values(digest_run_id=run.id)
        )
    return pending


def _by_kind(pending: list[Notification]) -> dict[NotificationKind, list[Notification]]:
    grouped: dict[NotificationKind, list[Notification]] = {}
    for notification in pending:
        grouped.setdefault(NotificationKind(notification.kind), []).append(notification)
    return grouped


def _section(kind: NotificationKind, items: list[Notification]) -> DigestSection:
    return DigestSection(_HEADINGS.get(kind, kind.value), [DigestItem(n.title, n.link) for n in items])


# --- the manager's summary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    metrics: dict[int, Metric]
    awards: dict[int, Award]

    def of(self, metric_id: int) -> str:
        metric = self.metrics.get(metric_id)
        award = self.awards.get(metric.award_id) if metric and metric.award_id else None
        return f"{metric.name if metric else f'metric {metric_id}'} ({award.number if award else '?'})"


def summary(session: Session, settings: Settings, awards: list[Award], now: datetime) -> list[DigestSection]:
    """What a manager should know about their contracts and grants this week, section by section."""
    award_ids = [a.id for a in awards if a.id is not None]
    names = _Names(
        {m.id: m for m in session.exec(select(Metric).where(col(Metric.award_id).in_(award_ids))) if m.id},
        {a.id: a for a in awards if a.id is not None},
    )
    since, today = now - WINDOW, now.date()
    transitions = list(
        session.exec(
            select(StatusTransition)
            .where(
                col(StatusTransition.award_id).in_(award_ids),
                col(StatusTransition.occurred_at) > since,
                col(StatusTransition.occurred_at) <= now,
            )
            .order_by(col(StatusTransition.id))
        )
    )
    statuses = list(session.exec(select(MetricStatus).where(col(MetricStatus.award_id).in_(award_ids))))
    turned_off = _unique(t.metric_id for t in transitions if _turned_off(t))
    recovered = _unique(t.metric_id for t in transitions if _recovered(t))
    overdue = [s.metric_id for s in statuses if s.freshness == Freshness.overdue]
    projected = [s.metric_id for s in statuses if s.projected_miss]
    items = session.exec(
        select(ActionItem)
        .where(
            col(ActionItem.award_id).in_(award_ids),
            ActionItem.status == ActionStatus.open,
            col(ActionItem.due_date) <= today + WINDOW,
        )
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    )

    def metric_items(ids: Iterable[int]) -> list[DigestItem]:
        return [DigestItem(names.of(i), links.metric_link(settings, i)) for i in ids]

    return [
        DigestSection("Turned off track", metric_items(turned_off)),
        DigestSection("Overdue data", metric_items(overdue)),
        DigestSection("Projected to miss the target", metric_items(projected)),
        DigestSection(
            "Action items due",
            [
                DigestItem(
                    f"{'OVERDUE ' if i.due_date < today else ''}due {i.due_date.isoformat()}: {i.title} "
                    f"({names.awards[i.award_id].number if i.award_id in names.awards else '?'})",
                    links.action_item_link(settings, i.id) if i.id else None,
                )
                for i in items
            ],
        ),
        DigestSection("Recovered", metric_items(recovered)),
    ]


def _turned_off(t: StatusTransition) -> bool:
    return t.dimension == "performance" and t.to_status == Performance.off_track.value


def _recovered(t: StatusTransition) -> bool:
    if t.dimension == "performance":
        adverse = (Performance.off_track.value, Performance.at_risk.value)
        return t.from_status in adverse and t.to_status == Performance.on_track.value
    return t.dimension == "freshness" and t.from_status == Freshness.overdue.value and t.to_status == "current"


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))
