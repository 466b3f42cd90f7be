"""One reading at a time: POST /metrics/{id}/readings, then its history at GET /readings/{id}."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from app.auth.roles import Role
from tests.readings.helpers import next_month, post_reading, reading, readings_of
from tests.support import Actor, City, assert_problem


def test_a_manager_records_a_monthly_value(manager: Actor, city: City) -> None:
    response = post_reading(manager, city.pothole_metric, period="2026-03", value="87.5", note="March run")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "created"
    assert body["metric_id"] == city.pothole_metric
    assert (body["period_start"], body["period_end"]) == ("2026-03-01", "2026-03-31")
    assert body["value"] == "87.5"
    assert body["source"] == "manual"  # from the credential: city staff typed it in
    assert body["note"] == "March run"
    assert body["revision"] == 1
    assert body["recorded_by"] == f"user:{manager.user_id}"
    assert body["verified_at"] is None

    detail = reading(manager, body["id"])
    assert [(rev["revision"], rev["value"], rev["source"]) for rev in detail["history"]] == [(1, "87.5", "manual")]
    assert readings_of(manager, city.pothole_metric) == [{k: v for k, v in detail.items() if k != "history"}]


def test_the_source_comes_from_the_credential_and_cannot_be_claimed(manager: Actor, city: City) -> None:
    claimed = post_reading(manager, city.pothole_metric, period="2026-03", value="87.5", source="erp")

    problem = assert_problem(claimed, 422)
    assert "cannot be claimed as erp" in problem["detail"]
    assert readings_of(manager, city.pothole_metric) == []
    honest = post_reading(manager, city.pothole_metric, period="2026-03", value="87.5", source="manual")
    assert honest.status_code == 201, honest.text


def test_resending_the_same_value_changes_nothing(manager: Actor, city: City) -> None:
    first = post_reading(manager, city.pothole_metric, period="2026-03", value="87.5")
    assert first.status_code == 201, first.text

    again = post_reading(manager, city.pothole_metric, period="2026-03", value="87.50")

    assert again.status_code == 200, again.text
    assert again.json()["outcome"] == "unchanged"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["revision"] == 1
    assert again.json()["version"] == first.json()["version"]
    assert len(reading(manager, first.json()["id"])["history"]) == 1


def test_a_different_value_is_a_correction_that_keeps_the_history(manager: Actor, make_actor: Any, city: City) -> None:
    first = post_reading(manager, city.pothole_metric, period="2026-03", value="87.5")
    reading_id = first.json()["id"]
    analyst = make_actor(Role.contract_manager, (city.transportation,), email="analyst@city.example")

    corrected = post_reading(
        analyst, city.pothole_metric, period="2026-03", value="84.25", source="manual", note="fixed"
    )

    assert corrected.status_code == 200, corrected.text
    body = corrected.json()
    assert (body["outcome"], body["id"], body["value"], body["revision"]) == ("corrected", reading_id, "84.25", 2)
    assert body["recorded_by"] == f"user:{analyst.user_id}"
    history = reading(manager, reading_id)["history"]
    assert [(rev["revision"], rev["value"], rev["source"], rev["recorded_by"], rev["note"]) for rev in history] == [
        (1, "87.5", "manual", f"user:{manager.user_id}", None),
        (2, "84.25", "manual", f"user:{analyst.user_id}", "fixed"),
    ]
    first_at, second_at = (datetime.fromisoformat(rev["recorded_at"]) for rev in history)
    assert first_at.utcoffset() is not None
    assert first_at <= second_at
    assert readings_of(manager, city.pothole_metric)[0]["value"] == "84.25"  # still one reading for March


def test_the_period_may_be_given_as_explicit_dates(manager: Actor, city: City) -> None:
    by_dates = post_reading(
        manager, city.pothole_metric, period_start="2026-02-01", period_end="2026-02-28", value="90"
    )
    assert by_dates.status_code == 201, by_dates.text
    assert (by_dates.json()["period_start"], by_dates.json()["period_end"]) == ("2026-02-01", "2026-02-28")

    by_label = post_reading(manager, city.pothole_metric, period="2026-02", value="90")
    assert by_label.json()["outcome"] == "unchanged"  # the same period, however it is named
    assert by_label.json()["id"] == by_dates.json()["id"]


def test_a_grant_metric_takes_readings_too(admin: Actor, city: City) -> None:
    response = post_reading(admin, city.rehousing_metric, period="2025-10", value="3")
    assert response.status_code == 201, response.text
    assert response.json()["period_start"] == "2025-10-01"


def test_an_unknown_metric_is_not_found(manager: Actor) -> None:
    assert_problem(post_reading(manager, 999_999, period="2026-03", value="80"), 404)


WRONG_PERIODS = {
    "a quarter for a monthly metric": ({"period": "2026-Q1"}, "body.period", "monthly"),
    "month 13": ({"period": "2026-13"}, "body.period", "not a real"),
    "before the term": ({"period": "2025-06"}, "body.period", "outside the term"),
    "dates before the term": ({"period_start": "2025-06-01", "period_end": "2025-06-30"}, "body.period", "outside"),
    "misaligned dates": (
        {"period_start": "2026-02-01", "period_end": "2026-03-01"},
        "body.period_start",
        "not exactly one monthly",
    ),
    "label and dates": (
        {"period": "2026-02", "period_start": "2026-02-01", "period_end": "2026-02-28"},
        "body.period",
        "not both",
    ),
    "start only": ({"period_start": "2026-02-01"}, "body.period", "both period_start and period_end"),
    "no period": ({}, "body.period", "period label"),
}


def test_a_reading_for_a_wrong_period_is_rejected_on_the_precise_field(manager: Actor, city: City) -> None:
    for case, (body, field, words) in WRONG_PERIODS.items():
        problem = assert_problem(post_reading(manager, city.pothole_metric, value="80", **body), 422, field)
        assert words in problem["errors"][0]["message"], case
    assert readings_of(manager, city.pothole_metric) == []


def test_a_period_that_has_not_started_is_rejected(manager: Actor, city: City) -> None:
    problem = assert_problem(
        post_reading(manager, city.pothole_metric, period=next_month(), value="80"), 422, "body.period"
    )
    assert "has not started yet" in problem["errors"][0]["message"]


def test_a_grant_period_before_its_term_is_rejected(admin: Actor, city: City) -> None:
    problem = assert_problem(
        post_reading(admin, city.rehousing_metric, period="2025-08", value="2"), 422, "body.period"
    )
    assert "2025-09-01..2027-08-31" in problem["errors"][0]["message"]


NOT_FINITE_NUMBERS: list[object] = [
    "eighty",
    "",
    "80%",
    "1e400",
    None,
    True,
    [80],
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
]


def test_a_value_that_is_not_a_finite_number_is_rejected(manager: Actor, city: City) -> None:
    for value in NOT_FINITE_NUMBERS:
        response = post_reading(manager, city.pothole_metric, period="2026-03", value=value)
        assert response.status_code == 422, (value, response.text)
        assert_problem(response, 422, "body.value")
    for literal in ("NaN", "Infinity", "-Infinity"):  # JSON extensions Python's parser accepts
        response = manager.post(
            f"/api/v1/metrics/{city.pothole_metric}/readings",
            content=f'{{"period": "2026-03", "value": {literal}}}',
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 422, (literal, response.text)
        assert_problem(response, 422, "body.value")
    assert readings_of(manager, city.pothole_metric) == []


@pytest.mark.parametrize(("value", "words"), [("100.5", "above the metric's maximum 100"), ("-1", "below")])
def test_a_value_outside_the_metric_bounds_is_rejected(manager: Actor, city: City, value: str, words: str) -> None:
    problem = assert_problem(
        post_reading(manager, city.pothole_metric, period="2026-03", value=value), 422, "body.value"
    )
    assert words in problem["errors"][0]["message"]


def test_a_value_with_more_than_six_decimals_is_rejected(manager: Actor, city: City) -> None:
    assert_problem(post_reading(manager, city.pothole_metric, period="2026-03", value="80.1234567"), 422, "body.value")


def test_unknown_fields_are_rejected(manager: Actor, admin: Actor, city: City) -> None:
    body = {"period": "2026-03", "value": "80", "metric_id": city.rehousing_metric}
    response = manager.post(f"/api/v1/metrics/{city.pothole_metric}/readings", json=body)
    assert_problem(response, 422, "body.metric_id")
    assert readings_of(admin, city.rehousing_metric) == []
    assert readings_of(manager, city.pothole_metric) == []


def test_a_metric_of_a_procurement_takes_no_readings(admin: Actor, procurement_metric: int) -> None:
    problem = assert_problem(
        post_reading(admin, procurement_metric, period="2026-03", value="80"), 422, "body.metric_id"
    )
    assert "procurement" in problem["errors"][0]["message"]
