"""Driving the webhook pipeline step by step with a controlled clock: events, dispatch, delivery jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.background import dispatch_events, refresh_queued_metrics
from app.db import get_engine
from app.webhooks import service
from app.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.support import Actor, closed_months

WEBHOOKS = "/api/v1/webhooks"


def register(actor: Actor, url: str, **fields: Any) -> dict[str, Any]:
    response = actor.post(WEBHOOKS, json={"url": url} | fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def open_alert(actor: Actor, metric: int, value: str = "50") -> None:
    """Readings far below expectation in the latest closed month: the metric goes off track, an alert opens."""
    months = closed_months(2)
    for period, reading in ((months[0], "80"), (months[1], value)):
        response = actor.post(f"/api/v1/metrics/{metric}/readings", json={"period": period, "value": reading})
        assert response.status_code in (200, 201), response.text
    refresh_queued_metrics()  # what the request's after-response work does; a no-op if it already ran


def dispatch(now: datetime) -> int:
    return dispatch_events(get_engine(), now=now)


def run_due(now: datetime) -> list[DeliveryStatus | None]:
    """One resume round at `now`, then every delivery job it nudged that is due now (as a worker would)."""
    with Session(get_engine()) as session:
        jobs = service.resume(session, now=now)
    due = [job for job in jobs if job.schedule_at is None or job.schedule_at <= now]
    return [service.deliver(job.kwargs["delivery_id"], now=now) for job in due]


def delivery_rows(endpoint_id: int) -> list[WebhookDelivery]:
    with Session(get_engine()) as session:
        statement = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        return list(session.exec(statement.order_by(col(WebhookDelivery.id))).all())


def log_of(actor: Actor, endpoint_id: int) -> list[dict[str, Any]]:
    response = actor.get(f"{WEBHOOKS}/{endpoint_id}/deliveries")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
