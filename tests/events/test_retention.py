"""Events are kept `RDC_EVENTS_RETENTION_DAYS` (180 by default): the housekeeping round deletes older ones that
were dispatched, with their webhook delivery logs, but never one still waiting to be dispatched or delivered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.background import housekeeping
from app.config import get_settings
from app.db import get_engine, utcnow
from app.events.models import Event
from app.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.support import Actor
from tests.webhooks.flow import register


@pytest.fixture
def loopback_allowed(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RDC_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _event(uid: str, age_days: int, *, dispatched: bool) -> Event:
    at = utcnow() - timedelta(days=age_days)
    return Event(
        uid=uid,
        type="period.locked",
        occurred_at=at,
        subject_type="period_lock",
        payload={},
        dispatched_at=at if dispatched else None,
    )


def test_old_dispatched_events_go_and_everything_still_owed_stays(
    loopback_allowed: None, admin: Actor, session: Session
) -> None:
    endpoint = register(admin, "http://127.0.0.1:9/hook")
    old_done, old_waiting, old_retrying, recent = (
        _event("evt_old_done", 200, dispatched=True),
        _event("evt_old_waiting", 200, dispatched=False),
        _event("evt_old_retrying", 200, dispatched=True),
        _event("evt_recent", 10, dispatched=True),
    )
    session.add_all([old_done, old_waiting, old_retrying, recent])
    session.flush()
    for event, status in ((old_done, DeliveryStatus.succeeded), (old_retrying, DeliveryStatus.pending)):
        assert event.id is not None
        session.add(WebhookDelivery(endpoint_id=endpoint["id"], event_id=event.id, message_id=event.uid, status=status))
    session.commit()

    housekeeping(get_engine(), events_retention_days=180)

    kept = {
        e.uid for e in session.exec(select(Event).where(Event.uid.startswith("evt_old_") | (Event.uid == "evt_recent")))
    }  # type: ignore[attr-defined]
    assert kept == {"evt_old_waiting", "evt_old_retrying", "evt_recent"}
    deliveries = session.exec(select(WebhookDelivery)).all()
    assert [d.message_id for d in deliveries] == ["evt_old_retrying"]  # the finished log went with its event
