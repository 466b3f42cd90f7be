"""Delivering one message: read the row, send outside any transaction, record the outcome in a short one.

Idempotent by construction: a delivery that is no longer pending, or not yet due, is left alone, so a job
run twice (a resume round racing a retry nudge, a replay) sends at most what is due. Jobs for one delivery also
share a procrastinate lock, so two never run at once.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from app.auth.principal import SYSTEM
from app.config import get_settings
from app.db import begin_write, get_engine, utcnow
from app.events import service as events
from app.events.models import Event
from app.events.types import EventType
from app.jobs.queue import JobRequest, defer_after_commit
from app.webhooks import retry, signing
from app.webhooks.endpoints import record_change, signing_secrets
from app.webhooks.guard import allow_list
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.webhooks.sender import Outcome, send

log = logging.getLogger("app.webhooks")

DELIVER_TASK = "webhooks:deliver"
GONE = 410

# Called in the transaction that disables an endpoint, with that endpoint: the place for the notifications
# package (wired by the shell) to tell the owner in the same commit. Without listeners the reason is stored
# on the endpoint, audited and logged.


def delivery_job(delivery_id: int, at: datetime | None = None) -> JobRequest:
    """The nudge for one delivery: one waiting and one running at most (same key for both locks)."""
    key = f"webhook-delivery-{delivery_id}"
    return JobRequest(DELIVER_TASK, kwargs={"delivery_id": delivery_id}, queueing_lock=key, lock=key, schedule_at=at)


@dataclass(frozen=True)
class _Work:
    delivery_id: int
    endpoint_id: int
    attempts: int  # as read: the outcome is applied only if nobody changed the delivery meanwhile
    url: str
    message_id: str
    body: str
    secrets: list[str]


def deliver(
    delivery_id: int, *, now: datetime | None = None, engine: Engine | None = None, rng: random.Random | None = None
) -> DeliveryStatus | None:
    """Makes the delivery's next attempt if it is due; its status afterwards (None: nothing was due).

    `now` drives the schedule (tests pass it); the `webhook-timestamp` header is always the wall clock,
    because receivers check it against theirs.
    """
    engine = engine or get_engine()
    at = now or utcnow()
    work = _prepare(engine, delivery_id, at)
    if work is None:
        return None
    settings = get_settings()
    headers = signing.headers(work.message_id, utcnow(), work.body, work.secrets)
    outcome = send(
        work.url,
        work.body,
        headers,
        allowed=allow_list(settings.webhook_allowed_hosts),
        timeout=settings.webhook_timeout_seconds,
    )
    status, follow_ups = _record(engine, work, outcome, at, rng)
    defer_after_commit(follow_ups)
    return status


def _prepare(engine: Engine, delivery_id: int, at: datetime) -> _Work | None:
    with Session(engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != DeliveryStatus.pending:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > at:
            return None
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        event = session.get(Event, delivery.event_id)
        if endpoint is None or event is None:
            return None
        if not endpoint.active:
            _abandon(engine, delivery_id, at)
            return None
        assert endpoint.id is not None
        return _Work(
            delivery_id=delivery_id,
            endpoint_id=endpoint.id,
            attempts=delivery.attempts,
            url=endpoint.url,
            message_id=delivery.message_id,
            body=signing.message(event),
            secrets=signing_secrets(endpoint, at),
        )


def _abandon(engine: Engine, delivery_id: int, at: datetime) -> None:
    with Session(engine) as session:
        begin_write(session)
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.status) == DeliveryStatus.pending)
            .values(
                status=DeliveryStatus.abandoned, next_attempt_at=None, last_error="endpoint disabled", updated_at=at
            )
        )
        session.commit()


def _record(
    engine: Engine, work: _Work, outcome: Outcome, at: datetime, rng: random.Random | None
) -> tuple[DeliveryStatus | None, list[JobRequest]]:
    follow_ups: list[JobRequest] = []
    with Session(engine) as session:
        begin_write(session)
        delivery = session.get(WebhookDelivery, work.delivery_id, with_for_update=True)
        if delivery is None:  # the endpoint was deleted while we were sending
            session.rollback()
            return None, []
        session.add(
            WebhookAttempt(
                delivery_id=work.delivery_id,
                attempted_at=at,
                status_code=outcome.status_code,
                duration_ms=outcome.duration_ms,
                error=outcome.error,
                response_snippet=outcome.snippet,
            )
        )
        if delivery.status != DeliveryStatus.pending or delivery.attempts != work.attempts:
            session.commit()  # replayed or finished meanwhile: log the attempt, leave the state to the newer run
            return delivery.status, []
        endpoint = session.get(WebhookEndpoint, work.endpoint_id)
        assert endpoint is not None
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        delivery.updated_at = at
        if outcome.succeeded:
            delivery.status = DeliveryStatus.succeeded
            delivery.delivered_at = at
            delivery.next_attempt_at = None
            # The endpoint's row is locked only to change it: concurrent successes to one endpoint do not queue.
            if endpoint.consecutive_failures or endpoint.failing_since is not None:
                session.refresh(endpoint, with_for_update=True)
                endpoint.consecutive_failures = 0
                endpoint.failing_since = None
        else:
            session.refresh(endpoint, with_for_update=True)
            endpoint.consecutive_failures += 1
            endpoint.failing_since = endpoint.failing_since or at
            wait = None if outcome.status_code == GONE else _wait(delivery.attempts, outcome, rng)
            if wait is None:
                delivery.status = DeliveryStatus.failed
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = at + wait
                follow_ups.append(delivery_job(work.delivery_id, at=delivery.next_attempt_at))
            reason = _disable_reason(endpoint, delivery, outcome, exhausted=wait is None)
            if reason is not None:
                disable(session, endpoint, reason, at, keep=delivery)
                follow_ups = []
        session.add_all([delivery, endpoint])
        session.commit()
        return delivery.status, follow_ups


def _wait(failed_attempts: int, outcome: Outcome, rng: random.Random | None) -> timedelta | None:
    asked = retry.retry_after(outcome.retry_after, now=utcnow())
    return retry.next_wait(failed_attempts, asked, rng)


def _disable_reason(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery, outcome: Outcome, *, exhausted: bool
) -> str | None:
    """Why the endpoint must stop receiving, or None: it answered 410 Gone, or a delivery used up every attempt
    (about three days of them) with no success at the endpoint meanwhile. A receiver that rejects one message
    but accepts others keeps receiving: its successes reset the count."""
    if outcome.status_code == GONE:
        return "the endpoint answered 410 Gone"
    if exhausted and endpoint.consecutive_failures >= delivery.attempts:
        return f"delivery {delivery.id} failed {delivery.attempts} times with no success (last: {outcome.error})"[:500]
    return None


def disable(
    session: Session, endpoint: WebhookEndpoint, reason: str, at: datetime, *, keep: WebhookDelivery | None = None
) -> None:
    """Stops an endpoint (in the caller's transaction): its pending deliveries are abandoned, the change is
    audited as the system's, and a `webhook.endpoint_disabled` event (which tells the owner) is written."""
    assert endpoint.id is not None
    endpoint.active = False
    endpoint.disabled_reason = reason
    endpoint.disabled_at = at
    endpoint.version += 1
    endpoint.updated_at = at
    if keep is not None and keep.status == DeliveryStatus.pending:
        keep.status = DeliveryStatus.abandoned
        keep.next_attempt_at = None
    session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.endpoint_id) == endpoint.id,
            col(WebhookDelivery.status) == DeliveryStatus.pending,
            col(WebhookDelivery.id) != (keep.id if keep is not None else -1),
        )
        .values(status=DeliveryStatus.abandoned, next_attempt_at=None, last_error="endpoint disabled", updated_at=at)
        .execution_options(synchronize_session=False)
    )
    record_change(session, SYSTEM, endpoint, {"active": [True, False], "disabled_reason": [None, reason]})
    log.warning("webhook endpoint %s (owner user %s) disabled: %s", endpoint.id, endpoint.owner_id, reason)
    # The owner is told through the outbox, like every other consequence (the notifications package routes it).
    events.record(
        session,
        EventType.webhook_endpoint_disabled,
        subject_type="webhook_endpoint",
        subject_id=endpoint.id,
        # A department manager's endpoint names only their departments; a citywide one may name none.
        department_id=endpoint.department_ids[0] if endpoint.department_ids else None,
        award_id=None,
        payload={"endpoint_id": endpoint.id, "owner_id": endpoint.owner_id, "url": endpoint.url, "reason": reason},
        occurred_at=at,
    )
