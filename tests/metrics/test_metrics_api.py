"""Buyers define how each goal is measured: baseline, target, cadence and tolerance bands."""

from decimal import Decimal
from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, created, metric_payload

API = "/api/v1"


def add_metric(actor: Actor, goal_id: int, **overrides: Any) -> Any:
    return actor.post(f"{API}/goals/{goal_id}/metrics", json=metric_payload(**overrides))


def test_buyer_adds_a_metric_to_a_contract_goal(buyer: Actor, city: City) -> None:
    response = add_metric(
        buyer,
        city.pothole_goal,
        code="CLAIMS",
        name="Vehicle damage claims",
        unit="claims",
        unit_code=None,
        direction="decrease",
        baseline_value="140",
        target_value="60.5",
        valid_max=None,
        cadence="quarterly",
        interim_targets=[{"period": "FY2026-Q3", "value": "120"}, {"period": "2026-Q3", "value": "100"}],
        data_source="Risk management claims ledger",
    )

    metric_id = created(response)
    assert response.headers["Location"] == f"{API}/metrics/{metric_id}"
    body = buyer.get(f"{API}/metrics/{metric_id}").json()
    assert body["goal_id"] == city.pothole_goal
    assert body["award_id"] == city.pothole_contract
    assert body["procurement_id"] is None
    assert body["direction"] == "decrease"
    assert body["cadence"] == "quarterly"
    assert Decimal(body["baseline_value"]) == Decimal("140")
    assert Decimal(body["target_value"]) == Decimal("60.5")
    assert [target["period"] for target in body["interim_targets"]] == ["FY2026-Q3", "2026-Q3"]
    assert body["grace_days"] == 15
    assert body["escalate_after_periods"] == 3
    assert body["tolerance_mode"] == "percent"


def test_a_metric_can_hold_a_range_instead_of_a_target(buyer: Actor, city: City) -> None:
    response = add_metric(
        buyer,
        city.pothole_goal,
        code="CREW-UTIL",
        name="Crew utilisation",
        direction="maintain_range",
        target_value=None,
        target_date=None,
        range_min="75",
        range_max="95",
    )

    body = buyer.get(f"{API}/metrics/{created(response)}").json()
    assert (Decimal(body["range_min"]), Decimal(body["range_max"])) == (Decimal(75), Decimal(95))
    assert body["target_value"] is None


def test_a_goals_metrics_are_listed_under_it(buyer: Actor, city: City) -> None:
    second = created(add_metric(buyer, city.pothole_goal, code="POT-7D", name="Potholes repaired within 7 days"))

    listed = buyer.get(f"{API}/goals/{city.pothole_goal}/metrics").json()

    assert [item["id"] for item in listed["items"]] == [city.pothole_metric, second]
    other = buyer.get(f"{API}/goals/{city.rehousing_goal}/metrics").json()["items"]
    assert [item["id"] for item in other] == [city.rehousing_metric]


def test_metrics_are_found_across_the_portfolio(buyer: Actor, city: City) -> None:
    weekly = created(
        add_metric(
            buyer, city.pothole_goal, code="CALLS", name="311 pothole calls", cadence="weekly", direction="decrease"
        )
    )

    def ids(**params: Any) -> list[int]:
        response = buyer.get(f"{API}/metrics", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids(award_id=city.pothole_contract) == [city.pothole_metric, weekly]
    assert ids(award_id=city.rehousing_grant) == [city.rehousing_metric]
    assert ids(code="HOUSED") == [city.rehousing_metric]
    assert ids(direction="decrease") == [weekly]
    assert ids(cadence="weekly") == [weekly]
    assert ids(q="households") == [city.rehousing_metric]
    assert ids(q="pot-48") == [city.pothole_metric]
    assert ids(sort="-code") == [city.pothole_metric, city.rehousing_metric, weekly]
    assert_problem(buyer.get(f"{API}/metrics", params={"cadence": "daily"}), 422, "query.cadence")


def test_buyer_raises_a_target_and_the_audit_log_keeps_the_old_one(buyer: Actor, admin: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"

    response = buyer.update(url, {"target_value": "95.5", "off_track_tolerance": "12"})

    assert response.status_code == 200, response.text
    assert Decimal(response.json()["target_value"]) == Decimal("95.5")
    entry = admin.get(f"{API}/audit", params={"entity": "metric", "entity_id": city.pothole_metric}).json()["items"][0]
    assert entry["action"] == "update"
    assert set(entry["changes"]) == {"target_value", "off_track_tolerance"}
    before, after = entry["changes"]["target_value"]
    assert (Decimal(before), Decimal(after)) == (Decimal("90"), Decimal("95.5"))


def test_json_numbers_in_exponent_notation_come_back_in_plain_notation(buyer: Actor, admin: Actor, city: City) -> None:
    response = add_metric(
        buyer,
        city.pothole_goal,
        code="PLAIN",
        baseline_value=7.2e1,
        interim_targets=[{"period": "2026-01", "value": 8e1}, {"period": "2026-02", "value": 8.25e1}],
    )

    metric_id = created(response)
    body = buyer.get(f"{API}/metrics/{metric_id}").json()
    assert body["baseline_value"] == "72"
    assert [target["value"] for target in body["interim_targets"]] == ["80", "82.5"]
    entry = admin.get(f"{API}/audit", params={"entity": "metric", "entity_id": metric_id}).json()["items"][0]
    assert [target["value"] for target in entry["changes"]["interim_targets"][1]] == ["80", "82.5"]
    assert entry["changes"]["baseline_value"] == [None, "72"]


def test_buyer_deletes_a_metric(buyer: Actor, admin: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"

    assert buyer.delete(url).status_code == 204

    assert_problem(buyer.get(url), 404)
    entry = admin.get(f"{API}/audit", params={"entity": "metric", "entity_id": city.pothole_metric}).json()["items"][0]
    assert entry["action"] == "delete"
    assert entry["changes"]["code"] == ["POT-48H", None]


def test_metric_codes_are_unique_within_a_contract(buyer: Actor, city: City) -> None:
    other_goal = created(buyer.post(f"{API}/contracts/{city.pothole_contract}/goals", json={"title": "Quality"}))

    response = add_metric(buyer, other_goal, code="POT-48H")

    body = assert_problem(response, 409, "body.code")
    assert body["errors"][0]["code"] == "duplicate"
    assert buyer.get(f"{API}/metrics", params={"award_id": city.pothole_contract}).json()["total"] == 1


def test_the_same_metric_code_is_fine_on_another_contract_or_grant(buyer: Actor, city: City) -> None:
    metric_id = created(add_metric(buyer, city.rehousing_goal, code="POT-48H", valid_max=None))

    assert buyer.get(f"{API}/metrics/{metric_id}").json()["award_id"] == city.rehousing_grant
    assert buyer.get(f"{API}/metrics", params={"code": "POT-48H"}).json()["total"] == 2


def test_metric_codes_are_unique_within_a_solicitation(buyer: Actor, city: City) -> None:
    goal = created(buyer.post(f"{API}/procurements/{city.pothole_rfp}/goals", json={"title": "Response"}))
    created(add_metric(buyer, goal, code="POT-48H"))

    assert_problem(add_metric(buyer, goal, code="POT-48H"), 409, "body.code")


def test_recoding_a_metric_onto_a_taken_code_is_a_conflict(buyer: Actor, city: City) -> None:
    second = created(add_metric(buyer, city.pothole_goal, code="POT-7D"))

    assert_problem(buyer.update(f"{API}/metrics/{second}", {"code": "POT-48H"}), 409, "body.code")

    assert buyer.get(f"{API}/metrics/{second}").json()["code"] == "POT-7D"


def test_changing_the_cadence_must_keep_interim_targets_valid(buyer: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"
    assert buyer.update(url, {"interim_targets": [{"period": "2026-01", "value": "80"}]}).status_code == 200

    response = buyer.update(url, {"cadence": "quarterly"})

    assert_problem(response, 422, "body.interim_targets.0.period")
    assert buyer.get(url).json()["cadence"] == "monthly"
    both = buyer.update(url, {"cadence": "quarterly", "interim_targets": [{"period": "2026-Q1", "value": "80"}]})
    assert both.status_code == 200, both.text


def test_switching_to_a_range_metric_needs_the_range(buyer: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"

    body = assert_problem(buyer.update(url, {"direction": "maintain_range"}), 422, "body.range_min")

    assert "body.range_max" in [error["field"] for error in body["errors"]]
    assert buyer.get(url).json()["direction"] == "increase"


@pytest.mark.parametrize("field", ["code", "name", "unit", "direction", "cadence", "at_risk_tolerance", "grace_days"])
def test_clearing_a_required_metric_field_is_rejected(buyer: Actor, city: City, field: str) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"
    before = buyer.get(url).json()

    assert_problem(buyer.update(url, {field: None}), 422, f"body.{field}")

    assert buyer.get(url).json() == before


def test_clearing_the_target_of_an_increase_metric_is_rejected(buyer: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"

    assert_problem(buyer.update(url, {"target_value": None}), 422, "body.target_value")

    assert Decimal(buyer.get(url).json()["target_value"]) == Decimal(90)


def test_metrics_need_the_current_etag_to_change(buyer: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"

    assert_problem(buyer.patch(url, json={"name": "No etag"}), 428)
    assert buyer.update(url, {"name": "Renamed"}).status_code == 200
    assert_problem(buyer.patch(url, json={"name": "Stale"}, headers={"If-Match": '"v1"'}), 412)

    assert buyer.get(url).json()["name"] == "Renamed"


def test_metrics_of_unknown_goals_are_not_found(buyer: Actor) -> None:
    assert_problem(add_metric(buyer, 424242), 404)
    assert_problem(buyer.get(f"{API}/goals/424242/metrics"), 404)
    assert_problem(buyer.get(f"{API}/metrics/424242"), 404)


def test_metrics_are_always_added_through_their_goal(buyer: Actor) -> None:
    assert_problem(buyer.post(f"{API}/metrics", json=metric_payload()), 405)


def test_viewers_read_metrics_but_cannot_define_them(viewer: Actor, city: City) -> None:
    assert viewer.get(f"{API}/metrics/{city.pothole_metric}").status_code == 200

    assert_problem(add_metric(viewer, city.pothole_goal, code="NEW"), 403)


def test_a_decimal_string_must_be_written_out(buyer: Actor, city: City) -> None:
    response = add_metric(buyer, city.pothole_goal, code="EXP", baseline_value="7.2e1")

    assert_problem(response, 422)
    assert [error["field"] for error in response.json()["errors"]] == ["body.baseline_value"]
