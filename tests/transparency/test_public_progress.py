"""A resident reads the city's goals and how its contracts and grants are doing, without an account."""

from __future__ import annotations

from typing import Any

from tests.support import Actor, City, assert_problem
from tests.transparency.scenario import (
    READING_NOTE,
    VENDOR_CONTACT,
    VENDOR_EMAIL,
    VENDOR_PHONE,
    Published,
    correct_reading,
)

PUBLIC = "/public/v1"
API = "/api/v1"


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _metrics_by_code(award: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {metric["code"]: metric for goal in award["goals"] for metric in goal["metrics"]}


def test_a_resident_reads_the_public_priorities_and_the_goals_serving_them(
    resident: Actor, city: City, published: Published
) -> None:
    priorities = _ok(resident.get(f"{PUBLIC}/priorities"))

    assert [p["code"] for p in priorities["items"]] == ["vision-zero"]  # the private budget review is not listed
    assert priorities["total"] == 1

    vision_zero = _ok(resident.get(f"{PUBLIC}/priorities/{city.vision_zero}"))
    # The pothole goal serves Vision Zero; so does the draft patrol contract's goal, which is not published yet.
    assert [(g["title"], g["award"]["number"]) for g in vision_zero["goals"]] == [
        ("Repair reported potholes within 48 hours", "C-2026-0142")
    ]
    assert_problem(resident.get(f"{PUBLIC}/priorities/{published.private_priority}"), 404)


def test_a_resident_follows_a_contract_target_baseline_latest_reading_and_status(
    resident: Actor, admin: Actor, city: City, published: Published
) -> None:
    contract = _ok(resident.get(f"{PUBLIC}/contracts/{city.pothole_contract}"))

    assert contract["number"] == "C-2026-0142"
    assert contract["vendor"] == {"id": city.paving_vendor, "legal_name": "Metro Paving Co."}
    assert contract["department"]["name"] == "Department of Transportation"
    assert [g["title"] for g in contract["goals"]] == ["Repair reported potholes within 48 hours"]
    assert contract["goals"][0]["priority"]["code"] == "vision-zero"
    metrics = _metrics_by_code(contract)
    assert set(metrics) == {"POT-48H", "CREW-RESPONSE"}  # not the internal cost, not the private goal's metric

    potholes = metrics["POT-48H"]
    assert (potholes["baseline_value"], potholes["target_value"], potholes["target_date"]) == ("72", "90", "2027-06-30")
    assert potholes["latest_reading"] == {
        "period": "2025-09",
        "period_start": "2025-09-01",
        "period_end": "2025-09-30",
        "value": "79.5",
    }
    # Exactly what staff see on the status endpoint, computed by the same engine.
    staff_view = _ok(admin.get(f"{API}/metrics/{city.pothole_metric}/status"))
    assert potholes["expected_value"] == staff_view["expected_value"]
    assert potholes["performance"] == staff_view["performance"] == "on_track"
    assert potholes["freshness"] == staff_view["freshness"]
    assert potholes["reasons"] == staff_view["reasons"]

    crew = metrics["CREW-RESPONSE"]
    assert (crew["range_min"], crew["range_max"], crew["performance"]) == ("4", "24", "off_track")
    assert contract["performance"] == "off_track"  # the worst verdict on its public metrics' latest readings
    # Nothing has been reported since September 2025: late data never looks green, in the counts either.
    assert (contract["standing"], contract["freshness"], contract["last_reported"]) == (
        "overdue",
        "overdue",
        "2025-09-30",
    )
    assert contract["counts"] == {
        "on_track": 0,
        "at_risk": 0,
        "off_track": 0,
        "overdue": 2,
        "no_data": 0,
        "evaluation_error": 0,
    }


def test_a_resident_sees_one_metric_period_by_period(resident: Actor, city: City, published: Published) -> None:
    metric = _ok(resident.get(f"{PUBLIC}/metrics/{city.pothole_metric}"))

    assert metric["award"]["number"] == "C-2026-0142"
    reported = {p["period"]: (p["actual"], p["status"]) for p in metric["periods"] if p["actual"] is not None}
    assert reported == {"2025-07": ("74", "on_track"), "2025-08": ("77", "on_track"), "2025-09": ("79.5", "on_track")}

    housed = _ok(resident.get(f"{PUBLIC}/metrics/{published.quarterly_metric}"))
    assert housed["interim_targets"] == [{"period": "FY2026-Q4", "value": "70"}]
    fourth_quarter = next(p for p in housed["periods"] if p["period"] == "FY2026-Q4")
    assert fourth_quarter["expected"] == "70"  # the interim target, not the straight line


def test_only_active_and_completed_contracts_and_grants_are_listed(
    resident: Actor, admin: Actor, city: City, published: Published
) -> None:
    contracts = _ok(resident.get(f"{PUBLIC}/contracts"))
    assert [c["number"] for c in contracts["items"]] == ["C-2026-0142"]  # not the draft, not the terminated one
    grants = _ok(resident.get(f"{PUBLIC}/grants"))
    assert [(g["number"], g["vendor"]["legal_name"]) for g in grants["items"]] == [
        ("G-2025-0031", "Safe Haven Housing Alliance")
    ]

    assert admin.update(f"{API}/contracts/{city.pothole_contract}", {"status": "completed"}).status_code == 200
    completed = _ok(resident.get(f"{PUBLIC}/contracts", params={"status": "completed"}))
    assert [c["number"] for c in completed["items"]] == ["C-2026-0142"]
    assert _ok(resident.get(f"{PUBLIC}/contracts", params={"status": "active"}))["items"] == []

    for unpublished in (published.draft_contract, published.terminated_contract):
        assert_problem(resident.get(f"{PUBLIC}/contracts/{unpublished}"), 404)
    assert_problem(resident.get(f"{PUBLIC}/grants/{city.pothole_contract}"), 404)  # a contract is not a grant
    assert_problem(resident.get(f"{PUBLIC}/contracts", params={"status": "draft"}), 422, "query.status")


def test_private_metrics_and_unpublished_work_are_not_found(resident: Actor, published: Published) -> None:
    for metric in (
        published.private_metric,  # marked private
        published.private_goal_metric,  # public, but under a private goal
        published.draft_metric,  # on a draft contract
        published.planning_metric,  # on a procurement: nothing has been awarded yet
    ):
        body = assert_problem(resident.get(f"{PUBLIC}/metrics/{metric}"), 404)
        assert "not published" in body["detail"]


def test_vendor_contacts_notes_and_who_recorded_what_never_appear(
    resident: Actor, city: City, published: Published
) -> None:
    pages = [
        f"{PUBLIC}/priorities",
        f"{PUBLIC}/priorities/{city.vision_zero}",
        f"{PUBLIC}/contracts",
        f"{PUBLIC}/contracts/{city.pothole_contract}",
        f"{PUBLIC}/grants",
        f"{PUBLIC}/grants/{city.rehousing_grant}",
        f"{PUBLIC}/metrics/{city.pothole_metric}",
        f"{PUBLIC}/metrics/{published.range_metric}",
    ]
    responses = [resident.get(page) for page in pages]
    assert [r.status_code for r in responses] == [200] * len(pages)
    text = "\n".join(r.text for r in responses)

    for secret in (VENDOR_EMAIL, VENDOR_PHONE, VENDOR_CONTACT, "1 Asphalt Way", "12-3456789", READING_NOTE):
        assert secret not in text
    for internal in ("user:", "admin@city.example", "Cost per repair", "crew productivity", "Unannounced"):
        assert internal not in text


def test_lists_are_paginated_with_a_cap(resident: Actor, city: City, published: Published) -> None:
    first = _ok(resident.get(f"{PUBLIC}/grants", params={"limit": 1}))
    assert (first["limit"], first["offset"], first["total"]) == (1, 0, 1)
    assert _ok(resident.get(f"{PUBLIC}/grants", params={"offset": 1}))["items"] == []

    assert_problem(resident.get(f"{PUBLIC}/contracts", params={"limit": 201}), 422, "query.limit")
    assert_problem(resident.get(f"{PUBLIC}/contracts", params={"vendor_email": "x"}), 422)
    assert_problem(resident.get(f"{PUBLIC}/contracts", params={"sort": "contact_email"}), 422, "query.sort")
    found = _ok(resident.get(f"{PUBLIC}/contracts", params={"q": "pothole", "sort": "-value"}))
    assert [c["number"] for c in found["items"]] == ["C-2026-0142"]


def test_a_corrected_reading_shows_up_for_residents(
    resident: Actor, admin: Actor, city: City, published: Published
) -> None:
    correct_reading(admin, city.pothole_metric, "2025-09", "61")

    metric = _metrics_by_code(_ok(resident.get(f"{PUBLIC}/contracts/{city.pothole_contract}")))["POT-48H"]
    assert metric["latest_reading"]["value"] == "61"
    assert metric["performance"] == "off_track"
    listed = _ok(resident.get(f"{PUBLIC}/contracts"))["items"][0]
    assert listed["performance"] == "off_track"
    assert listed["counts"]["overdue"] == 2  # still not reported since: late whatever the correction says
