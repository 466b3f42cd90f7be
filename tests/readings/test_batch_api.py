"""Batches of readings from ERPs and vendors: POST /readings/batch."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.readings.helpers import (
    API,
    BATCH,
    outcomes,
    post_batch,
    problem_fields,
    reading,
    reading_audit_count,
    readings_of,
    values_by_period,
)
from tests.support import Actor, City, assert_problem, contract_payload, created, metric_payload


def pothole(period: str, value: str, **extra: Any) -> dict[str, Any]:
    """A reading addressed the way a city ERP does: by purchase order number and metric code."""
    return {"contract_external_id": "PO-4500012345", "metric_code": "POT-48H", "period": period, "value": value} | extra


def housed(period: str, value: str, **extra: Any) -> dict[str, Any]:
    """A reading addressed the way the grants system does: by grant number and metric code."""
    return {"grant_external_id": "GR-2025-031", "metric_code": "HOUSED", "period": period, "value": value} | extra


def test_an_erp_posts_a_mixed_batch_and_gets_an_outcome_per_item(admin: Actor, city: City) -> None:
    items = [
        pothole("2026-01", "81"),
        pothole("2026-02", "83.5"),
        {"metric_id": city.pothole_metric, "period_start": "2026-03-01", "period_end": "2026-03-31", "value": "85"},
        housed("2025-10", "4"),
        {"metric_id": city.rehousing_metric, "period": "2025-11", "value": "6"},
    ]

    response = post_batch(admin, items)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["committed"] is True
    assert body["summary"] == {"created": 5, "unchanged": 0, "corrected": 0, "rejected": 0}
    assert [item["index"] for item in body["items"]] == [0, 1, 2, 3, 4]
    assert [item["metric_id"] for item in body["items"]] == [city.pothole_metric] * 3 + [city.rehousing_metric] * 2
    assert [item["period_start"] for item in body["items"]] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2025-10-01",
        "2025-11-01",
    ]
    assert all(item["reading_id"] for item in body["items"])
    assert values_by_period(admin, city.pothole_metric) == {
        "2026-01-01": "81",
        "2026-02-01": "83.5",
        "2026-03-01": "85",
    }
    assert values_by_period(admin, city.rehousing_metric) == {"2025-10-01": "4", "2025-11-01": "6"}
    assert reading(admin, body["items"][3]["reading_id"])["source"] == "manual"  # an admin typed it in


def test_a_resent_batch_with_one_changed_value_corrects_only_that_reading(admin: Actor, city: City) -> None:
    first = post_batch(admin, [pothole("2026-01", "81"), pothole("2026-02", "83.5"), housed("2025-10", "4")])
    ids = [item["reading_id"] for item in first.json()["items"]]

    second = post_batch(admin, [pothole("2026-01", "81.000"), pothole("2026-02", "79"), housed("2025-10", "4")])

    assert outcomes(second) == ["unchanged", "corrected", "unchanged"]
    assert second.json()["summary"] == {"created": 0, "unchanged": 2, "corrected": 1, "rejected": 0}
    assert [item["reading_id"] for item in second.json()["items"]] == ids
    assert [rev["value"] for rev in reading(admin, ids[1])["history"]] == ["83.5", "79"]
    assert len(reading(admin, ids[0])["history"]) == 1
    assert reading_audit_count(admin) == 4  # three created, one corrected


def test_one_bad_item_rejects_the_whole_batch_and_writes_nothing(admin: Actor, city: City) -> None:
    post_batch(admin, [pothole("2026-01", "81")])
    audit_before = reading_audit_count(admin)
    items = [
        pothole("2026-01", "70"),  # would be a correction
        pothole("2026-02", "150"),  # above 100 percent
        pothole("2026-03", "eighty-five"),  # not a number
        housed("2025-10", "4"),  # fine on its own
        pothole("2026-Q2", "85"),  # a quarter for a monthly metric
    ]

    response = post_batch(admin, items)

    problem = assert_problem(response, 422)
    assert problem_fields(response) == ["body.readings.1.value", "body.readings.2.value", "body.readings.4.period"]
    assert "3 of 5 readings were rejected" in problem["detail"]
    assert "above the metric's maximum 100" in problem["errors"][0]["message"]
    assert values_by_period(admin, city.pothole_metric) == {"2026-01-01": "81"}
    assert readings_of(admin, city.rehousing_metric) == []
    assert reading_audit_count(admin) == audit_before


def test_accept_valid_writes_the_good_items_and_reports_the_bad_ones(admin: Actor, city: City) -> None:
    items = [
        pothole("2026-01", "81"),
        pothole("2026-02", "150"),
        pothole("2026-03", "eighty-five"),
        housed("2025-10", "4"),
        housed("2025-08", "1"),  # before the grant started
    ]

    response = post_batch(admin, items, params={"mode": "accept_valid"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {"created": 2, "unchanged": 0, "corrected": 0, "rejected": 3}
    assert outcomes(response) == ["created", "rejected", "rejected", "created", "rejected"]
    rejected = {item["index"]: (item["field"], item["reading_id"]) for item in body["items"] if item["field"]}
    assert rejected == {1: ("value", None), 2: ("value", None), 4: ("period", None)}
    assert "outside the term" in body["items"][4]["reason"]
    assert values_by_period(admin, city.pothole_metric) == {"2026-01-01": "81"}
    assert values_by_period(admin, city.rehousing_metric) == {"2025-10-01": "4"}
    assert reading_audit_count(admin) == 2


def test_the_same_period_twice_in_one_batch_is_rejected(admin: Actor, city: City) -> None:
    items = [
        pothole("2026-01", "81"),
        {"metric_id": city.pothole_metric, "period_start": "2026-01-01", "period_end": "2026-01-31", "value": "82"},
        pothole("2026-02", "83"),
    ]

    all_or_nothing = post_batch(admin, items)
    assert_problem(all_or_nothing, 422)
    assert problem_fields(all_or_nothing) == ["body.readings.0.period", "body.readings.1.period"]
    assert readings_of(admin, city.pothole_metric) == []

    accept_valid = post_batch(admin, items, params={"mode": "accept_valid"})
    assert outcomes(accept_valid) == ["rejected", "rejected", "created"]
    assert "more than once" in accept_valid.json()["items"][0]["reason"]
    assert values_by_period(admin, city.pothole_metric) == {"2026-02-01": "83"}  # neither January value was guessed


UNRESOLVABLE: dict[str, tuple[dict[str, Any], str, str]] = {
    "unknown contract": (
        {"contract_external_id": "PO-0000000000", "metric_code": "POT-48H"},
        "contract_external_id",
        "PO-0000000000",
    ),
    "unknown code": ({"contract_external_id": "PO-4500012345", "metric_code": "NOPE"}, "contract_external_id", "NOPE"),
    "a contract named as a grant": (
        {"grant_external_id": "PO-4500012345", "metric_code": "POT-48H"},
        "grant_external_id",
        "grant",
    ),
    "a grant named as a contract": (
        {"contract_external_id": "GR-2025-031", "metric_code": "HOUSED"},
        "contract_external_id",
        "contract",
    ),
    "unknown metric id": ({"metric_id": 999_999}, "metric_id", "no metric with id 999999"),
    "metric id and external id": (
        {"metric_id": 1, "contract_external_id": "PO-4500012345", "metric_code": "POT-48H"},
        "metric_id",
        "not both",
    ),
    "no code": ({"contract_external_id": "PO-4500012345"}, "metric_code", "metric_code"),
    "code only": ({"metric_code": "POT-48H"}, "metric_code", "contract_external_id"),
    "contract and grant": (
        {"contract_external_id": "PO-4500012345", "grant_external_id": "GR-2025-031", "metric_code": "POT-48H"},
        "metric_code",
        "one of",
    ),
    "no metric at all": ({}, "metric_code", "metric_id"),
}


def test_an_item_whose_metric_cannot_be_found_is_rejected(admin: Actor, city: City) -> None:
    cases = list(UNRESOLVABLE.items())
    items = [pothole("2026-01", "81")] + [item | {"period": "2026-02", "value": "5"} for _, (item, _, _) in cases]

    response = post_batch(admin, items)

    assert_problem(response, 422)
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [
        f"body.readings.{n}.{field}" for n, (_, (_, field, _)) in enumerate(cases, start=1)
    ]
    for (case, (_, _, words)), error in zip(cases, errors, strict=True):
        assert words in error["message"], case
    assert readings_of(admin, city.pothole_metric) == []
    assert readings_of(admin, city.rehousing_metric) == []


def test_a_metric_of_a_procurement_not_yet_awarded_is_rejected(
    admin: Actor, city: City, procurement_metric: int
) -> None:
    items = [pothole("2026-01", "81"), {"metric_id": procurement_metric, "period": "2026-01", "value": "50"}]

    response = post_batch(admin, items, params={"mode": "accept_valid"})

    assert outcomes(response) == ["created", "rejected"]
    rejected = response.json()["items"][1]
    assert (rejected["field"], rejected["metric_id"]) == ("metric_id", procurement_metric)
    assert "procurement" in rejected["reason"]
    assert readings_of(admin, procurement_metric) == []


def test_malformed_items_are_reported_by_position(admin: Actor, city: City) -> None:
    items: list[Any] = [
        pothole("2026-01", "81"),
        42,
        pothole("2026-02", "82", colour="blue"),
        pothole("2026-03", "NaN"),
        pothole("2026-04", "83", source="fax"),
    ]

    response = post_batch(admin, items)

    assert_problem(response, 422)
    assert problem_fields(response) == [
        "body.readings.1.item",
        "body.readings.2.colour",
        "body.readings.3.value",
        "body.readings.4.source",
    ]
    assert readings_of(admin, city.pothole_metric) == []


@pytest.mark.parametrize(
    "body",
    [{"readings": []}, {}, {"readings": None}, {"readings": [], "mode": "accept_valid"}],
    ids=["empty", "missing", "null", "extra-key"],
)
def test_a_batch_without_readings_is_rejected(admin: Actor, body: dict[str, Any]) -> None:
    assert_problem(admin.post(BATCH, json=body), 422, "body.readings")


def test_a_batch_of_more_than_ten_thousand_readings_is_rejected(admin: Actor, city: City) -> None:
    items = [{"metric_id": city.pothole_metric, "period": "2026-01", "value": "1"}] * 10_001

    response = post_batch(admin, items)

    problem = assert_problem(response, 422, "body.readings")
    assert "10000" in problem["errors"][0]["message"]
    assert readings_of(admin, city.pothole_metric) == []


def test_an_unknown_mode_is_rejected(admin: Actor, city: City) -> None:
    response = post_batch(admin, [pothole("2026-01", "81")], params={"mode": "best_effort"})
    assert_problem(response, 422, "query.mode")
    assert readings_of(admin, city.pothole_metric) == []


def _weeks(count: int, first_monday: date) -> list[str]:
    labels = []
    for n in range(count):
        year, week, _ = (first_monday + timedelta(weeks=n)).isocalendar()
        labels.append(f"{year}-W{week:02d}")
    return labels


def test_two_thousand_weekly_readings_go_in_one_request(admin: Actor, city: City) -> None:
    contract = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2005-0007",
                title="Street light maintenance",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
                external_id="PO-4500000007",
                start_date="2005-01-01",
                end_date="2030-12-31",
            ),
        )
    )
    goal = created(admin.post(f"{API}/contracts/{contract}/goals", json={"title": "Keep street lights working"}))
    repaired, outages = (
        created(admin.post(f"{API}/goals/{goal}/metrics", json=metric_payload(code=code, cadence="weekly")))
        for code in ("LIGHTS-REPAIRED", "LIGHTS-OUT")
    )
    weeks = _weeks(1000, date(2006, 1, 2))
    items = [{"metric_id": repaired, "period": week, "value": f"{n % 100}.5"} for n, week in enumerate(weeks)]
    items += [
        {"contract_external_id": "PO-4500000007", "metric_code": "LIGHTS-OUT", "period": week, "value": str(n % 50)}
        for n, week in enumerate(weeks)
    ]

    response = post_batch(admin, items)

    assert response.status_code == 200, response.text
    assert response.json()["summary"] == {"created": 2000, "unchanged": 0, "corrected": 0, "rejected": 0}
    assert len({item["reading_id"] for item in response.json()["items"]}) == 2000
    for metric in (repaired, outages):
        listed = admin.get(f"{API}/metrics/{metric}/readings", params={"limit": 1, "order": "desc"}).json()
        assert listed["total"] == 1000
        assert listed["items"][0]["period_start"] == (date(2006, 1, 2) + timedelta(weeks=999)).isoformat()

    again = post_batch(admin, items)
    assert again.json()["summary"] == {"created": 0, "unchanged": 2000, "corrected": 0, "rejected": 0}
    assert reading_audit_count(admin) == 2000
