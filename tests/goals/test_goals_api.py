"""Buyers state what each contract, grant or solicitation is meant to achieve."""

from typing import Any

import pytest

from app.auth.roles import Role
from tests.support import Actor, City, assert_problem, created, metric_payload

API = "/api/v1"


def test_buyer_adds_a_goal_to_a_contract(buyer: Actor, city: City) -> None:
    response = buyer.post(
        f"{API}/contracts/{city.pothole_contract}/goals",
        json={"title": "Keep arterial streets pothole-free", "priority_id": city.vision_zero, "is_public": False},
    )

    goal_id = created(response)
    assert response.headers["Location"] == f"{API}/goals/{goal_id}"
    assert response.headers["ETag"] == '"v1"'
    body = buyer.get(f"{API}/goals/{goal_id}").json()
    assert body["award_id"] == city.pothole_contract
    assert body["procurement_id"] is None
    assert body["source_goal_id"] is None
    assert body["priority_id"] == city.vision_zero
    assert body["is_public"] is False


def test_a_contracts_goals_are_listed_under_it(buyer: Actor, city: City) -> None:
    second = created(buyer.post(f"{API}/contracts/{city.pothole_contract}/goals", json={"title": "Fewer claims"}))

    listed = buyer.get(f"{API}/contracts/{city.pothole_contract}/goals").json()

    assert [item["id"] for item in listed["items"]] == [city.pothole_goal, second]
    assert listed["total"] == 2
    grant_goals = buyer.get(f"{API}/grants/{city.rehousing_grant}/goals").json()["items"]
    assert [item["id"] for item in grant_goals] == [city.rehousing_goal]


def test_buyer_adds_a_goal_to_a_solicitation(buyer: Actor, city: City) -> None:
    url = f"{API}/procurements/{city.pothole_rfp}/goals"

    goal_id = created(buyer.post(url, json={"title": "Cut average repair time"}))

    body = buyer.get(f"{API}/goals/{goal_id}").json()
    assert body["procurement_id"] == city.pothole_rfp
    assert body["award_id"] is None
    assert [item["id"] for item in buyer.get(url).json()["items"]] == [goal_id]


def test_goals_are_found_across_the_portfolio(buyer: Actor, city: City) -> None:
    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in buyer.get(f"{API}/goals", params=params).json()["items"]]

    assert ids() == [city.pothole_goal, city.rehousing_goal]
    assert ids(priority_id=city.vision_zero) == [city.pothole_goal]
    assert ids(award_id=city.rehousing_grant) == [city.rehousing_goal]
    assert ids(q="HOUSING") == [city.rehousing_goal]
    assert ids(sort="-title") == [city.pothole_goal, city.rehousing_goal]


def test_buyer_rewords_a_goal(buyer: Actor, admin: Actor, city: City) -> None:
    url = f"{API}/goals/{city.pothole_goal}"

    response = buyer.update(url, {"title": "Repair reported potholes within 24 hours"})

    assert response.status_code == 200, response.text
    assert buyer.get(url).json()["title"] == "Repair reported potholes within 24 hours"
    entry = admin.get(f"{API}/audit", params={"entity": "goal", "entity_id": city.pothole_goal}).json()["items"][0]
    assert entry["changes"] == {
        "title": ["Repair reported potholes within 48 hours", "Repair reported potholes within 24 hours"]
    }


def test_a_goal_cannot_be_moved_to_another_contract(buyer: Actor, city: City) -> None:
    url = f"{API}/goals/{city.pothole_goal}"

    assert_problem(buyer.update(url, {"award_id": city.rehousing_grant}), 422, "body.award_id")

    assert buyer.get(url).json()["award_id"] == city.pothole_contract


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "body.title", "missing"),
        ({"title": ""}, "body.title", "string_too_short"),
        ({"title": "x" * 301}, "body.title", "string_too_long"),
        ({"title": "Ok", "priority_id": 999999}, "body.priority_id", "unknown_reference"),
        ({"title": "Ok", "priority_id": "vision-zero"}, "body.priority_id", "int_parsing"),
        ({"title": "Ok", "is_public": "perhaps"}, "body.is_public", "bool_type"),
        ({"title": "Ok", "award_id": 1}, "body.award_id", "extra_forbidden"),
    ],
)
def test_invalid_goals_are_rejected_naming_the_field(
    buyer: Actor, city: City, payload: dict[str, Any], field: str, code: str
) -> None:
    body = assert_problem(buyer.post(f"{API}/contracts/{city.pothole_contract}/goals", json=payload), 422, field)

    assert code in [error["code"] for error in body["errors"]]
    assert buyer.get(f"{API}/goals").json()["total"] == 2


def test_goals_are_always_added_through_their_owner(buyer: Actor, city: City) -> None:
    response = buyer.post(f"{API}/goals", json={"title": "Orphan goal"})

    assert_problem(response, 405)


def test_goals_of_unknown_or_mismatched_owners_are_not_found(buyer: Actor, city: City) -> None:
    goal = {"title": "Nowhere"}

    assert_problem(buyer.post(f"{API}/contracts/{city.rehousing_grant}/goals", json=goal), 404)
    assert_problem(buyer.post(f"{API}/grants/{city.pothole_contract}/goals", json=goal), 404)
    assert_problem(buyer.post(f"{API}/procurements/424242/goals", json=goal), 404)
    assert_problem(buyer.get(f"{API}/contracts/{city.rehousing_grant}/goals"), 404)
    assert_problem(buyer.get(f"{API}/goals/424242"), 404)
    assert buyer.get(f"{API}/goals").json()["total"] == 2


def test_a_goal_with_metrics_cannot_be_deleted(buyer: Actor, city: City) -> None:
    body = assert_problem(buyer.delete(f"{API}/goals/{city.pothole_goal}"), 409)

    assert "metrics" in body["detail"]
    assert buyer.get(f"{API}/goals/{city.pothole_goal}").status_code == 200
    assert buyer.get(f"{API}/metrics/{city.pothole_metric}").status_code == 200


def test_a_goal_is_deleted_once_its_metrics_are(buyer: Actor, city: City) -> None:
    assert buyer.delete(f"{API}/metrics/{city.pothole_metric}").status_code == 204

    assert buyer.delete(f"{API}/goals/{city.pothole_goal}").status_code == 204

    assert_problem(buyer.get(f"{API}/goals/{city.pothole_goal}"), 404)
    assert buyer.delete(f"{API}/contracts/{city.pothole_contract}").status_code == 204


def test_a_goal_needs_the_current_etag_to_change(buyer: Actor, city: City) -> None:
    url = f"{API}/goals/{city.pothole_goal}"

    assert_problem(buyer.patch(url, json={"title": "No etag"}), 428)
    assert_problem(buyer.patch(url, json={"title": "Old etag"}, headers={"If-Match": '"v0"'}), 412)

    assert buyer.get(url).json()["title"] == "Repair reported potholes within 48 hours"


def test_a_department_buyer_sees_only_goals_of_its_own_contracts(make_actor: Any, city: City) -> None:
    hsd_buyer = make_actor(Role.procurement_officer, (city.human_services,))

    listed = hsd_buyer.get(f"{API}/goals").json()

    assert [item["id"] for item in listed["items"]] == [city.rehousing_goal]
    assert_problem(hsd_buyer.get(f"{API}/goals/{city.pothole_goal}"), 404)
    assert_problem(hsd_buyer.post(f"{API}/contracts/{city.pothole_contract}/goals", json={"title": "X"}), 404)
    assert_problem(hsd_buyer.post(f"{API}/goals/{city.pothole_goal}/metrics", json=metric_payload(code="OTHER")), 404)
