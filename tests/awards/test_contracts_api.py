"""Procurement officers record signed contracts and keep them up to date."""

from typing import Any

import pytest

from app.auth.roles import Role
from tests.support import Actor, City, assert_problem, contract_payload, created

API = "/api/v1/contracts"


def new_contract(city: City, **overrides: Any) -> dict[str, Any]:
    """A second DOT contract, distinct from the one in the city fixture."""
    return (
        contract_payload(
            number="C-2026-0201",
            title="Traffic signal maintenance",
            value="1750000.00",
            external_id="PO-4500020001",
            vendor_id=city.paving_vendor,
            department_id=city.transportation,
        )
        | overrides
    )


def audit_trail(admin: Actor, entity: str, entity_id: int) -> list[dict[str, Any]]:
    response = admin.get("/api/v1/audit", params={"entity": entity, "entity_id": entity_id})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_buyer_records_a_signed_contract(buyer: Actor, make_actor: Any, city: City) -> None:
    manager = make_actor(Role.contract_manager)
    payload = new_contract(city, procurement_id=city.pothole_rfp, contract_manager_id=manager.user_id)

    response = buyer.post(API, json=payload)

    contract_id = created(response)
    assert response.headers["Location"] == f"{API}/{contract_id}"
    assert response.headers["ETag"] == '"v1"'
    body = buyer.get(f"{API}/{contract_id}").json()
    assert body["kind"] == "contract"
    assert body["version"] == 1
    for field in ("number", "title", "value", "currency", "start_date", "end_date", "status", "external_id"):
        assert body[field] == payload[field], field
    assert body["vendor_id"] == city.paving_vendor
    assert body["procurement_id"] == city.pothole_rfp
    assert body["contract_manager_id"] == manager.user_id


def test_a_new_contract_starts_as_a_draft_in_dollars(buyer: Actor, city: City) -> None:
    payload = new_contract(city)
    del payload["status"], payload["currency"]

    body = buyer.get(f"{API}/{created(buyer.post(API, json=payload))}").json()

    assert body["status"] == "draft"
    assert body["currency"] == "USD"


def test_buyer_amends_the_contract_value_and_the_audit_log_shows_before_and_after(
    buyer: Actor, admin: Actor, city: City
) -> None:
    url = f"{API}/{city.pothole_contract}"

    response = buyer.update(url, {"value": "5100000.00", "status": "completed"})

    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v2"'
    assert response.json()["value"] == "5100000.00"
    latest = audit_trail(admin, "contract", city.pothole_contract)[0]
    assert latest["action"] == "update"
    assert latest["actor"] == "user:" + str(buyer.user_id)
    assert latest["actor_role"] == "procurement_officer"
    assert latest["changes"] == {"value": ["4800000.00", "5100000.00"], "status": ["active", "completed"]}


def test_every_write_to_a_contract_is_audited(buyer: Actor, admin: Actor, city: City) -> None:
    contract_id = created(buyer.post(API, json=new_contract(city)))
    assert buyer.update(f"{API}/{contract_id}", {"title": "Signal maintenance and repair"}).status_code == 200
    assert buyer.delete(f"{API}/{contract_id}").status_code == 204

    deleted, updated, create = audit_trail(admin, "contract", contract_id)

    assert create["action"] == "create"
    assert create["changes"]["number"] == [None, "C-2026-0201"]
    assert create["changes"]["value"] == [None, "1750000.00"]
    assert updated["changes"] == {"title": ["Traffic signal maintenance", "Signal maintenance and repair"]}
    assert deleted["action"] == "delete"
    assert deleted["changes"]["title"] == ["Signal maintenance and repair", None]


def test_a_contract_cannot_end_before_it_starts(buyer: Actor, city: City) -> None:
    response = buyer.post(API, json=new_contract(city, start_date="2026-07-01", end_date="2026-06-30"))

    assert_problem(response, 422, "body.end_date")
    assert buyer.get(API).json()["total"] == 1


def test_a_one_day_contract_is_fine(buyer: Actor, city: City) -> None:
    assert created(buyer.post(API, json=new_contract(city, start_date="2026-07-01", end_date="2026-07-01")))


def test_shortening_a_contract_to_before_its_start_is_rejected(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    assert_problem(buyer.update(url, {"end_date": "2025-06-30"}), 422, "body.end_date")

    assert buyer.get(url).json()["end_date"] == "2027-06-30"


def test_moving_a_contract_away_from_its_solicitations_department_is_refused(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    body = assert_problem(buyer.update(url, {"department_id": city.human_services}), 422, "body.procurement_id")

    assert body["errors"][0]["code"] == "department_mismatch"
    assert buyer.get(url).json()["department_id"] == city.transportation
    moved = buyer.update(url, {"department_id": city.human_services, "procurement_id": None})
    assert moved.status_code == 200, moved.text


def test_a_malformed_body_is_a_validation_problem(buyer: Actor, city: City) -> None:
    headers = {"Content-Type": "application/json"}

    assert_problem(buyer.post(API, content=b'{"number": "C-1",', headers=headers), 422)
    assert_problem(buyer.post(API, json=["C-1"]), 422, "body")
    assert buyer.get(API).json()["total"] == 1


def test_unknown_vendor_department_and_procurement_are_named(buyer: Actor, city: City) -> None:
    payload = new_contract(city) | {"vendor_id": 999999, "department_id": 999998, "procurement_id": 999997}

    body = assert_problem(buyer.post(API, json=payload), 422, "body.vendor_id")

    codes = {error["field"]: error["code"] for error in body["errors"]}
    assert codes == {
        "body.vendor_id": "unknown_reference",
        "body.department_id": "unknown_reference",
        "body.procurement_id": "unknown_reference",
    }


def test_an_unknown_contract_manager_is_rejected(buyer: Actor, city: City) -> None:
    body = assert_problem(buyer.post(API, json=new_contract(city, contract_manager_id=999999)), 422)

    assert body["errors"] == [
        {"field": "body.contract_manager_id", "message": "no user with id 999999", "code": "unknown_reference"}
    ]


def test_switching_to_an_unknown_vendor_is_rejected_and_changes_nothing(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    body = assert_problem(buyer.update(url, {"vendor_id": 999999}), 422, "body.vendor_id")

    assert body["errors"][0]["code"] == "unknown_reference"
    assert buyer.get(url).json()["vendor_id"] == city.paving_vendor


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": "grant"}, "body.kind", "extra_forbidden"),
        ({"value": "a lot"}, "body.value", "decimal_parsing"),
        ({"value": "-0.01"}, "body.value", "greater_than_equal"),
        ({"value": "19.999"}, "body.value", "decimal_max_places"),
        ({"value": "10000000000000000.00"}, "body.value", "decimal_whole_digits"),
        ({"value": "Infinity"}, "body.value", "finite_number"),
        ({"start_date": "07/01/2025"}, "body.start_date", "date_from_datetime_parsing"),
        ({"end_date": "2027-02-30"}, "body.end_date", "date_from_datetime_parsing"),
        ({"status": "signed"}, "body.status", "enum"),
        ({"currency": "usd"}, "body.currency", "string_pattern_mismatch"),
        ({"number": "C 2026 0201"}, "body.number", "string_pattern_mismatch"),
        ({"title": " "}, "body.title", "string_too_short"),
        ({"vendor_id": "Metro Paving"}, "body.vendor_id", "int_parsing"),
        ({"vendor_id": 0}, "body.vendor_id", "greater_than_equal"),
        ({"vendor_id": 99999999999}, "body.vendor_id", "less_than_equal"),
    ],
)
def test_invalid_contract_details_are_rejected_naming_the_field(
    buyer: Actor, city: City, changes: dict[str, Any], field: str, code: str
) -> None:
    body = assert_problem(buyer.post(API, json=new_contract(city) | changes), 422, field)

    assert code in [error["code"] for error in body["errors"] if error["field"] == field]
    assert buyer.get(API).json()["total"] == 1


def test_a_contract_needs_its_number_parties_value_and_dates(buyer: Actor) -> None:
    body = assert_problem(buyer.post(API, json={"title": "Unsigned"}), 422)

    missing = {error["field"] for error in body["errors"] if error["code"] == "missing"}
    expected = {"body.number", "body.vendor_id", "body.department_id", "body.value", "body.start_date", "body.end_date"}
    assert missing == expected


@pytest.mark.parametrize("field", ["number", "title", "vendor_id", "department_id", "value", "start_date", "end_date"])
def test_clearing_a_required_field_is_rejected_and_changes_nothing(buyer: Actor, city: City, field: str) -> None:
    url = f"{API}/{city.pothole_contract}"
    before = buyer.get(url).json()

    assert_problem(buyer.update(url, {field: None}), 422, f"body.{field}")

    assert buyer.get(url).json() == before


def test_clearing_optional_links_is_allowed(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    response = buyer.update(url, {"procurement_id": None, "external_id": None, "description": None})

    assert response.status_code == 200, response.text
    body = buyer.get(url).json()
    assert body["procurement_id"] is None
    assert body["external_id"] is None


def test_changing_a_contract_needs_the_etag_of_the_version_being_changed(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    response = buyer.patch(url, json={"value": "1.00"})

    body = assert_problem(response, 428)
    assert "If-Match" in body["detail"]
    assert buyer.get(url).json()["value"] == "4800000.00"


def test_a_stale_etag_is_refused_and_the_other_change_survives(buyer: Actor, make_actor: Any, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"
    colleague = make_actor(Role.procurement_officer)
    stale = buyer.get(url).headers["ETag"]
    assert colleague.update(url, {"value": "4900000.00"}).status_code == 200

    response = buyer.patch(url, json={"value": "1.00"}, headers={"If-Match": stale})

    assert_problem(response, 412)
    after = buyer.get(url)
    assert after.json()["value"] == "4900000.00"
    assert after.headers["ETag"] == '"v2"'


def test_weak_and_wildcard_etags_are_accepted(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    weak = buyer.patch(url, json={"status": "completed"}, headers={"If-Match": 'W/"v1"'})
    assert weak.status_code == 200, weak.text
    wildcard = buyer.patch(url, json={"status": "terminated"}, headers={"If-Match": "*"})
    assert wildcard.status_code == 200, wildcard.text

    assert wildcard.headers["ETag"] == '"v3"'


def test_deleting_with_a_stale_etag_is_refused(buyer: Actor, city: City) -> None:
    contract_id = created(buyer.post(API, json=new_contract(city)))
    assert buyer.update(f"{API}/{contract_id}", {"title": "Pothole repair, phase 2"}).status_code == 200

    assert_problem(buyer.delete(f"{API}/{contract_id}", headers={"If-Match": '"v1"'}), 412)

    assert buyer.get(f"{API}/{contract_id}").status_code == 200
    assert buyer.delete(f"{API}/{contract_id}", headers={"If-Match": '"v2"'}).status_code == 204


def test_contract_numbers_and_erp_keys_are_unique_among_contracts(buyer: Actor, city: City) -> None:
    same_number = buyer.post(API, json=new_contract(city, number="C-2026-0142"))
    same_key = buyer.post(API, json=new_contract(city, external_id="PO-4500012345"))

    assert_problem(same_number, 409, "body.number")
    assert_problem(same_key, 409, "body.external_id")
    assert buyer.get(API).json()["total"] == 1


def test_renumbering_onto_a_taken_number_is_a_conflict(buyer: Actor, city: City) -> None:
    contract_id = created(buyer.post(API, json=new_contract(city)))

    assert_problem(buyer.update(f"{API}/{contract_id}", {"number": "C-2026-0142"}), 409, "body.number")

    assert buyer.get(f"{API}/{contract_id}").json()["number"] == "C-2026-0201"


def test_a_grant_may_reuse_a_contracts_number_and_erp_key(buyer: Actor, city: City) -> None:
    payload = contract_payload(vendor_id=city.housing_vendor, department_id=city.human_services)

    grant_id = created(buyer.post("/api/v1/grants", json=payload))

    assert buyer.get(f"/api/v1/grants/{grant_id}").json()["external_id"] == "PO-4500012345"


def test_a_grant_is_not_found_through_the_contracts_endpoint(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.rehousing_grant}"

    assert_problem(buyer.get(url), 404)
    assert_problem(buyer.patch(url, json={"title": "Hijacked"}, headers={"If-Match": '"v1"'}), 404)
    assert_problem(buyer.delete(url), 404)

    grant = buyer.get(f"/api/v1/grants/{city.rehousing_grant}").json()
    assert grant["title"] == "Rapid rehousing for families"
    assert city.rehousing_grant not in [item["id"] for item in buyer.get(API).json()["items"]]


def test_unknown_contracts_are_not_found(buyer: Actor) -> None:
    assert_problem(buyer.get(f"{API}/2147483647"), 404)
    assert_problem(buyer.delete(f"{API}/2147483647"), 404)


def test_a_contract_with_goals_cannot_be_deleted(buyer: Actor, city: City) -> None:
    body = assert_problem(buyer.delete(f"{API}/{city.pothole_contract}"), 409)

    assert "goals" in body["detail"]
    assert buyer.get(f"{API}/{city.pothole_contract}").status_code == 200


def test_a_contract_without_goals_is_deleted(buyer: Actor, city: City) -> None:
    contract_id = created(buyer.post(API, json=new_contract(city)))

    assert buyer.delete(f"{API}/{contract_id}").status_code == 204

    assert_problem(buyer.get(f"{API}/{contract_id}"), 404)
    assert buyer.get(API).json()["total"] == 1


def test_viewers_read_contracts_but_cannot_change_them(viewer: Actor, city: City) -> None:
    url = f"{API}/{city.pothole_contract}"

    assert viewer.get(url).status_code == 200
    assert_problem(viewer.post(API, json=new_contract(city)), 403)
    assert_problem(viewer.patch(url, json={"status": "terminated"}, headers={"If-Match": '"v1"'}), 403)
    assert_problem(viewer.delete(url), 403)


def test_a_department_buyer_works_only_on_its_own_contracts(make_actor: Any, city: City) -> None:
    hsd_buyer = make_actor(Role.procurement_officer, (city.human_services,))
    url = f"{API}/{city.pothole_contract}"

    assert_problem(hsd_buyer.get(url), 404)
    assert hsd_buyer.get(API).json()["total"] == 0
    assert_problem(hsd_buyer.post(API, json=new_contract(city)), 422, "body.department_id")

    own = created(
        hsd_buyer.post(API, json=new_contract(city, vendor_id=city.housing_vendor, department_id=city.human_services))
    )
    assert_problem(hsd_buyer.update(f"{API}/{own}", {"department_id": city.transportation}), 422, "body.department_id")
    assert hsd_buyer.get(f"{API}/{own}").json()["department_id"] == city.human_services
