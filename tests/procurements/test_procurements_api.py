"""Procurement officers track solicitations from planning to award."""

from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, contract_payload, created

API = "/api/v1/procurements"


def solicitation(department_id: int, **overrides: Any) -> dict[str, Any]:
    payload = {
        "title": "Street tree planting and establishment",
        "description": "Three-year planting program along arterial streets.",
        "department_id": department_id,
        "method": "ifb",
        "status": "open",
        "estimated_value": "1250000.00",
        "release_date": "2026-01-15",
        "response_due_date": "2026-02-20",
        "expected_award_date": "2026-04-01",
        "external_id": "IFB-26-004",
    }
    return payload | overrides


def test_buyer_opens_a_solicitation_and_reads_it_back(buyer: Actor, city: City) -> None:
    response = buyer.post(API, json=solicitation(city.transportation))

    procurement_id = created(response)
    assert response.headers["Location"] == f"{API}/{procurement_id}"
    body = buyer.get(f"{API}/{procurement_id}").json()
    assert body["method"] == "ifb"
    assert body["status"] == "open"
    assert body["estimated_value"] == "1250000.00"
    assert body["currency"] == "USD"
    assert body["response_due_date"] == "2026-02-20"


def test_buyer_moves_a_solicitation_to_evaluation(buyer: Actor, city: City) -> None:
    procurement_id = created(buyer.post(API, json=solicitation(city.transportation)))

    response = buyer.update(f"{API}/{procurement_id}", {"status": "evaluation"})

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "evaluation"
    assert response.json()["version"] == 2


def test_buyer_filters_solicitations_by_department_status_and_method(buyer: Actor, city: City) -> None:
    trees = created(buyer.post(API, json=solicitation(city.transportation)))
    shelter = created(
        buyer.post(
            API,
            json=solicitation(
                city.human_services,
                title="Emergency shelter operations",
                method="grant_nofo",
                status="planning",
                external_id="NOFO-26-001",
            ),
        )
    )

    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in buyer.get(API, params=params).json()["items"]]

    assert ids(department_id=city.transportation) == [city.pothole_rfp, trees]
    assert ids(department_id=city.human_services) == [shelter]
    assert ids(status="awarded") == [city.pothole_rfp]
    assert ids(method="grant_nofo") == [shelter]
    assert ids(q="SHELTER") == [shelter]
    assert ids(external_id="RFP-25-017") == [city.pothole_rfp]
    assert ids(sort="-estimated_value") == [city.pothole_rfp, trees, shelter]


def test_responses_cannot_be_due_before_the_solicitation_is_released(buyer: Actor, city: City) -> None:
    response = buyer.post(
        API, json=solicitation(city.transportation, release_date="2026-03-01", response_due_date="2026-02-01")
    )

    assert_problem(response, 422, "body.response_due_date")
    assert buyer.get(API, params={"department_id": city.transportation}).json()["total"] == 1


def test_moving_the_release_after_the_due_date_is_rejected_and_changes_nothing(buyer: Actor, city: City) -> None:
    procurement_id = created(buyer.post(API, json=solicitation(city.transportation)))
    url = f"{API}/{procurement_id}"

    assert_problem(buyer.update(url, {"release_date": "2026-03-01"}), 422, "body.response_due_date")

    after = buyer.get(url)
    assert after.json()["release_date"] == "2026-01-15"
    assert after.headers["ETag"] == '"v1"'


def test_a_solicitation_for_an_unknown_department_is_rejected(buyer: Actor) -> None:
    body = assert_problem(buyer.post(API, json=solicitation(999999)), 422, "body.department_id")

    assert body["errors"][0]["code"] == "unknown_reference"


def test_erp_keys_of_solicitations_are_unique(buyer: Actor, city: City) -> None:
    response = buyer.post(API, json=solicitation(city.transportation, external_id="RFP-25-017"))

    assert_problem(response, 409, "body.external_id")
    assert buyer.get(API, params={"external_id": "RFP-25-017"}).json()["total"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"method": "handshake"}, "body.method"),
        ({"status": "done"}, "body.status"),
        ({"estimated_value": "-1.00"}, "body.estimated_value"),
        ({"estimated_value": "10.001"}, "body.estimated_value"),
        ({"estimated_value": "10000000000000000"}, "body.estimated_value"),
        ({"currency": "dollars"}, "body.currency"),
        ({"release_date": "15/01/2026"}, "body.release_date"),
        ({"external_id": "IFB 26 004"}, "body.external_id"),
        ({"department_id": 99999999999}, "body.department_id"),
        ({"budget_code": "X1"}, "body.budget_code"),
    ],
)
def test_invalid_solicitations_are_rejected_naming_the_field(
    buyer: Actor, city: City, changes: dict[str, Any], field: str
) -> None:
    assert_problem(buyer.post(API, json=solicitation(city.transportation) | changes), 422, field)

    assert buyer.get(API).json()["total"] == 1


def test_a_solicitation_needs_a_title_department_and_method(buyer: Actor) -> None:
    body = assert_problem(buyer.post(API, json={}), 422)

    fields = {error["field"] for error in body["errors"]}
    assert {"body.title", "body.department_id", "body.method"} <= fields


def test_a_solicitation_that_led_to_a_contract_cannot_be_deleted(buyer: Actor, city: City) -> None:
    body = assert_problem(buyer.delete(f"{API}/{city.pothole_rfp}"), 409)

    assert "contracts or grants" in body["detail"]
    assert buyer.get(f"{API}/{city.pothole_rfp}").status_code == 200


def test_a_solicitation_with_goals_cannot_be_deleted(buyer: Actor, city: City) -> None:
    procurement_id = created(buyer.post(API, json=solicitation(city.transportation)))
    created(buyer.post(f"{API}/{procurement_id}/goals", json={"title": "Plant 5,000 street trees"}))

    body = assert_problem(buyer.delete(f"{API}/{procurement_id}"), 409)

    assert "goals" in body["detail"]
    assert buyer.get(f"{API}/{procurement_id}").status_code == 200


def test_a_cancelled_solicitation_is_deleted(buyer: Actor, city: City) -> None:
    procurement_id = created(buyer.post(API, json=solicitation(city.transportation, status="cancelled")))

    assert buyer.delete(f"{API}/{procurement_id}").status_code == 204

    assert_problem(buyer.get(f"{API}/{procurement_id}"), 404)


def test_a_contract_from_a_solicitation_belongs_to_the_same_department(buyer: Actor, city: City) -> None:
    response = buyer.post(
        "/api/v1/contracts",
        json=contract_payload(
            number="C-2026-0500",
            external_id=None,
            vendor_id=city.housing_vendor,
            department_id=city.human_services,
            procurement_id=city.pothole_rfp,
        ),
    )

    body = assert_problem(response, 422, "body.procurement_id")
    assert body["errors"][0]["code"] == "department_mismatch"


def test_a_buyer_limited_to_one_department_sees_only_its_solicitations(make_actor: Any, city: City) -> None:
    from app.auth.roles import Role

    hsd_buyer = make_actor(Role.procurement_officer, (city.human_services,))

    assert hsd_buyer.get(API).json()["total"] == 0
    assert_problem(hsd_buyer.get(f"{API}/{city.pothole_rfp}"), 404)
    assert_problem(hsd_buyer.post(API, json=solicitation(city.transportation)), 422, "body.department_id")
    assert created(hsd_buyer.post(API, json=solicitation(city.human_services)))
