"""Reminders to a metric's data owner around the reporting deadline, and the escalation when data stays late.

The deadline is the engine's: the end of the period plus the metric's grace days, and a period is late once
that day has passed (`end + grace < today`, exactly as `engine._freshness` marks it overdue); periods come from
`app.periods`. For the contracts and grants that are active:

- `reminder_due`: `LEAD_DAYS` (3) days before the deadline up to the deadline itself, once per period, unless a
  reading for the period has arrived;
- `reminder_late`: the day after the deadline, then every `LATE_EVERY_DAYS` (7) days, at most
  `MAX_LATE_REMINDERS` (4) times, for the latest period past its deadline while its reading is missing;
- `escalation`: to the contract manager (or, without one, the department's contract managers) once
  `ESCALATE_AFTER_LATE` (2) late reminders have gone out and another week has passed without the reading.

The data owner is `Metric.data_owner_id`, or the contract manager when it is null (or the owner is deactivated).
`reminder_log` holds one row per reminder made, so a reminder is never made twice whatever the rounds do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from app.awards.models import Award, AwardStatus
from app.config import Settings
from app.metrics.models import Metric
from app.notifications import links
from app.notifications.inbox import Draft, deliver
from app.notifications.models import NotificationKind, ReminderKind, ReminderLog
from app.notifications.people import department_managers, people
from app.periods import Period, label, periods_between
from app.readings.models import Reading

LEAD_DAYS = 3
LATE_EVERY_DAYS = 7
MAX_LATE_REMINDERS = 4
ESCALATE_AFTER_LATE = 2

_KINDS = {
    ReminderKind.before: NotificationKind.reminder_due,
    ReminderKind.late: NotificationKind.reminder_late,
    ReminderKind.escalation: NotificationKind.escalation,
}


@dataclass(frozen=True)
class _Due:
    metric: Metric
    award: Award
    period: Period
    deadline: date
    kind: ReminderKind
    sequence: int = 1


def deadline_of(metric: Metric, period: Period) -> date:
    """The reporting deadline: the period's end plus the metric's grace days (the engine's rule)."""
    return period.end + timedelta(days=metric.grace_days)


def send_due_reminders(session: Session, settings: Settings, now: datetime) -> int:
    """Makes the reminders due at `now` in the session's transaction (the caller commits); how many were made."""
    today = now.date()
    rows = session.exec(
        select(Metric, Award)
        .join(Award, col(Award.id) == col(Metric.award_id))
        .where(Award.status == AwardStatus.active)
        .order_by(col(Metric.id))
    ).all()
    candidates = [due for metric, award in rows for due in _candidates(metric, award, today, settings)]
    if not candidates:
        return 0
    metric_ids = sorted({due.metric.id for due in candidates if due.metric.id is not None})
    reported = _reported(session, metric_ids, min(due.period.start for due in candidates))
    logged = _logged(session, metric_ids)
    owners = people(session, {m.data_owner_id for m, _ in rows if m.data_owner_id is not None})
    drafts: list[Draft] = []
    made = 0
    for due in candidates:
        assert due.metric.id is not None
        key = (due.metric.id, due.period.start, due.kind, due.sequence)
        if key in logged or _has_reading(reported.get(due.metric.id, []), due.period):
            continue
        if due.kind == ReminderKind.escalation and _late_count(logged, due) < ESCALATE_AFTER_LATE:
            continue
        if due.kind == ReminderKind.escalation:
            recipients = _managers(session, due.award)
        else:
            owner = due.metric.data_owner_id
            recipients = [owner] if owner is not None and owner in owners and owners[owner].active else []
            recipients = recipients or _managers(session, due.award)
        session.add(
            ReminderLog(
                metric_id=due.metric.id,
                period_start=due.period.start,
                kind=due.kind,
                sequence=due.sequence,
                recipient_id=recipients[0] if recipients else None,
                sent_at=now,
            )
        )
        logged.add(key)
        made += 1
        drafts += [_draft(settings, due, today, user_id) for user_id in recipients]
    deliver(session, settings, drafts, now)
    return made


def _candidates(metric: Metric, award: Award, today: date, settings: Settings) -> Iterator[_Due]:
    """The reminders a metric could need today, before looking at readings and the log."""
    last = min(award.end_date, today + timedelta(days=LEAD_DAYS))
    if last < award.start_date:
        return
    fiscal = settings.fiscal_year_start_month
    periods = periods_between(award.start_date, last, metric.cadence, fiscal_start_month=fiscal)
    late = [p for p in periods if deadline_of(metric, p) < today]
    if late:
        period = late[-1]  # like the engine's freshness: only the latest period past its deadline matters
        deadline = deadline_of(metric, period)
        round_number = 1 + ((today - deadline).days - 1) // LATE_EVERY_DAYS
        yield _Due(metric, award, period, deadline, ReminderKind.late, min(round_number, MAX_LATE_REMINDERS))
        if round_number > ESCALATE_AFTER_LATE:
            yield _Due(metric, award, period, deadline, ReminderKind.escalation)
    for period in periods:
        deadline = deadline_of(metric, period)
        if deadline - timedelta(days=LEAD_DAYS) <= today <= deadline:
            yield _Due(metric, award, period, deadline, ReminderKind.before)


def _reported(session: Session, metric_ids: list[int], since: date) -> dict[int, list[date]]:
    """The period starts of each metric's readings from `since` on."""
    found: dict[int, list[date]] = {}
    statement = select(col(Reading.metric_id), col(Reading.period_start)).where(
        col(Reading.metric_id).in_(metric_ids), col(Reading.period_end) >= since
    )
    for metric_id, start in session.exec(statement):
        found.setdefault(metric_id, []).append(start)
    return found


def _has_reading(starts: list[date], period: Period) -> bool:
    return any(period.contains(start) for start in starts)


def _logged(session: Session, metric_ids: list[int]) -> set[tuple[int, date, ReminderKind, int]]:
    statement = select(
        col(ReminderLog.metric_id), col(ReminderLog.period_start), col(ReminderLog.kind), col(ReminderLog.sequence)
    ).where(col(ReminderLog.metric_id).in_(metric_ids))
    return {(m, p, ReminderKind(k), s) for m, p, k, s in session.exec(statement)}


def _late_count(logged: set[tuple[int, date, ReminderKind, int]], due: _Due) -> int:
    return sum(1 for m, p, k, _ in logged if m == due.metric.id and p == due.period.start and k == ReminderKind.late)


def _managers(session: Session, award: Award) -> list[int]:
    """The contract manager, or the department's contract managers when the award has none."""
    if award.contract_manager_id is not None:
        manager = people(session, [award.contract_manager_id]).get(award.contract_manager_id)
        if manager is not None and manager.active:
            return [manager.id]
    return department_managers(session, award.department_id)


def _draft(settings: Settings, due: _Due, today: date, user_id: int) -> Draft:
    metric, award = due.metric, due.award
    assert metric.id is not None
    name = label(due.period, metric.cadence, fiscal_start_month=settings.fiscal_year_start_month)
    what = f"the {name} reading of “{metric.name}” on {award.number} {award.title}"
    if due.kind == ReminderKind.before:
        title = f"Reading due by {due.deadline.isoformat()}: {metric.name} for {name} ({award.number})"
        body = (
            f"Please send {what} by {due.deadline.isoformat()} (the period ended {due.period.end.isoformat()}, "
            f"plus {metric.grace_days} days' grace)."
        )
    elif due.kind == ReminderKind.late:
        days = (today - due.deadline).days
        title = f"Reading late: {metric.name} for {name} ({award.number})"
        body = (
            f"{what[0].upper()}{what[1:]} was due by {due.deadline.isoformat()} and has not arrived "
            f"({days} days late; late reminder {due.sequence})."
        )
    else:
        days = (today - due.deadline).days
        title = f"Escalation: {metric.name} for {name} ({award.number}) is {days} days late"
        body = (
            f"{what[0].upper()}{what[1:]} was due by {due.deadline.isoformat()}; its data owner has been "
            f"reminded {ESCALATE_AFTER_LATE} times and it has still not arrived."
        )
    return Draft(
        recipient_id=user_id,
        kind=_KINDS[due.kind],
        title=title,
        body=body,
        link=links.metric_link(settings, metric.id),
        subject_type="metric",
        subject_id=metric.id,
        award_id=award.id,
        department_id=award.department_id,
    )
