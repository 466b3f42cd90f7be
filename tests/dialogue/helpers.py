"""Helpers shared by the tests of the alert dialogue, corrective plans and action items: an alert to talk about,
and the vendor's people."""

from __future__ import annotations

from typing import Any

import httpx

from app.background import dispatch_events
from app.db import get_engine
from tests.support import Actor, closed_months

API = "/api/v1"


def open_alert(manager: Actor, metric: int) -> dict[str, Any]:
    """Two months on target, then one 25 % short: a high performance alert, assigned to the contract's manager."""
    months = closed_months(3)
    for period, value in zip(months, ("81", "80", "60"), strict=True):
        response = manager.post(f"{API}/metrics/{metric}/readings", json={"period": period, "value": value})
        assert response.status_code in (200, 201), response.text
    alerts = manager.get(f"{API}/alerts", params={"metric_id": metric, "kind": "performance"}).json()["items"]
    assert len(alerts) == 1, alerts
    return dict(alerts[0])


def inbox(actor: Actor) -> list[dict[str, Any]]:
    """The actor's notifications, after every event so far was dispatched."""
    dispatch_events(get_engine())
    response = actor.get(f"{API}/notifications")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def patch_item(actor: Actor, item_id: int, changes: dict[str, Any]) -> httpx.Response:
    """PATCH an action item as a careful client does (If-Match from a fresh read, as the same actor)."""
    return actor.update(f"{API}/action-items/{item_id}", changes)
