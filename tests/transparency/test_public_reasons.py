"""Residents read why a metric has its status in numbers they can check (the reading, the expected value, the
target), never the tolerance bands or escalation rules the city keeps to itself."""

from __future__ import annotations

from tests.support import Actor, City

API = "/api/v1"


def test_public_reasons_are_built_from_published_fields_only(admin: Actor, resident: Actor, city: City) -> None:
    metric = f"{API}/metrics/{city.pothole_metric}"
    assert admin.update(metric, {"at_risk_tolerance": "17.5", "off_track_tolerance": "23.25"}).status_code == 200
    for month, value in (("2025-08", "41"), ("2025-09", "43"), ("2025-10", "44")):
        assert admin.post(f"{metric}/readings", json={"period": month, "value": value}).status_code == 201

    staff = admin.get(f"{metric}/status").json()
    public = resident.get(f"/public/v1/contracts/{city.pothole_contract}").json()
    (published,) = [m for goal in public["goals"] for m in goal["metrics"] if m["id"] == city.pothole_metric]

    staff_text = " ".join(r["message"] for r in staff["reasons"])
    public_text = " ".join(r["message"] for r in published["reasons"])
    assert "band 23.25" in staff_text  # the city's own view keeps the rule that decided
    assert public_text and "below the expected" in public_text
    assert "band" not in public_text and "17.5" not in public_text and "23.25" not in public_text
