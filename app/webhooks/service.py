"""Webhooks' durable work: deliveries made from events (`fan_out`), re-nudged (`resume`) and replayed.

The dispatcher calls `fan_out` in its own transaction, so an event is marked dispatched exactly when its
deliveries exist. Every job is only a nudge to a delivery row; `resume` re-nudges whatever is due, so a job
queue lost with a process (SQLite's is in memory) loses no delivery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.auth.models import User, UserDepartment
from app.auth.principal import Principal
from app.auth.roles import Action, is_allowed
from app.db import utcnow
from app.events.models import Event
from app.jobs.queue import JobRequest, defer_after_commit
from app.kit.pagination import paginate
from app.kit.problems import Conflict, NotFound
from app.webhooks.delivery import deliver, delivery_job
from app.webhooks.endpoints import record_change
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = ["deliver", "deliveries", "fan_out", "replay_delivery", "replay_since", "resume"]

# The resume round nudges deliveries due within this horizon (scheduled at their time), a batch at a time.
RESUME_HORIZON = timedelta(seconds=90)
NUDGE_BATCH = 1000
ATTEMPTS_SHOWN = 20
_deliveries = WebhookDelivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Owner:
    department_ids: frozenset[int] | None  # None: citywide


def fan_out(session: Session, events: Sequence[Event], now: datetime) -> list[JobRequest]:
    """One pending delivery per (matching active endpoint, event), inserted at most once; their nudges."""
    endpoints = list(session.exec(select(WebhookEndpoint).where(col(WebhookEndpoint.active).is_(True))).all())
    if not endpoints or not events:
        return []
    owners = _owners(session, {e.owner_id for e in endpoints})
    rows: list[dict[str, Any]] = []
    for event in events:
        for endpoint in endpoints:
            owner = owners.get(endpoint.owner_id)
            if owner is not None and matches(endpoint, owner.department_ids, event):
                rows.append(
                    {
                        "endpoint_id": endpoint.id,
                        "event_id": event.id,
                        "message_id": event.uid,
                        "status": DeliveryStatus.pending,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    if not rows:
        return []
    _insert_new(session, rows)
    event_ids = sorted({row["event_id"] for row in rows})
    created = session.exec(
        select(WebhookDelivery.id).where(
            col(WebhookDelivery.event_id).in_(event_ids),
            WebhookDelivery.status == DeliveryStatus.pending,
            WebhookDelivery.attempts == 0,
        )
    ).all()
    return [delivery_job(delivery_id) for delivery_id in created if delivery_id is not None]


def matches(endpoint: WebhookEndpoint, owner_departments: frozenset[int] | None, event: Event) -> bool:
    """The endpoint subscribes to the event's type and department, and its owner may see that department."""
    if endpoint.event_types and event.type not in endpoint.event_types:
        return False
    department = event.department_id
    if endpoint.department_ids and department not in endpoint.department_ids:
        return False
    return owner_departments is None or department in owner_departments


def _owners(session: Session, owner_ids: set[int]) -> dict[int, _Owner]:
    """The owners who may still use webhooks (active, with a role allowed to), with their current scope."""
    users = session.exec(select(User).where(col(User.id).in_(sorted(owner_ids)))).all()
    links = session.exec(select(UserDepartment).where(col(UserDepartment.user_id).in_(sorted(owner_ids)))).all()
    departments: dict[int, set[int]] = defaultdict(set)
    for link in links:
        departments[link.user_id].add(link.department_id)
    return {
        user.id: _Owner(frozenset(departments[user.id]) if user.id in departments else None)
        for user in users
        if user.id is not None and user.is_active and is_allowed(user.role, frozenset(), "webhooks", Action.read)
    }


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a batch dispatched twice (a crash before its commit) adds nothing."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_deliveries).on_conflict_do_nothing(index_elements=["endpoint_id", "event_id"])
    session.connection().execute(statement, rows)


def resume(session: Session, *, now: datetime | None = None, limit: int = NUDGE_BATCH) -> list[JobRequest]:
    """Nudges for pending deliveries of active endpoints that are due (or due within the horizon, scheduled)."""
    at = now or utcnow()
    statement = (
        select(WebhookDelivery.id, WebhookDelivery.next_attempt_at)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.pending,
            col(WebhookEndpoint.active).is_(True),
            or_(
                col(WebhookDelivery.next_attempt_at).is_(None),
                col(WebhookDelivery.next_attempt_at) <= at + RESUME_HORIZON,
            ),
        )
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(limit)
    )
    return [
        delivery_job(delivery_id, at=due if due is not None and due > at else None)
        for delivery_id, due in session.exec(statement).all()
        if delivery_id is not None
    ]


def resume_round(engine: Engine, *, now: datetime | None = None) -> int:
    """The periodic round: re-nudges due deliveries; how many nudges it asked for."""
    with Session(engine) as session:
        nudges = resume(session, now=now)
    defer_after_commit(nudges)
    return len(nudges)


# --- replay ----------------------------------------------------------------------------------------------


def replay_delivery(
    session: Session, *, principal: Principal, endpoint: WebhookEndpoint, delivery_id: int
) -> WebhookDelivery:
    """Queues one delivery again, whatever its state; it keeps its `webhook-id` (the event's id)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound(f"no delivery {delivery_id} for webhook endpoint {endpoint.id}")
    _require_active(endpoint)
    now = utcnow()
    _requeue(delivery, now)
    session.add(delivery)
    record_change(session, principal, endpoint, {"replayed_deliveries": [None, [delivery_id]]})
    session.commit()
    session.refresh(delivery)
    defer_after_commit([delivery_job(delivery_id)])
    return delivery


def replay_since(session: Session, *, principal: Principal, endpoint: WebhookEndpoint, since: datetime) -> int:
    """Queues again every delivery to this endpoint of an event that occurred at or after `since`.

    Only events the endpoint already had deliveries for: events from before it was registered are not sent."""
    _require_active(endpoint)
    now = utcnow()
    ids = list(
        session.exec(
            select(WebhookDelivery.id)
            .join(Event, col(Event.id) == WebhookDelivery.event_id)
            .where(WebhookDelivery.endpoint_id == endpoint.id, col(Event.occurred_at) >= since)
            .order_by(col(WebhookDelivery.id))
        ).all()
    )
    if ids:
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id).in_(ids))
            .values(status=DeliveryStatus.pending, attempts=0, next_attempt_at=now, delivered_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    record_change(
        session,
        principal,
        endpoint,
        {"replayed_since": [None, since.isoformat()], "replayed_deliveries": [None, len(ids)]},
    )
    session.commit()
    # The first batch is nudged now; the resume round nudges the rest within a minute.
    defer_after_commit([delivery_job(delivery_id) for delivery_id in ids[:NUDGE_BATCH] if delivery_id is not None])
    return len(ids)


def _requeue(delivery: WebhookDelivery, now: datetime) -> None:
    delivery.status = DeliveryStatus.pending
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.delivered_at = None
    delivery.updated_at = now


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.active:
        raise Conflict(
            f"webhook endpoint {endpoint.id} is disabled ({endpoint.disabled_reason}); "
            're-enable it first with PATCH {"active": true}'
        )


# --- the delivery log ------------------------------------------------------------------------------------


def deliveries(
    session: Session, *, endpoint: WebhookEndpoint, status: DeliveryStatus | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the endpoint's deliveries, newest first, each with its latest attempts."""
    statement = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status)
    rows, total = paginate(session, statement, col(WebhookDelivery.id).desc(), limit=limit, offset=offset)
    ids = [delivery.id for delivery in rows]
    event_types = dict(
        session.exec(select(Event.id, Event.type).where(col(Event.id).in_(sorted({d.event_id for d in rows})))).all()
    )
    attempts: dict[int, list[WebhookAttempt]] = defaultdict(list)
    if ids:
        logged = session.exec(
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(ids))
            .order_by(col(WebhookAttempt.attempted_at).desc(), col(WebhookAttempt.id).desc())
        ).all()
        for attempt in logged:
            if len(attempts[attempt.delivery_id]) < ATTEMPTS_SHOWN:
                attempts[attempt.delivery_id].append(attempt)
    page = [
        delivery.model_dump()
        | {
            "webhook_id": delivery.message_id,
            "event_type": event_types.get(delivery.event_id, ""),
            "attempt_log": attempts[delivery.id],
        }
        for delivery in rows
    ]
    return page, total
