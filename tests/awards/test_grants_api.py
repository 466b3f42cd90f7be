"""Grants live beside contracts: same shape, their own numbering, their own endpoint."""

from typing import Any

from tests.support import Actor, City, assert_problem, contract_payload, created

API = "/api/v1/grants"


def new_grant(city: City, **overrides: Any) -> dict[str, Any]:
    return (
        contract_payload(
            number="G-2026-0007",
            title="Youth summer employment",
            value="850000.00",
            external_id="GR-2026-007",
            vendor_id=city.housing_vendor,
            department_id=city.human_services,
            start_date="2026-05-01",
            end_date="2026-09-30",
        )
        | overrides
    )


def test_buyer_records_a_grant_to_a_grantee(buyer: Actor, city: City) -> None:
    response = buyer.post(API, json=new_grant(city))

    grant_id = created(response)
    assert response.headers["Location"] == f"{API}/{grant_id}"
    body = buyer.get(f"{API}/{grant_id}").json()
    assert body["kind"] == "grant"
    assert body["vendor_id"] == city.housing_vendor
    assert body["value"] == "850000.00"


def test_grants_and_contracts_are_listed_apart(buyer: Actor, city: City) -> None:
    grant_id = created(buyer.post(API, json=new_grant(city)))

    grants = buyer.get(API).json()
    contracts = buyer.get("/api/v1/contracts").json()

    assert [item["id"] for item in grants["items"]] == [city.rehousing_grant, grant_id]
    assert {item["kind"] for item in grants["items"]} == {"grant"}
    assert [item["id"] for item in contracts["items"]] == [city.pothole_contract]


def test_a_contract_is_not_found_through_the_grants_endpoint(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    assert_problem(buyer.get(url), 404)
    assert_problem(buyer.patch(url, json={"value": "0.00"}, headers={"If-Match": "*"}), 404)
    assert_problem(buyer.delete(url), 404)

    assert buyer.get(f"/api/v1/contracts/{city.pothole_contract}").json()["value"] == "4800000.00"


def test_grant_erp_keys_are_unique_among_grants(buyer: Actor, city: City) -> None:
    response = buyer.post(API, json=new_grant(city, external_id="GR-2025-031"))

    assert_problem(response, 409, "body.external_id")
    assert buyer.get(API).json()["total"] == 1


def test_a_contract_may_reuse_a_grants_erp_key(buyer: Actor, city: City) -> None:
    payload = new_grant(city, number="C-2026-0777", external_id="GR-2025-031") | {
        "vendor_id": city.paving_vendor,
        "department_id": city.transportation,
    }

    contract_id = created(buyer.post("/api/v1/contracts", json=payload))

    assert buyer.get(f"/api/v1/contracts/{contract_id}").json()["external_id"] == "GR-2025-031"


def test_an_unknown_grantee_is_named_as_such(buyer: Actor, city: City) -> None:
    body = assert_problem(buyer.post(API, json=new_grant(city, vendor_id=999999)), 422, "body.vendor_id")

    assert body["errors"][0]["code"] == "unknown_reference"
    assert "grantee" in body["errors"][0]["message"]


def test_a_grant_period_cannot_end_before_it_starts(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.rehousing_grant}"

    assert_problem(buyer.update(url, {"start_date": "2027-09-01"}), 422, "body.end_date")

    assert buyer.get(url).json()["start_date"] == "2025-09-01"


def test_buyer_extends_a_grant(buyer: Actor, admin: Actor, city: City) -> None:
    url = f"{API}/{city.rehousing_grant}"

    response = buyer.update(url, {"end_date": "2028-08-31", "value": "3100000.00"})

    assert response.status_code == 200, response.text
    assert response.json()["end_date"] == "2028-08-31"
    audit = admin.get("/api/v1/audit", params={"entity": "grant", "entity_id": city.rehousing_grant}).json()
    assert audit["items"][0]["changes"]["end_date"] == ["2027-08-31", "2028-08-31"]


def test_a_grant_with_goals_cannot_be_deleted_but_a_new_one_can(buyer: Actor, city: City) -> None:
    assert_problem(buyer.delete(f"{API}/{city.rehousing_grant}"), 409)
    grant_id = created(buyer.post(API, json=new_grant(city)))

    assert buyer.delete(f"{API}/{grant_id}").status_code == 204

    assert [item["id"] for item in buyer.get(API).json()["items"]] == [city.rehousing_grant]
