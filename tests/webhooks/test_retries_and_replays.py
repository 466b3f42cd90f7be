"""A failing receiver: retries back off over about three days (honouring Retry-After), then the endpoint is
disabled and its owner told. Replays re-send with the same webhook-id; redirects are never followed."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEntry
from app.db import get_engine, utcnow
from app.webhooks import service
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.retry import MAX_ATTEMPTS
from tests.support import Actor, City, assert_problem
from tests.webhooks.flow import WEBHOOKS, delivery_rows, dispatch, log_of, open_alert, register, run_due
from tests.webhooks.receiver import Receiver, Reply


def _subscribed(manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver) -> dict[str, Any]:
    hook = register(manager, receiver.url, event_types=["alert.opened"], department_ids=[city.transportation])
    open_alert(manager, streetlights["metric"])
    dispatch(utcnow())
    return hook


def _row(delivery_id: int) -> WebhookDelivery:
    with Session(get_engine()) as session:
        row = session.get(WebhookDelivery, delivery_id)
        assert row is not None
        return row


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    with Session(get_engine()) as session:
        row = session.get(WebhookEndpoint, endpoint_id)
        assert row is not None
        return row


def test_failures_back_off_over_days_honour_retry_after_then_the_endpoint_is_disabled_and_its_owner_told(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.default = Reply(500, body=b"database down")
    receiver.answer(Reply(503, {"Retry-After": "3600"}, b"maintenance"))
    hook = _subscribed(manager, city, streetlights, receiver)
    first, *others = delivery_rows(hook["id"])
    assert first.id is not None and first.next_attempt_at is not None

    rng = random.Random(7)
    moment = first.next_attempt_at
    waits: list[timedelta] = []
    for _ in range(MAX_ATTEMPTS):
        assert service.deliver(first.id, now=moment, rng=rng) is not None
        row = _row(first.id)
        if row.next_attempt_at is None:
            break
        assert service.deliver(first.id, now=moment, rng=rng) is None  # not due yet: a duplicate job does nothing
        waits.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at

    assert waits[0] >= timedelta(hours=1)  # Retry-After: 3600 beats the 5-second back-off
    assert waits[1] < waits[2] < waits[3] < waits[4]  # 5 min, 30 min, 2 h, 5 h nominal, with jitter
    assert timedelta(days=2) < sum(waits, timedelta()) < timedelta(days=4, hours=2)
    final = _row(first.id)
    assert (final.status, final.attempts, final.last_status_code) == (DeliveryStatus.failed, MAX_ATTEMPTS, 500)
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # every retry: the same webhook-id
    for received in receiver.requests:
        received.verify(hook["secret"])

    endpoint = manager.get(f"{WEBHOOKS}/{hook['id']}").json()
    assert endpoint["active"] is False and "failed 11 times" in endpoint["disabled_reason"]
    dispatch(moment)  # the `webhook.endpoint_disabled` event reaches the owner's inbox (and e-mail)
    told = manager.get("/api/v1/notifications", params={"unread": "true"}).json()["items"]
    [note] = [n for n in told if n["kind"] == "integration"]
    assert hook["url"] in note["title"] and endpoint["disabled_reason"] in note["body"]
    assert all(_row(o.id).status == DeliveryStatus.abandoned for o in others if o.id is not None)
    assert run_due(moment + timedelta(days=1)) == []  # nothing is sent to a disabled endpoint
    [entry] = [e for e in log_of(manager, hook["id"]) if e["id"] == first.id]
    assert len(entry["attempt_log"]) == MAX_ATTEMPTS and entry["attempt_log"][0]["response_snippet"] == "database down"
    with Session(get_engine()) as session:
        audited = session.exec(select(AuditEntry).where(AuditEntry.actor == "system:system")).all()
        assert [a.changes["active"] for a in audited if a.entity == "webhook_endpoint"] == [[True, False]]

    # Re-enabling clears the failures; replay is refused while disabled, allowed after.
    assert_problem(manager.post(f"{WEBHOOKS}/{hook['id']}/deliveries/{first.id}/replay"), 409)
    enabled = manager.update(f"{WEBHOOKS}/{hook['id']}", {"active": True}).json()
    assert (enabled["active"], enabled["consecutive_failures"], enabled["disabled_reason"]) == (True, 0, None)


def test_410_gone_disables_the_endpoint_at_once(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver
) -> None:
    receiver.default = Reply(410, body=b"unsubscribed")
    hook = _subscribed(manager, city, streetlights, receiver)
    first = delivery_rows(hook["id"])[0]
    assert first.id is not None
    assert service.deliver(first.id, now=utcnow()) == DeliveryStatus.failed
    assert len(receiver.requests) == 1
    endpoint = _endpoint(hook["id"])
    assert not endpoint.active and endpoint.disabled_reason == "the endpoint answered 410 Gone"


def test_replays_of_one_delivery_or_of_everything_since_keep_the_webhook_id(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver
) -> None:
    before = utcnow() - timedelta(minutes=1)
    hook = _subscribed(manager, city, streetlights, receiver)
    now = utcnow()
    sent = run_due(now)
    assert set(sent) == {DeliveryStatus.succeeded}
    first_ids = [r.headers["webhook-id"] for r in receiver.requests]

    one = delivery_rows(hook["id"])[0]
    replayed = manager.post(f"{WEBHOOKS}/{hook['id']}/deliveries/{one.id}/replay")
    assert replayed.status_code == 202 and replayed.json() == {"queued": 1}
    assert run_due(utcnow()) == [DeliveryStatus.succeeded]
    assert receiver.requests[-1].headers["webhook-id"] == one.message_id
    receiver.requests[-1].verify(hook["secret"])

    everything = manager.post(f"{WEBHOOKS}/{hook['id']}/replay", json={"since": before.isoformat()})
    assert everything.status_code == 202 and everything.json() == {"queued": len(first_ids)}
    run_due(utcnow())
    assert sorted(r.headers["webhook-id"] for r in receiver.requests[-len(first_ids) :]) == sorted(first_ids)
    later = (utcnow() + timedelta(hours=1)).isoformat()
    assert manager.post(f"{WEBHOOKS}/{hook['id']}/replay", json={"since": later}).json() == {"queued": 0}
    assert_problem(manager.post(f"{WEBHOOKS}/{hook['id']}/replay", json={"since": "yesterday"}), 422, "body.since")
    assert_problem(manager.post(f"{WEBHOOKS}/{hook['id']}/deliveries/999999/replay"), 404)


def test_redirects_are_not_followed(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver, another_receiver: Receiver
) -> None:
    receiver.default = Reply(302, {"Location": another_receiver.url})
    hook = _subscribed(manager, city, streetlights, receiver)
    first = delivery_rows(hook["id"])[0]
    assert first.id is not None
    assert service.deliver(first.id, now=utcnow()) == DeliveryStatus.pending  # a failure: retried later
    assert another_receiver.requests == []
    row = _row(first.id)
    assert row.last_status_code == 302 and row.last_error is not None and "not followed" in row.last_error


def test_the_guard_runs_again_at_delivery_time(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = _subscribed(manager, city, streetlights, receiver)
    monkeypatch.setenv("RDC_WEBHOOK_ALLOWED_HOSTS", "")  # the allow-list no longer names the receiver
    from app.config import get_settings

    get_settings.cache_clear()
    first = delivery_rows(hook["id"])[0]
    assert first.id is not None
    assert service.deliver(first.id, now=utcnow()) == DeliveryStatus.pending
    assert receiver.requests == []
    row = _row(first.id)
    assert row.last_status_code is None and row.last_error is not None and row.last_error.startswith("refused")


def test_fan_out_is_idempotent_and_resume_nudges_each_due_delivery_once(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver
) -> None:
    hook = _subscribed(manager, city, streetlights, receiver)
    rows = delivery_rows(hook["id"])
    from app.events.models import Event

    with Session(get_engine()) as session:
        events = list(session.exec(select(Event)).all())
        again = service.fan_out(session, events, utcnow())  # a batch dispatched twice (crash before its commit)
        session.commit()
        assert {j.kwargs["delivery_id"] for j in again} == {r.id for r in rows}  # nudged again, not duplicated
        jobs = service.resume(session, now=utcnow())
    assert len(delivery_rows(hook["id"])) == len(rows)
    assert sorted(j.kwargs["delivery_id"] for j in jobs) == sorted(r.id for r in rows if r.id is not None)
    for job in jobs:
        key = f"webhook-delivery-{job.kwargs['delivery_id']}"
        assert (job.task, job.queueing_lock, job.lock) == ("webhooks:deliver", key, key)
