"""Helpers for the readings tests: posting readings, reading history back, counting audit entries."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.support import Actor, created

API = "/api/v1"
BATCH = f"{API}/readings/batch"
IMPORT = f"{API}/readings/import"
LOCKS = f"{API}/period-locks"
CSV = {"Content-Type": "text/csv"}


def readings_url(metric_id: int) -> str:
    return f"{API}/metrics/{metric_id}/readings"


def post_reading(actor: Actor, metric_id: int, headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
    return actor.post(readings_url(metric_id), json=body, headers=headers or {})


def post_batch(actor: Actor, items: list[dict[str, Any]], **kwargs: Any) -> httpx.Response:
    return actor.post(BATCH, json={"readings": items}, **kwargs)


def import_csv(actor: Actor, text: str | bytes, **params: Any) -> httpx.Response:
    content = text.encode() if isinstance(text, str) else text
    return actor.post(IMPORT, content=content, headers=CSV, params=params)


def reading(actor: Actor, reading_id: int) -> dict[str, Any]:
    response = actor.get(f"{API}/readings/{reading_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def readings_of(actor: Actor, metric_id: int) -> list[dict[str, Any]]:
    response = actor.get(readings_url(metric_id), params={"limit": 200})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def values_by_period(actor: Actor, metric_id: int) -> dict[str, str]:
    """The current value of each period of a metric, keyed by period start."""
    return {item["period_start"]: item["value"] for item in readings_of(actor, metric_id)}


def audit_of(admin: Actor, **query: Any) -> list[dict[str, Any]]:
    response = admin.get(f"{API}/audit", params={"limit": 200, **query})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def reading_audit_count(admin: Actor) -> int:
    response = admin.get(f"{API}/audit", params={"entity": "reading", "limit": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def lock_periods(actor: Actor, locked_through: str, reason: str, award_id: int | None = None) -> int:
    body: dict[str, Any] = {"locked_through": locked_through, "reason": reason}
    if award_id is not None:
        body["award_id"] = award_id
    return created(actor.post(LOCKS, json=body))


def next_month(today: date | None = None) -> str:
    """The label of the month after this one: a period that has not started yet."""
    today = today or date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


def outcomes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["outcome"] for item in response.json()["items"]]


def problem_fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]
