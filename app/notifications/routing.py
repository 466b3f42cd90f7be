"""Who is told about which event (the default rules; each recipient's delivery choice applies afterwards).

- `alert`: an alert opened, reopened or was raised: its assignee; an unassigned alert goes to the award's
  contract manager and the department's contract managers, so it never goes to nobody. An alert assigned to
  someone: the new assignee.
- `integration`: a webhook endpoint was disabled: its owner.
- the dialogue with the vendor (`DIALOGUE_TYPES`): a question goes to the vendor's people; an answer to who asked
  and whoever works the alert; a reply past its date escalates (`escalation`) to the contract's manager, the
  department's managers and admins and who asked; plans proposed by one side go to the other, decisions on them
  to the vendor, completed plans and requests for a resolution to whoever works the alert.
- `followed`: the events of `FOLLOWED_TYPES` on a contract, grant, vendor or department someone follows, unless
  that person already gets the same event as an `alert`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session, and_, col, or_, select

from app.awards.models import Award
from app.config import Settings
from app.events.models import Event
from app.events.types import EventType
from app.metrics.models import Metric
from app.notifications import links
from app.notifications.inbox import Draft
from app.notifications.models import Follow, FollowTarget, NotificationKind
from app.notifications.people import escalation_for, responsible_for, vendor_people

_R = TypeVar("_R", Award, Metric)

ALERT_TYPES = frozenset({EventType.alert_opened, EventType.alert_raised, EventType.alert_reopened})
FOLLOWED_TYPES = frozenset(
    {
        EventType.alert_opened,
        EventType.alert_raised,
        EventType.alert_resolved,
        EventType.alert_reopened,
        EventType.metric_performance_changed,
        EventType.metric_freshness_changed,
        EventType.metric_forecast_changed,
        EventType.reading_corrected,
        EventType.action_item_created,
        EventType.action_item_overdue,
        EventType.action_item_done,
        EventType.award_status_changed,
        EventType.award_ending,
    }
)


@dataclass(frozen=True)
class _Context:
    settings: Settings
    awards: dict[int, Award]
    metrics: dict[int, Metric]
    followers: dict[tuple[FollowTarget, int], list[int]]
    # Who answers for an award without an assignee, per (contract manager, department): one query per pair in a
    # batch, not one per event (a sweep can open many unassigned alerts in one department).
    responsible: dict[tuple[int | None, int], list[int]] = field(default_factory=dict)


def drafts_for(session: Session, settings: Settings, events: Sequence[Event]) -> list[Draft]:
    relevant = [
        e
        for e in events
        if e.type in ALERT_TYPES or e.type in FOLLOWED_TYPES or e.type in _OWN_TYPES or e.type in DIALOGUE_TYPES
    ]
    if not relevant:
        return []
    context = _load(session, settings, relevant)
    drafts: list[Draft] = []
    for event in relevant:
        direct = (
            _alert_drafts(session, context, event)
            + _owner_drafts(context, event)
            + _dialogue_drafts(session, context, event)
        )
        drafts += direct
        told = {d.recipient_id for d in direct}
        if event.type in FOLLOWED_TYPES:
            drafts += [
                _draft(context, event, user_id, NotificationKind.followed)
                for user_id in _followers_of(context, event)
                if user_id not in told
            ]
    return drafts


def _load(session: Session, settings: Settings, events: Sequence[Event]) -> _Context:
    award_ids = sorted({e.award_id for e in events if e.award_id is not None})
    awards = _by_id(session.exec(select(Award).where(col(Award.id).in_(award_ids)))) if award_ids else {}
    metric_ids = sorted({int(e.payload["metric_id"]) for e in events if e.payload.get("metric_id") is not None})
    metrics = _by_id(session.exec(select(Metric).where(col(Metric.id).in_(metric_ids)))) if metric_ids else {}
    targets: set[tuple[FollowTarget, int]] = set()
    for event in events:
        targets |= set(_targets(awards.get(event.award_id) if event.award_id else None, event))
    followers: dict[tuple[FollowTarget, int], list[int]] = {}
    if targets:
        condition = or_(*(and_(Follow.target_kind == kind, Follow.target_id == tid) for kind, tid in sorted(targets)))
        for follow in session.exec(select(Follow).where(condition).order_by(col(Follow.id))):
            followers.setdefault((FollowTarget(follow.target_kind), follow.target_id), []).append(follow.user_id)
    return _Context(settings, awards, metrics, followers)


def _by_id(rows: Iterable[_R]) -> dict[int, _R]:
    found: dict[int, _R] = {}
    for row in rows:
        assert row.id is not None
        found[row.id] = row
    return found


def _targets(award: Award | None, event: Event) -> Iterable[tuple[FollowTarget, int]]:
    if award is not None and award.id is not None:
        yield FollowTarget(award.kind.value), award.id
        yield FollowTarget.vendor, award.vendor_id
    if event.department_id is not None:
        yield FollowTarget.department, event.department_id


def _followers_of(context: _Context, event: Event) -> list[int]:
    award = context.awards.get(event.award_id) if event.award_id is not None else None
    seen: list[int] = []
    for target in _targets(award, event):
        for user_id in context.followers.get(target, []):
            if user_id not in seen:
                seen.append(user_id)
    return seen


def _alert_drafts(session: Session, context: _Context, event: Event) -> list[Draft]:
    if event.type not in ALERT_TYPES and event.type != EventType.alert_assigned:
        return []
    assignee = event.payload.get("assignee_id")
    if assignee is not None:
        recipients = [int(assignee)]
    elif event.type == EventType.alert_assigned:
        return []  # unassigned: nobody new to tell
    else:
        award = context.awards.get(event.award_id) if event.award_id is not None else None
        if award is None:
            return []
        key = (award.contract_manager_id, award.department_id)
        if key not in context.responsible:
            context.responsible[key] = responsible_for(session, *key)
        recipients = context.responsible[key]
    return [_draft(context, event, user_id, NotificationKind.alert) for user_id in recipients]


_OWN_TYPES = frozenset({EventType.alert_assigned, EventType.webhook_endpoint_disabled})

DIALOGUE_TYPES = frozenset(
    {
        EventType.alert_question_asked,
        EventType.alert_answered,
        EventType.alert_reply_overdue,
        EventType.alert_resolution_requested,
        EventType.plan_proposed,
        EventType.plan_agreed,
        EventType.plan_rejected,
        EventType.plan_completed,
    }
)
_TO_THE_VENDOR = frozenset({EventType.alert_question_asked, EventType.plan_agreed, EventType.plan_rejected})


def _dialogue_drafts(session: Session, context: _Context, event: Event) -> list[Draft]:
    award = context.awards.get(event.award_id) if event.award_id is not None else None
    if event.type not in DIALOGUE_TYPES or award is None:
        return []
    data = event.payload
    to_vendor = event.type in _TO_THE_VENDOR or (event.type == EventType.plan_proposed and data.get("side") == "city")
    if to_vendor:
        recipients = vendor_people(session, award.vendor_id)
    elif event.type == EventType.alert_reply_overdue:
        recipients = escalation_for(session, award.contract_manager_id, award.department_id)
    elif data.get("assignee_id") is not None:
        recipients = [int(data["assignee_id"])]
    else:
        recipients = responsible_for(session, award.contract_manager_id, award.department_id)
    if not to_vendor:  # who asked, and who works the alert, hear of it too
        for also in (data.get("asked_by_user_id"), data.get("assignee_id")):
            if also is not None and int(also) not in recipients:
                recipients = [*recipients, int(also)]
    kind = NotificationKind.escalation if event.type == EventType.alert_reply_overdue else NotificationKind.alert
    return [_draft(context, event, user_id, kind) for user_id in recipients]


def _owner_drafts(context: _Context, event: Event) -> list[Draft]:
    if event.type != EventType.webhook_endpoint_disabled or event.payload.get("owner_id") is None:
        return []
    return [_draft(context, event, int(event.payload["owner_id"]), NotificationKind.integration)]


def _draft(context: _Context, event: Event, user_id: int, kind: NotificationKind) -> Draft:
    title, body, link = describe(context, event)
    return Draft(
        recipient_id=user_id,
        kind=kind,
        title=title,
        body=body,
        link=link,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        award_id=event.award_id,
        department_id=event.department_id,
        event_id=event.id,
        event_type=event.type,
        vendor_id=award.vendor_id if (award := context.awards.get(event.award_id or 0)) is not None else None,
    )


_VERBS = {
    EventType.alert_opened: "opened",
    EventType.alert_raised: "raised",
    EventType.alert_resolved: "resolved",
    EventType.alert_reopened: "reopened",
    EventType.alert_assigned: "assigned to you",
    EventType.alert_question_asked: "question from the city",
    EventType.alert_answered: "answered",
    EventType.alert_reply_overdue: "reply overdue",
    EventType.alert_resolution_requested: "ready for a resolution",
}


def describe(context: _Context, event: Event) -> tuple[str, str, str | None]:
    """Title, body and link of an event, in words."""
    settings, data = context.settings, event.payload
    award = context.awards.get(event.award_id) if event.award_id is not None else None
    where = f" ({award.number})" if award else ""
    metric = context.metrics.get(int(data["metric_id"])) if data.get("metric_id") is not None else None
    metric_name = metric.name if metric else "a metric"
    award_link = links.award_link(settings, award.kind.value, award.id) if award and award.id else None
    kind = EventType(event.type)
    if event.subject_type == "alert" and event.subject_id is not None:
        severity = str(data.get("severity", "")).capitalize()
        title = f"{severity} {data.get('kind', '')} alert {_VERBS.get(kind, kind.value)}: {metric_name}{where}"
        body = str(data.get("message") or data.get("summary") or "")
        return " ".join(title.split()), body, links.alert_link(settings, event.subject_id)
    if event.subject_type == "plan" and event.subject_id is not None:
        verb = kind.value.split(".", 1)[1]
        title = f"Corrective plan {verb}{where}: {data.get('title') or ''}".rstrip(": ")
        return title, str(data.get("note") or ""), links.object_link(settings, f"/plans/{event.subject_id}")
    if event.subject_type == "metric" and event.subject_id is not None:
        dimension = str(data.get("dimension", "status"))
        title = f"{metric_name}{where}: {dimension} {_word(data.get('from'))} → {_word(data.get('to'))}"
        return title, str(data.get("reason") or ""), links.metric_link(settings, event.subject_id)
    if event.subject_type == "action_item" and event.subject_id is not None:
        verb = kind.value.split(".", 1)[1]
        title = f"Action item {verb}{where}: {data.get('title') or data.get('description') or ''}".rstrip(": ")
        return title, _plain(data), links.action_item_link(settings, event.subject_id)
    if kind == EventType.award_status_changed and award:
        title = f"{award.number} {award.title}: status {_word(data.get('from'))} → {_word(data.get('to'))}"
        return title, "", award_link
    if kind == EventType.webhook_endpoint_disabled:
        title = f"Your webhook endpoint {data.get('url')} was disabled"
        body = f"{data.get('reason')}. Fix the receiver, then re-enable the endpoint (PATCH active: true)."
        return title, body, links.object_link(settings, f"/webhooks/{data.get('endpoint_id')}")
    if kind == EventType.award_ending and award:
        return f"{award.number} {award.title} ends on {data.get('end_date')}", "", award_link
    return f"{kind.value}{where}", _plain(data), award_link


def _word(value: Any) -> str:
    return str(value).replace("_", " ") if value is not None else "none"


def _plain(data: dict[str, Any]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in data.items() if isinstance(v, str | int | float) and k != "summary")
