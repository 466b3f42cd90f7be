"""Opening, raising, lowering and resolving alerts; the alert list for contract managers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, and_, column, false, func, or_, table, union
from sqlmodel import Session, col, select

from app.accounts.service import department_ids_of
from app.alerts.models import Alert, AlertEvent, AlertOutcome, AlertStatus
from app.alerts.rules import SEVERITY_RANK, AlertKind, DesiredAlert, Severity, desired_alerts, recovery_note
from app.audit import service as audit
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.roles import Action, Role, is_allowed
from app.awards.models import Award
from app.awards.service import award_scope
from app.db import utcnow
from app.engine import Evaluation
from app.events import service as outbox
from app.events.models import Event
from app.events.types import EventType
from app.jobs.queue import JobRequest
from app.kit.fields import MAX_INT_ID
from app.kit.pagination import paginate
from app.kit.preconditions import check_if_match
from app.kit.problems import Conflict, InvalidInput, NotFound
from app.kit.sql import in_values

SYSTEM_ACTOR = "system"
HISTORY_NOTE_LIMIT = 2000  # alert_event.note

# The alert dialogue's and the corrective plans' tables, named here: their packages sit beside this one (and
# import it), and a process that never imported them (a sweep worker) still reads them.
_QUESTIONS = table(
    "alert_question",
    column("id", Integer),
    column("alert_id", Integer),
    column("status", String),
    column("reply_by", Date),
    column("overdue_since", Date),
)
_ANSWERS = table("alert_answer", column("question_id", Integer))
_PLANS = table("corrective_plan", column("alert_id", Integer), column("status", String))


def open_alerts_for(session: Session, metric_ids: Iterable[int]) -> dict[int, dict[AlertKind, Alert]]:
    found: dict[int, dict[AlertKind, Alert]] = defaultdict(dict)
    ids = set(metric_ids)
    if not ids:
        return found
    rows = session.exec(
        select(Alert).where(
            in_values(Alert.metric_id, ids, dialect=session.get_bind().dialect.name),
            Alert.status != AlertStatus.resolved,
        )
    ).all()
    for alert in rows:
        found[alert.metric_id][alert.kind] = alert
    return found


@dataclass(frozen=True)
class AlertSubject:
    """A metric of a contract or grant, freshly evaluated: what its alerts must reflect."""

    metric_id: int
    award_id: int
    assignee_id: int | None
    evaluation: Evaluation


@dataclass
class AlertChanges:
    """What `reconcile_all` did."""

    opened: int = 0
    changed: int = 0  # raised or lowered
    resolved: int = 0


def reconcile_all(session: Session, subjects: Sequence[AlertSubject], now: datetime) -> AlertChanges:
    """Makes each metric's unresolved alerts match what its evaluation calls for, and says what changed.

    Metrics are handled in ascending id order, so that concurrent writers lock alert rows in one order.
    """
    changes = AlertChanges()
    ordered = sorted(subjects, key=lambda s: s.metric_id)
    current = open_alerts_for(session, [s.metric_id for s in ordered])
    in_conversation = _in_conversation(session, [a.id for kinds in current.values() for a in kinds.values() if a.id])
    opened: list[Alert] = []
    for subject in ordered:
        existing = current.get(subject.metric_id, {})
        wanted = desired_alerts(subject.evaluation)
        for kind, desired in wanted.items():
            alert = existing.get(kind)
            if alert is None:
                opened.append(_new_alert(subject, desired, now))
            elif _adjust(session, alert, desired, now):
                changes.changed += 1
        for kind, alert in existing.items():
            if kind not in wanted:
                note = recovery_note(kind, subject.evaluation)
                if alert.id in in_conversation:  # the city and the vendor are working on it: the city closes it
                    if alert.resolution_requested_at is None:
                        request_resolution(session, alert_id=alert.id, actor=SYSTEM_ACTOR, note=note, at=now)
                    continue
                _resolve(session, alert, SYSTEM_ACTOR, note, now)
                changes.resolved += 1
    reopened = _reopen_manually_resolved(session, opened, now)
    opened = [alert for alert in opened if (alert.metric_id, alert.kind) not in reopened]
    _insert_opened(session, opened, now)
    changes.opened = len(opened) + len(reopened)
    return changes


def _reopen_manually_resolved(session: Session, wanted: list[Alert], now: datetime) -> set[tuple[int, AlertKind]]:
    """Where a person resolved the latest alert of a metric and kind but the condition is (again) true, that
    alert reopens, with its history, instead of a new and unrelated one. Returns the (metric, kind) reopened."""
    if not wanted:
        return set()
    dialect = session.get_bind().dialect.name
    # No unresolved alert exists for these (metric, kind), so their latest alert is their latest resolved one.
    latest: dict[tuple[int, AlertKind], Alert] = {}
    for alert in session.exec(
        select(Alert)
        .where(
            in_values(Alert.metric_id, {a.metric_id for a in wanted}, dialect=dialect),
            Alert.status == AlertStatus.resolved,
        )
        .order_by(col(Alert.id))
    ).all():
        latest[(alert.metric_id, alert.kind)] = alert  # the last one wins
    candidates: dict[tuple[int, AlertKind], Alert] = {}
    for a in wanted:
        previous = latest.get((a.metric_id, a.kind))
        if previous is not None:
            candidates[(a.metric_id, a.kind)] = previous
    if not candidates:
        return set()
    resolvers: dict[int, str] = {}
    for alert_id, actor in session.exec(
        select(AlertEvent.alert_id, AlertEvent.actor)
        .where(col(AlertEvent.alert_id).in_([a.id for a in candidates.values()]), AlertEvent.event == "resolved")
        .order_by(col(AlertEvent.id))
    ).all():
        resolvers[alert_id] = actor
    reopened: set[tuple[int, AlertKind]] = set()
    by_key = {(a.metric_id, a.kind): a for a in wanted}
    for key, alert in sorted(candidates.items(), key=lambda item: item[1].id or 0):
        if resolvers.get(alert.id or 0, SYSTEM_ACTOR) == SYSTEM_ACTOR:
            continue  # it recovered by itself earlier: this is a new episode, with a new alert
        fresh = by_key[key]
        alert.status = AlertStatus.open
        alert.resolved_at = alert.acknowledged_at = alert.resolution_note = alert.resolution_requested_at = None
        alert.outcome = None
        alert.severity, alert.severity_rank, alert.summary = fresh.severity, fresh.severity_rank, fresh.summary
        alert.assignee_id = alert.assignee_id or fresh.assignee_id
        _touch(session, alert, now)
        _event(
            session,
            alert,
            "reopened",
            SYSTEM_ACTOR,
            to_severity=alert.severity,
            note=f"reopened: it was resolved by hand, but {fresh.summary[:1].lower()}{fresh.summary[1:]}",
            at=now,
        )
        reopened.add(key)
    return reopened


def _new_alert(subject: AlertSubject, desired: DesiredAlert, now: datetime) -> Alert:
    return Alert(
        metric_id=subject.metric_id,
        award_id=subject.award_id,
        kind=desired.kind,
        severity=desired.severity,
        severity_rank=SEVERITY_RANK[desired.severity],
        summary=desired.summary,
        assignee_id=subject.assignee_id,
        opened_at=now,
        created_at=now,
        updated_at=now,
    )


def _adjust(session: Session, alert: Alert, desired: DesiredAlert, now: datetime) -> bool:
    """Brings an open alert's severity and summary up to date; True when the severity moved."""
    if alert.severity == desired.severity and alert.summary == desired.summary:
        return False
    moved = alert.severity != desired.severity
    alert.summary = desired.summary  # the event carries the new figures
    if moved:
        event = "raised" if SEVERITY_RANK[desired.severity] > alert.severity_rank else "lowered"
        _event(
            session,
            alert,
            event,
            SYSTEM_ACTOR,
            from_severity=alert.severity,
            to_severity=desired.severity,
            note=desired.summary,
            at=now,
        )
    else:  # same severity, new figures: still part of the alert's story
        _event(session, alert, "updated", SYSTEM_ACTOR, to_severity=alert.severity, note=desired.summary, at=now)
    alert.severity, alert.severity_rank = desired.severity, SEVERITY_RANK[desired.severity]
    _touch(session, alert, now)
    return moved


def _insert_opened(session: Session, opened: list[Alert], now: datetime) -> None:
    """Inserts new alerts in one batch, then their `opened` events."""
    if not opened:
        return
    session.add_all(opened)
    session.flush()
    for alert in opened:
        _event(session, alert, "opened", SYSTEM_ACTOR, to_severity=alert.severity, note=alert.summary, at=now)


def _touch(session: Session, alert: Alert, now: datetime) -> None:
    alert.version += 1
    alert.updated_at = now
    session.add(alert)


def _event(
    session: Session,
    alert: Alert,
    event: str,
    actor: str,
    *,
    at: datetime,
    from_severity: Severity | None = None,
    to_severity: Severity | None = None,
    note: str | None = None,
    outcome: AlertOutcome | None = None,
    details: dict[str, Any] | None = None,
    once_key: str | None = None,
) -> None:
    """An entry in the alert's history and the `alert.<event>` event, with `details` added to its payload."""
    assert alert.id is not None
    payload = {
        "alert_id": alert.id,
        "metric_id": alert.metric_id,
        "kind": alert.kind.value,
        "severity": (to_severity or alert.severity).value,
        "status": alert.status.value,
        "assignee_id": alert.assignee_id,
        "summary": alert.summary,
        "from_severity": from_severity.value if from_severity else None,
    }
    if outcome is not None:
        payload["outcome"] = outcome.value
    outbox.record_all(
        session,
        [
            outbox.NewEvent(
                type=EventType(f"alert.{event}"),
                subject_type="alert",
                subject_id=alert.id,
                department_id=_department_of(session, alert.award_id),
                award_id=alert.award_id,
                occurred_at=at,
                payload=payload | (details or {}),
                once_key=once_key,
            )
        ],
    )
    add_to_history(
        session,
        alert_id=alert.id,
        event=event,
        actor=actor,
        at=at,
        from_severity=from_severity.value if from_severity else None,
        to_severity=to_severity.value if to_severity else None,
        note=note,
        outcome=outcome,
    )


def add_to_history(
    session: Session,
    *,
    alert_id: int,
    event: str,
    actor: str,
    at: datetime,
    note: str | None = None,
    from_severity: str | None = None,
    to_severity: str | None = None,
    outcome: AlertOutcome | None = None,
) -> None:
    """An entry in the alert's history only (the caller writes its own event, e.g. `plan.proposed`)."""
    if note is not None and len(note) > HISTORY_NOTE_LIMIT:
        # Questions and answers may be longer than a history note: the note keeps their start, the record all of it.
        note = note[: HISTORY_NOTE_LIMIT - 1] + "…"
    session.add(
        AlertEvent(
            alert_id=alert_id,
            occurred_at=at,
            actor=actor,
            event=event,
            from_severity=from_severity,
            to_severity=to_severity,
            note=note,
            outcome=outcome,
        )
    )


def record_on_alert(
    session: Session,
    *,
    alert: Alert,
    event: str,
    actor: str,
    at: datetime,
    note: str | None = None,
    details: dict[str, Any] | None = None,
    once_key: str | None = None,
) -> None:
    """A step of the dialogue on an alert (a question, an answer, an overdue reply): in its history and as the
    event `alert.<event>`. The alert itself is unchanged (its ETag too)."""
    _event(session, alert, event, actor, at=at, note=note, details=details, once_key=once_key)


def _department_of(session: Session, award_id: int) -> int | None:
    award = session.get(Award, award_id)  # usually in the session already: one query per award at most
    return award.department_id if award is not None else None


def _in_conversation(session: Session, alert_ids: Sequence[int]) -> set[int]:
    """Alerts the city has asked the vendor about, or has a live corrective plan for (by table name: those
    packages sit beside this one). Such an alert is closed by a person, with an outcome, never automatically."""
    if not alert_ids:
        return set()
    questions, plans = _QUESTIONS, _PLANS
    asked = select(questions.c.alert_id).where(questions.c.alert_id.in_(alert_ids), questions.c.status != "withdrawn")
    planned = select(plans.c.alert_id).where(
        plans.c.alert_id.in_(alert_ids), plans.c.status.in_(["proposed", "agreed", "completed"])
    )
    return {int(alert_id) for alert_id in session.connection().execute(union(asked, planned)).scalars()}


def _resolve(session: Session, alert: Alert, actor: str, note: str, now: datetime) -> None:
    """The metric recovered by itself: resolved, with the outcome `resolved`."""
    alert.status = AlertStatus.resolved
    alert.resolved_at = now
    alert.resolution_note = note
    alert.outcome = AlertOutcome.resolved
    _touch(session, alert, now)
    _event(session, alert, "resolved", actor, note=note, at=now, outcome=alert.outcome)


def request_resolution(
    session: Session, *, alert_id: int, actor: str, note: str, at: datetime, details: dict[str, Any] | None = None
) -> Alert | None:
    """Flags an unresolved alert for the manager to record a resolution (its corrective plan is done); the alert,
    or None if it is already resolved."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.status == AlertStatus.resolved:
        return None
    alert.resolution_requested_at = at
    _touch(session, alert, at)
    _event(session, alert, "resolution_requested", actor, note=note, at=at, details=details)
    return alert


# --- the manager's side ----------------------------------------------------------------------------


def _audited(alert: Alert) -> dict[str, Any]:
    return {
        "status": alert.status.value,
        "assignee_id": alert.assignee_id,
        "outcome": alert.outcome.value if alert.outcome else None,
    }


def _change(
    session: Session,
    principal: Principal,
    alert: Alert,
    if_match: str | None,
    event: str,
    note: str | None,
    **values: Any,
) -> Alert:
    """Sets `values` on the alert, with a history entry, an event and an audit entry of what changed."""
    check_if_match(alert, if_match, required=False)
    before = _audited(alert)
    for name, value in values.items():
        setattr(alert, name, value)
    now = utcnow()
    _event(session, alert, event, principal.subject, note=note, at=now, outcome=values.get("outcome"))
    _touch(session, alert, now)
    assert alert.id is not None
    audit.record(
        session,
        actor=principal,
        entity="alert",
        entity_id=alert.id,
        action="update",
        changes=audit.diff(before, _audited(alert)) | ({"note": [None, note]} if note else {}),
    )
    session.commit()
    session.refresh(alert)
    return alert


def acknowledge(
    session: Session, *, principal: Principal, alert: Alert, note: str | None, if_match: str | None
) -> Alert:
    if alert.status != AlertStatus.open:
        raise Conflict(f"alert {alert.id} is {alert.status.value}; only open alerts can be acknowledged")
    return _change(
        session,
        principal,
        alert,
        if_match,
        "acknowledged",
        note,
        status=AlertStatus.acknowledged,
        acknowledged_at=utcnow(),
    )


def resolve(
    session: Session,
    *,
    principal: Principal,
    alert: Alert,
    note: str,
    outcome: AlertOutcome = AlertOutcome.resolved,
    if_match: str | None,
) -> Alert:
    """The city closes the alert and says how it ended: resolved, partly resolved or not resolved."""
    if alert.status == AlertStatus.resolved:
        raise Conflict(f"alert {alert.id} is already resolved")
    return _change(
        session,
        principal,
        alert,
        if_match,
        "resolved",
        note,
        status=AlertStatus.resolved,
        resolved_at=utcnow(),
        resolution_note=note,
        outcome=outcome,
    )


def reopen(session: Session, *, principal: Principal, alert: Alert, note: str, if_match: str | None) -> Alert:
    if alert.status != AlertStatus.resolved:
        raise Conflict(f"alert {alert.id} is {alert.status.value}, not resolved")
    clash = session.exec(
        select(Alert.id).where(
            Alert.metric_id == alert.metric_id, Alert.kind == alert.kind, Alert.status != AlertStatus.resolved
        )
    ).first()
    if clash is not None:
        raise Conflict(f"alert {clash} is already open for this metric and kind; work on that one")
    return _change(
        session,
        principal,
        alert,
        if_match,
        "reopened",
        note,
        status=AlertStatus.open,
        resolved_at=None,
        resolution_note=None,
        acknowledged_at=None,
        outcome=None,
        resolution_requested_at=None,
    )


def assign(
    session: Session, *, principal: Principal, alert: Alert, assignee_id: int | None, if_match: str | None
) -> Alert:
    if assignee_id is not None:
        _check_assignee(session, alert, assignee_id)
    return _change(
        session, principal, alert, if_match, "assigned", f"assigned to user {assignee_id}", assignee_id=assignee_id
    )


def _check_assignee(session: Session, alert: Alert, assignee_id: int) -> None:
    """An alert goes only to an active person who can open it: a role that reads alerts, the right department."""
    user = session.get(User, assignee_id)
    if user is None:
        raise InvalidInput.on("body.assignee_id", f"no user with id {assignee_id}", "unknown_reference")
    if not user.is_active:
        raise InvalidInput.on("body.assignee_id", f"user {assignee_id} is deactivated", "inactive_user")
    if user.role == Role.vendor:  # the vendor is asked through questions and plans; the city works its alerts
        raise InvalidInput.on(
            "body.assignee_id", f"user {assignee_id} works for a vendor; alerts go to the city's people", "cannot_see"
        )
    if user.role == Role.vendor:  # the vendor answers questions and works plans; the alert is the city's
        raise InvalidInput.on(
            "body.assignee_id", f"user {assignee_id} works for a vendor; alerts are worked by the city", "cannot_own"
        )
    if not is_allowed(user.role, frozenset(), "alerts", Action.read):
        raise InvalidInput.on(
            "body.assignee_id", f"user {assignee_id} is a {user.role.value}, who cannot see alerts", "cannot_see"
        )
    departments = department_ids_of(session, assignee_id)
    department_id = _department_of(session, alert.award_id)
    if departments and department_id not in departments:
        raise InvalidInput.on(
            "body.assignee_id",
            f"user {assignee_id} works for other departments and could not see this alert",
            "cannot_see",
        )


def follow_manager_changes(session: Session, changed: Sequence[Event], now: datetime) -> list[JobRequest]:
    """The dispatcher's consumer for `award.manager_changed`: open alerts that were the old manager's, or
    nobody's, go to the new manager (with an `assigned` entry in their history)."""
    for event in changed:
        if event.type != EventType.award_manager_changed.value or event.award_id is None:
            continue
        old, new = event.payload.get("from"), event.payload.get("to")
        owned = (
            col(Alert.assignee_id).is_(None)
            if old is None
            else or_(col(Alert.assignee_id) == old, col(Alert.assignee_id).is_(None))
        )
        moving = session.exec(
            select(Alert)
            .where(Alert.award_id == event.award_id, Alert.status != AlertStatus.resolved, owned)
            .order_by(col(Alert.id))
        ).all()
        for alert in moving:
            if alert.assignee_id == new:
                continue
            alert.assignee_id = new
            _touch(session, alert, now)
            _event(session, alert, "assigned", SYSTEM_ACTOR, note=f"the contract's manager is now user {new}", at=now)
    return []


def visible_alert(session: Session, *, principal: Principal, alert_id: int) -> Alert:
    statement = select(Alert).where(Alert.id == alert_id)
    if not principal.reach.citywide:
        statement = statement.join(Award, Award.id == Alert.award_id).where(  # type: ignore[arg-type]
            award_scope(principal.reach)
        )
    alert = session.exec(statement).first()
    if alert is None:
        raise NotFound(f"alert {alert_id} not found")
    return alert


def events(session: Session, alert_id: int) -> list[AlertEvent]:
    return list(
        session.exec(select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(col(AlertEvent.id))).all()
    )


# The conversation with the vendor: a vendor sees these entries whole (they are what the two sides said).
DIALOGUE = frozenset(
    {
        "question_asked",
        "answered",
        "question_withdrawn",
        "reply_overdue",
        "plan_proposed",
        "plan_agreed",
        "plan_rejected",
        "plan_completed",
        "resolution_requested",
    }
)


def history(session: Session, *, principal: Principal, alert_id: int) -> list[dict[str, Any]]:
    """The alert's history as the caller may read it. A vendor sees the system's entries and the dialogue, not
    who works the alert inside the city (assignments) nor the notes the city's staff wrote."""
    entries = [_entry(e) for e in events(session, alert_id)]
    if not principal.is_vendor:
        return entries
    shown = []
    for entry in entries:
        if entry["event"] == "assigned":
            continue
        if entry["actor"] != SYSTEM_ACTOR and entry["event"] not in DIALOGUE:
            entry["note"] = None
        shown.append(entry)
    return shown


def _entry(event: AlertEvent) -> dict[str, Any]:
    return event.model_dump(
        include={"occurred_at", "actor", "event", "from_severity", "to_severity", "note", "outcome"}
    )


def shown_to(session: Session, *, principal: Principal, alerts: Sequence[Alert]) -> list[dict[str, Any]]:
    """Alerts as the caller may read them: a vendor does not see who in the city works them, nor the note a
    person of the city closed one with (the system's own notes, e.g. "back on track", stay)."""
    rows = [alert.model_dump() for alert in alerts]
    if not principal.is_vendor or not rows:
        return rows
    resolved = [row["id"] for row in rows if row["resolution_note"] is not None]
    closed_by: dict[int, str] = {}
    if resolved:
        for alert_id, actor in session.exec(
            select(AlertEvent.alert_id, AlertEvent.actor)
            .where(col(AlertEvent.alert_id).in_(resolved), AlertEvent.event == "resolved")
            .order_by(col(AlertEvent.id))
        ).all():
            closed_by[alert_id] = actor  # the last one wins
    for row in rows:
        row["assignee_id"] = None
        if closed_by.get(row["id"], SYSTEM_ACTOR) != SYSTEM_ACTOR:
            row["resolution_note"] = None
    return rows


def conversation(session: Session, *, alert_id: int, today: date) -> dict[str, Any]:
    """Counts of the alert's questions, answers and plans (their packages sit beside this one: by table name)."""
    questions, answers, plans = _QUESTIONS, _ANSWERS, _PLANS
    connection = session.connection()
    asked = connection.execute(
        select(
            func.count(),
            func.count().filter(questions.c.status == "open"),
            func.count().filter(
                and_(
                    questions.c.status == "open",
                    or_(questions.c.overdue_since.is_not(None), questions.c.reply_by < today),
                )
            ),
        ).where(questions.c.alert_id == alert_id)
    ).one()
    answered = connection.execute(
        select(func.count())
        .select_from(answers.join(questions, answers.c.question_id == questions.c.id))
        .where(questions.c.alert_id == alert_id)
    ).scalar_one()
    planned = connection.execute(
        select(func.count(), func.count().filter(plans.c.status.in_(["proposed", "agreed"]))).where(
            plans.c.alert_id == alert_id
        )
    ).one()
    return {
        "questions": asked[0],
        "open_questions": asked[1],
        "overdue_questions": asked[2],
        "answers": answered,
        "plans": planned[0],
        "open_plans": planned[1],
        "questions_url": f"/api/v1/alerts/{alert_id}/questions",
        "plans_url": f"/api/v1/plans?alert_id={alert_id}",
    }


def search(session: Session, *, principal: Principal, filters: Any) -> tuple[list[Alert], int]:
    """Alerts matching the filters, most severe first, then oldest first."""
    statement = select(Alert)
    needs_award = not principal.reach.citywide or filters.department_id or filters.vendor_id
    if needs_award:
        statement = statement.join(Award, Award.id == Alert.award_id)  # type: ignore[arg-type]
    if not principal.reach.citywide:
        statement = statement.where(award_scope(principal.reach))
    if filters.department_id:
        statement = statement.where(Award.department_id == filters.department_id)
    if filters.vendor_id:
        statement = statement.where(Award.vendor_id == filters.vendor_id)
    if filters.status:
        statement = statement.where(col(Alert.status).in_(filters.status))
    else:
        statement = statement.where(Alert.status != AlertStatus.resolved)
    for name in ("kind", "severity", "metric_id"):
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(getattr(Alert, name) == value)
    award_id = filters.contract_id or filters.grant_id or filters.award_id
    if award_id:
        statement = statement.where(Alert.award_id == award_id)
    if filters.assignee is not None:
        assignee = principal.id if filters.assignee == "me" else int(filters.assignee)
        # No user has an id past the 32-bit range; comparing with one would overflow the database type.
        in_range = assignee is None or assignee <= MAX_INT_ID
        statement = statement.where(Alert.assignee_id == assignee if in_range else false())
    if filters.opened_since:
        statement = statement.where(col(Alert.opened_at) >= filters.opened_since)
    order = (col(Alert.severity_rank).desc(), col(Alert.opened_at).asc(), col(Alert.id).asc())
    return paginate(session, statement, *order, limit=filters.limit, offset=filters.offset)
