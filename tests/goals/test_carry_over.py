"""Goals set in a solicitation follow the award into the signed contract."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, contract_payload, created, metric_payload

API = "/api/v1"


@dataclass
class Solicitation:
    city: City
    contract: int  # a contract made from the solicitation, with no goals yet
    response_goal: int  # with two metrics
    safety_goal: int  # with none


@pytest.fixture
def solicitation(buyer: Actor, city: City) -> Solicitation:
    """The pothole RFP gets goals of its own; a second contract is awarded from it."""
    goals = f"{API}/procurements/{city.pothole_rfp}/goals"
    response_goal = created(buyer.post(goals, json={"title": "Fast pothole response", "priority_id": city.vision_zero}))
    safety_goal = created(buyer.post(goals, json={"title": "Safe work zones", "is_public": False}))
    metrics = f"{API}/goals/{response_goal}/metrics"
    created(
        buyer.post(
            metrics,
            json=metric_payload(
                code="RESP-HRS",
                name="Average response time",
                unit="hours",
                unit_code=None,
                direction="decrease",
                baseline_value="72",
                target_value="24",
                valid_max=None,
                interim_targets=[{"period": "2026-06", "value": "48"}],
            ),
        )
    )
    created(buyer.post(metrics, json=metric_payload(code="CLOSED-48H")))
    contract = created(
        buyer.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2026-0600",
                external_id="PO-4500060000",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
                procurement_id=city.pothole_rfp,
            ),
        )
    )
    return Solicitation(city, contract, response_goal, safety_goal)


def carry_over(actor: Actor, contract_id: int) -> Any:
    return actor.post(f"{API}/contracts/{contract_id}/goals/carry-over")


def contract_goals(actor: Actor, contract_id: int) -> list[dict[str, Any]]:
    return list(actor.get(f"{API}/contracts/{contract_id}/goals").json()["items"])


def contract_metrics(actor: Actor, contract_id: int) -> list[dict[str, Any]]:
    return list(actor.get(f"{API}/metrics", params={"award_id": contract_id}).json()["items"])


def test_buyer_carries_the_solicitations_goals_and_metrics_into_the_contract(
    buyer: Actor, solicitation: Solicitation
) -> None:
    response = carry_over(buyer, solicitation.contract)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["already_carried"] == []
    assert [goal["source_goal_id"] for goal in body["created"]] == [
        solicitation.response_goal,
        solicitation.safety_goal,
    ]
    goals = contract_goals(buyer, solicitation.contract)
    assert [(goal["title"], goal["is_public"]) for goal in goals] == [
        ("Fast pothole response", True),
        ("Safe work zones", False),
    ]
    assert {goal["award_id"] for goal in goals} == {solicitation.contract}
    assert {goal["procurement_id"] for goal in goals} == {None}
    assert goals[0]["priority_id"] == solicitation.city.vision_zero

    metrics = contract_metrics(buyer, solicitation.contract)
    assert sorted(metric["code"] for metric in metrics) == ["CLOSED-48H", "RESP-HRS"]
    assert {metric["goal_id"] for metric in metrics} == {goals[0]["id"]}
    assert {metric["procurement_id"] for metric in metrics} == {None}
    response_time = next(metric for metric in metrics if metric["code"] == "RESP-HRS")
    assert response_time["direction"] == "decrease"
    assert Decimal(response_time["target_value"]) == Decimal("24")
    assert [(target["period"], Decimal(target["value"])) for target in response_time["interim_targets"]] == [
        ("2026-06", Decimal("48"))
    ]


def test_the_solicitation_keeps_its_own_goals(buyer: Actor, solicitation: Solicitation) -> None:
    carry_over(buyer, solicitation.contract)

    originals = buyer.get(f"{API}/procurements/{solicitation.city.pothole_rfp}/goals").json()["items"]

    assert [goal["id"] for goal in originals] == [solicitation.response_goal, solicitation.safety_goal]
    assert buyer.get(f"{API}/metrics", params={"procurement_id": solicitation.city.pothole_rfp}).json()["total"] == 2


def test_carrying_over_again_creates_nothing_new(buyer: Actor, solicitation: Solicitation) -> None:
    carry_over(buyer, solicitation.contract)
    goals_before = contract_goals(buyer, solicitation.contract)

    again = carry_over(buyer, solicitation.contract)

    assert again.status_code == 200, again.text
    assert again.json() == {
        "created": [],
        "already_carried": [solicitation.response_goal, solicitation.safety_goal],
    }
    assert contract_goals(buyer, solicitation.contract) == goals_before
    assert len(contract_metrics(buyer, solicitation.contract)) == 2


def test_a_goal_added_to_the_solicitation_later_is_carried_on_the_next_call(
    buyer: Actor, solicitation: Solicitation
) -> None:
    carry_over(buyer, solicitation.contract)
    late = created(
        buyer.post(f"{API}/procurements/{solicitation.city.pothole_rfp}/goals", json={"title": "Local hiring"})
    )

    body = carry_over(buyer, solicitation.contract).json()

    assert [goal["source_goal_id"] for goal in body["created"]] == [late]
    assert body["already_carried"] == [solicitation.response_goal, solicitation.safety_goal]
    assert len(contract_goals(buyer, solicitation.contract)) == 3


def test_a_clashing_metric_code_stops_the_whole_carry_over(buyer: Actor, solicitation: Solicitation) -> None:
    own_goal = created(buyer.post(f"{API}/contracts/{solicitation.contract}/goals", json={"title": "Own"}))
    created(buyer.post(f"{API}/goals/{own_goal}/metrics", json=metric_payload(code="RESP-HRS")))

    response = carry_over(buyer, solicitation.contract)

    body = assert_problem(response, 409)
    assert "RESP-HRS" in body["detail"]
    assert [goal["id"] for goal in contract_goals(buyer, solicitation.contract)] == [own_goal]
    assert len(contract_metrics(buyer, solicitation.contract)) == 1


def test_carried_goals_and_metrics_are_audited(buyer: Actor, admin: Actor, solicitation: Solicitation) -> None:
    body = carry_over(buyer, solicitation.contract).json()

    for goal in body["created"]:
        entries = admin.get(f"{API}/audit", params={"entity": "goal", "entity_id": goal["id"]}).json()["items"]
        assert [entry["action"] for entry in entries] == ["create"]
        assert entries[0]["changes"]["source_goal_id"] == [None, goal["source_goal_id"]]
        assert entries[0]["actor"] == f"user:{buyer.user_id}"
    for metric in contract_metrics(buyer, solicitation.contract):
        entries = admin.get(f"{API}/audit", params={"entity": "metric", "entity_id": metric["id"]}).json()["items"]
        assert entries[0]["changes"]["award_id"] == [None, solicitation.contract]


def test_an_award_not_made_from_a_solicitation_has_nothing_to_carry(buyer: Actor, city: City) -> None:
    response = buyer.post(f"{API}/grants/{city.rehousing_grant}/goals/carry-over")

    body = assert_problem(response, 422)
    assert body["errors"][0]["code"] == "no_procurement"
    assert len(buyer.get(f"{API}/grants/{city.rehousing_grant}/goals").json()["items"]) == 1


def test_carry_over_into_an_unknown_or_mismatched_award_is_not_found(buyer: Actor, city: City) -> None:
    assert_problem(carry_over(buyer, city.rehousing_grant), 404)
    assert_problem(carry_over(buyer, 424242), 404)
    assert_problem(carry_over(buyer, 99999999999), 422, "path.id")


def test_viewers_cannot_carry_goals_over(viewer: Actor, solicitation: Solicitation) -> None:
    assert_problem(carry_over(viewer, solicitation.contract), 403)

    assert contract_goals(viewer, solicitation.contract) == []


def test_a_solicitation_goal_cannot_be_deleted_while_it_has_metrics(buyer: Actor, solicitation: Solicitation) -> None:
    assert_problem(buyer.delete(f"{API}/goals/{solicitation.response_goal}"), 409)

    assert buyer.delete(f"{API}/goals/{solicitation.safety_goal}").status_code == 204


def test_a_solicitation_goal_that_was_carried_over_explains_why_it_cannot_be_deleted(
    buyer: Actor, solicitation: Solicitation
) -> None:
    carry_over(buyer, solicitation.contract)

    body = assert_problem(buyer.delete(f"{API}/goals/{solicitation.safety_goal}"), 409)

    assert "carried" in body["detail"]
    assert buyer.get(f"{API}/goals/{solicitation.safety_goal}").status_code == 200
