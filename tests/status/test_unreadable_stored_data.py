"""Records stored before the accepted date range existed (or written straight into the database) can no longer
break everyone's reads: a metric that cannot be evaluated shows `evaluation_error`, is logged and counted, and the
sweep, the lists, the public pages and the exports carry on with every other metric."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.config import get_settings
from app.db import get_engine
from app.metrics.models import Metric
from app.status.sweep import sweep
from tests.support import Actor, City

API = "/api/v1"


@pytest.fixture
def legacy(admin: Actor, city: City, session: Session) -> dict[str, int]:
    """A contract that starts in year 1 with an annual metric, and a monthly metric that ends in 9999, as an
    older version or a direct SQL load could have stored them; plus a real reading on the pothole metric."""
    assert admin.post(f"{API}/metrics/{city.pothole_metric}/readings", json={"period": "2025-08", "value": "41"})
    columns = ", ".join(c.name for c in Metric.__table__.columns if c.name not in ("id", "code"))  # type: ignore[attr-defined]
    session.execute(text("UPDATE award SET start_date = '0001-01-01' WHERE id = :id"), {"id": city.rehousing_grant})
    session.execute(text("UPDATE metric SET cadence = 'annual' WHERE id = :id"), {"id": city.rehousing_metric})
    session.execute(
        text(f"INSERT INTO metric (code, {columns}) SELECT 'OPEN-ENDED', {columns} FROM metric WHERE id = :id"),
        {"id": city.pothole_metric},
    )
    open_ended = session.execute(text("SELECT id FROM metric WHERE code = 'OPEN-ENDED'")).scalar_one()
    session.execute(text("UPDATE metric SET target_date = '9999-12-31' WHERE id = :id"), {"id": open_ended})
    session.commit()
    return {"annual": city.rehousing_metric, "open_ended": open_ended}


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text[:1000]
    return response


def test_the_sweep_evaluates_every_other_metric_and_marks_the_unreadable_one(
    legacy: dict[str, int], admin: Actor, city: City, session: Session
) -> None:
    summary = sweep(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)

    assert summary is not None and summary.metrics == 3
    statuses = dict(session.execute(text("SELECT metric_id, performance FROM metric_status")).all())
    assert statuses[legacy["annual"]] == "evaluation_error"
    assert statuses[city.pothole_metric] == "off_track"
    status = _ok(admin.get(f"{API}/metrics/{legacy['annual']}/status")).json()
    assert status["performance"] == "evaluation_error"


def test_staff_and_public_reads_succeed_around_an_unreadable_metric(
    legacy: dict[str, int], admin: Actor, anonymous: Actor, city: City
) -> None:
    _ok(admin.get(f"{API}/grants/{city.rehousing_grant}/status"))
    _ok(admin.get(f"{API}/contracts/{city.pothole_contract}/status"))
    _ok(admin.get(f"{API}/portfolio/status"))
    _ok(anonymous.get("/public/v1/grants"))
    _ok(anonymous.get(f"/public/v1/grants/{city.rehousing_grant}"))
    _ok(anonymous.get("/public/v1/contracts"))
    _ok(anonymous.get(f"/public/v1/metrics/{legacy['annual']}"))


def test_the_exports_are_complete_around_an_unreadable_metric(legacy: dict[str, int], admin: Actor, city: City) -> None:
    csv = _ok(admin.get(f"{API}/export/readings.csv")).text
    assert "POT-48H" in csv and csv.endswith("\n")

    package = _ok(admin.get(f"{API}/export/ocds")).json()  # whole JSON: the stream did not stop half-way
    (pothole,) = [r for r in package["releases"] if r["ocid"].endswith(f"-procurement-{city.pothole_rfp}")]
    codes = [m["id"] for m in pothole["contracts"][0]["agreedMetrics"]]
    assert str(city.pothole_metric) in codes and str(legacy["open_ended"]) not in codes  # left out, not the rest
