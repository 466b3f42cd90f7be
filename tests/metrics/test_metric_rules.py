"""A metric definition that could never be judged fairly is refused, naming the field to fix."""

from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, created, metric_payload

API = "/api/v1"


def add_metric(actor: Actor, goal_id: int, **overrides: Any) -> Any:
    return actor.post(f"{API}/goals/{goal_id}/metrics", json=metric_payload(code="NEW-METRIC", **overrides))


def metric_count(actor: Actor) -> int:
    return int(actor.get(f"{API}/metrics").json()["total"])


CROSS_FIELD_RULES = [
    pytest.param({"target_value": None}, "body.target_value", id="increase-without-target"),
    pytest.param({"target_date": None}, "body.target_date", id="increase-without-target-date"),
    pytest.param({"direction": "decrease", "target_value": None}, "body.target_value", id="decrease-without-target"),
    pytest.param({"direction": "maintain_range"}, "body.range_min", id="range-without-min"),
    pytest.param({"direction": "maintain_range", "range_min": "10"}, "body.range_max", id="range-without-max"),
    pytest.param(
        {"direction": "maintain_range", "range_min": "90", "range_max": "80"}, "body.range_min", id="range-inverted"
    ),
    pytest.param({"baseline_date": None}, "body.baseline_date", id="baseline-value-without-date"),
    pytest.param({"baseline_value": None}, "body.baseline_value", id="baseline-date-without-value"),
    pytest.param({"target_date": "2025-07-01"}, "body.target_date", id="target-not-after-baseline"),
    pytest.param({"at_risk_tolerance": "20", "off_track_tolerance": "10"}, "body.at_risk_tolerance", id="bands"),
    pytest.param({"valid_min": "50", "valid_max": "40"}, "body.valid_min", id="bounds-inverted"),
    pytest.param({"baseline_value": "-1"}, "body.baseline_value", id="baseline-below-valid-min"),
    pytest.param({"baseline_value": "100.000001"}, "body.baseline_value", id="baseline-above-valid-max"),
    pytest.param({"target_value": "120"}, "body.target_value", id="target-above-valid-max"),
    pytest.param(
        {"interim_targets": [{"period": "2026-01", "value": "101"}]},
        "body.interim_targets.0.value",
        id="interim-outside-bounds",
    ),
    pytest.param(
        {"interim_targets": [{"period": "2026-Q1", "value": "80"}]},
        "body.interim_targets.0.period",
        id="quarter-label-on-monthly-metric",
    ),
    pytest.param(
        {"cadence": "weekly", "interim_targets": [{"period": "2026-09", "value": "80"}]},
        "body.interim_targets.0.period",
        id="month-label-on-weekly-metric",
    ),
    pytest.param(
        {"interim_targets": [{"period": "2026-13", "value": "80"}]},
        "body.interim_targets.0.period",
        id="month-13",
    ),
    pytest.param(
        {"cadence": "weekly", "interim_targets": [{"period": "2025-W53", "value": "80"}]},
        "body.interim_targets.0.period",
        id="week-53-of-a-52-week-year",
    ),
    pytest.param(
        {"interim_targets": [{"period": "2026-01", "value": "80"}, {"period": "2026-01", "value": "82"}]},
        "body.interim_targets.1.period",
        id="duplicate-period",
    ),
    pytest.param(
        {
            "cadence": "quarterly",
            "interim_targets": [{"period": "2026-Q3", "value": "80"}, {"period": "FY2027-Q1", "value": "82"}],
        },
        "body.interim_targets.1.period",
        id="same-quarter-named-two-ways",
    ),
]


@pytest.mark.parametrize(("overrides", "field"), CROSS_FIELD_RULES)
def test_metric_rules_name_the_field_to_fix(buyer: Actor, city: City, overrides: dict[str, Any], field: str) -> None:
    response = add_metric(buyer, city.pothole_goal, **overrides)

    body = assert_problem(response, 422, field)
    assert body["detail"]
    assert metric_count(buyer) == 2


FIELD_TYPES = [
    pytest.param({"shoe_size": 42}, "body.shoe_size", "extra_forbidden", id="unknown-field"),
    pytest.param({"goal_id": 1}, "body.goal_id", "extra_forbidden", id="goal-is-in-the-path"),
    pytest.param({"direction": "up"}, "body.direction", "enum", id="direction"),
    pytest.param({"cadence": "daily"}, "body.cadence", "enum", id="cadence"),
    pytest.param({"tolerance_mode": "fuzzy"}, "body.tolerance_mode", "enum", id="tolerance-mode"),
    pytest.param({"target_value": "ninety"}, "body.target_value", "decimal_parsing", id="target-text"),
    pytest.param({"target_value": "NaN"}, "body.target_value", "finite_number", id="target-nan"),
    pytest.param({"target_value": "1.1234567"}, "body.target_value", "decimal_max_places", id="seven-decimals"),
    pytest.param({"valid_max": "1234567890123"}, "body.valid_max", "decimal_whole_digits", id="thirteen-digits"),
    pytest.param({"target_date": "next year"}, "body.target_date", "date_from_datetime_parsing", id="date"),
    pytest.param({"at_risk_tolerance": "-1"}, "body.at_risk_tolerance", "greater_than_equal", id="negative-band"),
    pytest.param({"grace_days": 367}, "body.grace_days", "less_than_equal", id="grace-days"),
    pytest.param({"escalate_after_periods": 0}, "body.escalate_after_periods", "greater_than_equal", id="escalate"),
    pytest.param({"code": "POT 48H"}, "body.code", "string_pattern_mismatch", id="code-with-space"),
    pytest.param({"unit_code": "p1"}, "body.unit_code", "string_pattern_mismatch", id="unit-code-lowercase"),
    pytest.param({"unit": ""}, "body.unit", "string_too_short", id="unit-empty"),
    pytest.param(
        {"interim_targets": [{"period": "2026-01"}]}, "body.interim_targets.0.value", "missing", id="interim-value"
    ),
    pytest.param(
        {"interim_targets": [{"period": "2026-01", "value": "80", "note": "x"}]},
        "body.interim_targets.0.note",
        "extra_forbidden",
        id="interim-extra",
    ),
    pytest.param(
        {"interim_targets": [{"period": "2026-01", "value": "80"}] * 601},
        "body.interim_targets",
        "too_long",
        id="too-many-interim-targets",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "code"), FIELD_TYPES)
def test_malformed_metric_fields_are_rejected(
    buyer: Actor, city: City, overrides: dict[str, Any], field: str, code: str
) -> None:
    payload = metric_payload(code="NEW-METRIC") | overrides

    body = assert_problem(buyer.post(f"{API}/goals/{city.pothole_goal}/metrics", json=payload), 422, field)

    assert code in [error["code"] for error in body["errors"] if error["field"] == field]
    assert metric_count(buyer) == 2


def test_several_broken_rules_are_reported_together(buyer: Actor, city: City) -> None:
    response = add_metric(
        buyer, city.pothole_goal, target_value=None, at_risk_tolerance="30", valid_min="80", valid_max="10"
    )

    body = assert_problem(response, 422)
    fields = {error["field"] for error in body["errors"]}
    assert {"body.target_value", "body.at_risk_tolerance", "body.valid_min"} <= fields


VALID_DEFINITIONS = [
    pytest.param({"cadence": "weekly", "interim_targets": [{"period": "2026-W53", "value": "80"}]}, id="week-53"),
    pytest.param(
        {
            "cadence": "quarterly",
            "interim_targets": [{"period": "FY2027-Q1", "value": "80"}, {"period": "2026-Q4", "value": "85"}],
        },
        id="fiscal-and-calendar-quarters",
    ),
    pytest.param(
        {
            "cadence": "annual",
            "interim_targets": [{"period": "FY2026", "value": "80"}, {"period": "2026", "value": "85"}],
        },
        id="overlapping-but-distinct-years",
    ),
    pytest.param({"baseline_value": "0", "valid_min": "0"}, id="baseline-on-the-lower-bound"),
    pytest.param({"target_value": "100", "valid_max": "100"}, id="target-on-the-upper-bound"),
    pytest.param({"at_risk_tolerance": "10", "off_track_tolerance": "10"}, id="equal-bands"),
    pytest.param({"baseline_value": None, "baseline_date": None}, id="no-baseline"),
    pytest.param({"tolerance_mode": "absolute", "at_risk_tolerance": "2.5", "off_track_tolerance": "7.5"}, id="abs"),
]


@pytest.mark.parametrize("overrides", VALID_DEFINITIONS)
def test_sound_metric_definitions_are_accepted(buyer: Actor, city: City, overrides: dict[str, Any]) -> None:
    metric_id = created(add_metric(buyer, city.pothole_goal, **overrides))

    assert buyer.get(f"{API}/metrics/{metric_id}").json()["code"] == "NEW-METRIC"
