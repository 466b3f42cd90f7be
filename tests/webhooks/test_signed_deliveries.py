"""Deliveries follow Standard Webhooks: each one is checked with the specification's reference library."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from app.webhooks.models import DeliveryStatus
from tests.support import Actor, City
from tests.webhooks.flow import WEBHOOKS, delivery_rows, dispatch, log_of, open_alert, register, run_due
from tests.webhooks.receiver import Receiver


def test_an_opened_alert_is_delivered_signed_and_verifies_with_the_reference_library(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver
) -> None:
    hook = register(
        manager, receiver.url, event_types=["alert.opened"], department_ids=[city.transportation], description="ERP"
    )
    assert hook["secret"].startswith("whsec_")
    metric = streetlights["metric"]
    open_alert(manager, metric)
    now = utcnow()
    assert dispatch(now) >= 1
    statuses = run_due(now)
    assert statuses and set(statuses) == {DeliveryStatus.succeeded}
    assert len(receiver.requests) == len(statuses)

    payloads = [received.verify(hook["secret"]) for received in receiver.requests]  # every one verifies
    assert {p["type"] for p in payloads} == {"alert.opened"}
    [received] = [
        r
        for r, p in zip(receiver.requests, payloads, strict=True)
        if p["data"]["metric_id"] == metric and p["data"]["kind"] == "performance"
    ]
    payload = received.verify(hook["secret"])
    assert payload["type"] == "alert.opened"
    assert payload["id"] == received.headers["webhook-id"] and payload["id"].startswith("evt_")
    assert payload["data"]["award_id"] == streetlights["contract"]
    assert payload["data"]["subject_type"] == "alert" and payload["data"]["kind"] == "performance"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["webhook-signature"].startswith("v1,")

    [entry] = [e for e in log_of(manager, hook["id"]) if e["webhook_id"] == payload["id"]]
    assert (entry["status"], entry["attempts"], entry["webhook_id"]) == ("succeeded", 1, payload["id"])
    assert entry["attempt_log"][0]["status_code"] == 200 and entry["attempt_log"][0]["response_snippet"] == "ok"
    assert run_due(now + timedelta(hours=1)) == []  # nothing left to do: the job is idempotent
    assert len(receiver.requests) == len(statuses)


def test_during_a_rotation_both_secrets_verify_and_afterwards_only_the_new_one(
    manager: Actor, city: City, streetlights: dict[str, int], receiver: Receiver
) -> None:
    hook = register(manager, receiver.url, event_types=["alert.opened"], department_ids=[city.transportation])
    rotated = manager.post(f"{WEBHOOKS}/{hook['id']}/rotate-secret", json={"overlap_hours": 2})
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != hook["secret"] and rotated.json()["previous_secret_expires_at"]
    assert "secret" not in manager.get(f"{WEBHOOKS}/{hook['id']}").json()

    open_alert(manager, streetlights["metric"])
    now = utcnow()
    dispatch(now)
    run_due(now)
    during = receiver.requests[0]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verify(hook["secret"]) == during.verify(new_secret)  # receivers on either secret accept it

    # After the overlap: the same message replayed is signed with the new secret only.
    [delivery] = [d for d in delivery_rows(hook["id"]) if d.message_id == during.headers["webhook-id"]]
    assert manager.post(f"{WEBHOOKS}/{hook['id']}/deliveries/{delivery.id}/replay").status_code == 202
    later = now + timedelta(hours=3)
    run_due(later)
    after = receiver.requests[-1]
    assert after.headers["webhook-id"] == during.headers["webhook-id"]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    after.verify(new_secret)
    _refused(after, hook["secret"])


def _refused(received: Any, secret: str) -> None:
    from standardwebhooks.webhooks import WebhookVerificationError

    try:
        received.verify(secret)
    except WebhookVerificationError:
        return
    raise AssertionError("a retired secret still verifies")
