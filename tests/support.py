"""Helpers for tests: signed-in actors, realistic payloads and problem+json assertions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.db import utcnow
from app.periods import Cadence, containing, label, periods_between


@dataclass
class Actor:
    """An HTTP client signed in as one user (or anonymous, with no token)."""

    client: TestClient
    headers: dict[str, str] = field(default_factory=dict)
    user_id: int | None = None

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers | kwargs.pop("headers", {})
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def update(self, url: str, changes: dict[str, Any]) -> httpx.Response:
        """PATCH the way a careful client does: read the ETag first, send it as If-Match."""
        current = self.get(url)
        assert current.status_code == 200, current.text
        return self.patch(url, json=changes, headers={"If-Match": current.headers["ETag"]})


@dataclass
class City:
    """A small, realistic portfolio built through the API (ids of what it made)."""

    transportation: int
    human_services: int
    paving_vendor: int
    housing_vendor: int
    vision_zero: int
    pothole_rfp: int
    pothole_contract: int
    rehousing_grant: int
    pothole_goal: int
    pothole_metric: int
    rehousing_goal: int
    rehousing_metric: int


def created(response: httpx.Response) -> int:
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def contract_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "number": "C-2026-0142",
        "title": "Pothole repair services",
        "value": "4800000.00",
        "currency": "USD",
        "start_date": "2025-07-01",
        "end_date": "2027-06-30",
        "status": "active",
        "external_id": "PO-4500012345",
    }
    return payload | overrides


def metric_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "code": "POT-48H",
        "name": "Potholes repaired within 48 hours",
        "unit": "percent",
        "unit_code": "P1",
        "direction": "increase",
        "baseline_value": "72",
        "baseline_date": "2025-07-01",
        "target_value": "90",
        "target_date": "2027-06-30",
        "cadence": "monthly",
        "valid_min": "0",
        "valid_max": "100",
        "at_risk_tolerance": "5",
        "off_track_tolerance": "10",
    }
    return payload | overrides


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and, if given, names this field)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    if field is not None:
        fields = [error["field"] for error in body.get("errors", [])]
        assert field in fields, fields
    return body


def closed_months(count: int) -> list[str]:
    """Labels of the last `count` months that have ended (oldest first)."""
    last_closed = containing(utcnow().date(), Cadence.monthly).start - timedelta(days=1)
    months = periods_between(last_closed - timedelta(days=40 * count), last_closed, Cadence.monthly)
    return [label(p, Cadence.monthly) for p in months[-count:]]
