"""Property: contracts, metrics and readings with dates anywhere in the accepted range (1900 to 2199), of any
cadence, never break a read. For each generated portfolio every staff and public read, the sweep and both
exports answer 200 with whole documents."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import get_settings
from app.db import get_engine
from app.periods import EARLIEST_DAY, LATEST_DAY, Cadence, containing, label
from app.status.sweep import sweep
from tests.support import Actor, City, contract_payload, metric_payload

API = "/api/v1"
days = st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY)
SERIALS = itertools.count(1)  # each example's contract needs its own number


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, Any]:
    start, end = sorted((draw(days), draw(days)))
    baseline, target = sorted(draw(st.tuples(days, days).filter(lambda pair: pair[0] != pair[1])))
    cadence = draw(st.sampled_from(list(Cadence)))
    reading_days = draw(st.lists(days, min_size=1, max_size=3))
    return {"term": (start, end), "baseline": baseline, "target": target, "cadence": cadence, "readings": reading_days}


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text[:500]
    return response


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(portfolio=portfolios())
def test_any_dates_in_the_accepted_range_leave_every_read_and_export_working(
    portfolio: dict[str, Any], admin: Actor, anonymous: Actor, city: City
) -> None:
    start, end = portfolio["term"]
    cadence: Cadence = portfolio["cadence"]
    serial = next(SERIALS)
    contract = admin.post(
        f"{API}/contracts",
        json=contract_payload(
            number=f"C-P-{serial}",
            external_id=f"PO-P-{serial}",
            vendor_id=city.paving_vendor,
            department_id=city.transportation,
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        ),
    )
    assert contract.status_code == 201, contract.text
    contract_id = contract.json()["id"]
    goal = admin.post(f"{API}/contracts/{contract_id}/goals", json={"title": "Any dates at all"}).json()["id"]
    metric = admin.post(
        f"{API}/goals/{goal}/metrics",
        json=metric_payload(
            code=f"M-{cadence.value}",
            cadence=cadence.value,
            baseline_date=portfolio["baseline"].isoformat(),
            target_date=portfolio["target"].isoformat(),
        ),
    )
    assert metric.status_code == 201, metric.text
    metric_id = metric.json()["id"]
    today = date.today()
    for day in portfolio["readings"]:
        period = containing(day, cadence)
        if period.end >= today or period.end > LATEST_DAY - timedelta(days=1):
            continue  # a period that has not ended cannot be reported yet
        posted = admin.post(
            f"{API}/metrics/{metric_id}/readings", json={"period": label(period, cadence), "value": "80"}
        )
        assert posted.status_code in (200, 201, 422), posted.text  # 422: outside the contract's term

    summary = sweep(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)
    assert summary is not None
    _ok(admin.get(f"{API}/metrics/{metric_id}/status"))
    _ok(admin.get(f"{API}/contracts/{contract_id}/status"))
    _ok(admin.get(f"{API}/portfolio/status"))
    _ok(admin.get(f"{API}/alerts"))
    _ok(anonymous.get("/public/v1/contracts"))
    _ok(anonymous.get(f"/public/v1/contracts/{contract_id}"))
    _ok(anonymous.get(f"/public/v1/metrics/{metric_id}"))
    assert _ok(admin.get(f"{API}/export/readings.csv")).text.endswith("\n")
    assert _ok(admin.get(f"{API}/export/ocds")).json()["releases"]
