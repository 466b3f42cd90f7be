"""Procurement officers keep the register of vendors and grantees the city pays."""

from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, contract_payload, created

API = "/api/v1/vendors"


def vendor(**overrides: Any) -> dict[str, Any]:
    payload = {
        "legal_name": "Greenway Landscaping LLC",
        "identifier_scheme": "ein",
        "identifier": "56-7890123",
        "contact_name": "Dana Ortiz",
        "contact_email": "dana@greenway.example",
        "contact_phone": "+1 (555) 010-2030",
        "address": "12 Elm Street, Springfield",
    }
    return payload | overrides


def test_buyer_registers_a_vendor_and_reads_it_back(buyer: Actor) -> None:
    response = buyer.post(API, json=vendor())

    vendor_id = created(response)
    assert response.headers["Location"] == f"{API}/{vendor_id}"
    assert response.headers["ETag"] == '"v1"'
    read = buyer.get(f"{API}/{vendor_id}")
    assert read.status_code == 200
    body = read.json()
    assert body["legal_name"] == "Greenway Landscaping LLC"
    assert body["identifier"] == "56-7890123"
    assert body["contact_email"] == "dana@greenway.example"
    assert body["is_active"] is True
    assert body["version"] == 1


def test_buyer_finds_vendors_by_name_and_active_flag(buyer: Actor, city: City) -> None:
    dormant = created(buyer.post(API, json=vendor(legal_name="Dormant Paving Partners", identifier=None)))
    assert buyer.update(f"{API}/{dormant}", {"is_active": False}).status_code == 200

    paving = buyer.get(API, params={"q": "PAVING"}).json()
    assert {item["id"] for item in paving["items"]} == {city.paving_vendor, dormant}
    assert paving["total"] == 2

    inactive = buyer.get(API, params={"is_active": "false"}).json()
    assert [item["id"] for item in inactive["items"]] == [dormant]

    by_identifier = buyer.get(API, params={"identifier": "34-5678901"}).json()
    assert [item["id"] for item in by_identifier["items"]] == [city.housing_vendor]


def test_search_ignores_case_beyond_ascii_on_every_database(buyer: Actor) -> None:
    accented = created(buyer.post(API, json=vendor(legal_name="ÉCOLE ÁGIL DE SEGURIDAD VIAL", identifier=None)))

    for text in ("école", "ÉCOLE", "ágil", "Seguridad Vial"):
        found = buyer.get(API, params={"q": text}).json()["items"]
        assert [item["id"] for item in found] == [accented], text


def test_buyer_updates_a_vendor_contact(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.paving_vendor}"

    response = buyer.update(url, {"contact_name": "Sam Lee", "contact_email": "sam@paving.example"})

    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v2"'
    body = buyer.get(url).json()
    assert body["contact_name"] == "Sam Lee"
    assert body["contact_email"] == "sam@paving.example"
    assert body["legal_name"] == "Metro Paving Co."


def test_buyer_deletes_a_vendor_that_has_no_contracts(buyer: Actor) -> None:
    vendor_id = created(buyer.post(API, json=vendor()))

    assert buyer.delete(f"{API}/{vendor_id}").status_code == 204

    assert_problem(buyer.get(f"{API}/{vendor_id}"), 404)


def test_deleting_a_vendor_with_contracts_explains_itself_and_deletes_nothing(buyer: Actor, city: City) -> None:
    response = buyer.delete(f"{API}/{city.paving_vendor}")

    body = assert_problem(response, 409)
    assert "contracts or grants" in body["detail"]
    assert buyer.get(f"{API}/{city.paving_vendor}").status_code == 200
    assert buyer.get(f"/api/v1/contracts/{city.pothole_contract}").json()["vendor_id"] == city.paving_vendor


def test_a_grantee_with_a_grant_cannot_be_deleted_either(buyer: Actor, city: City) -> None:
    assert_problem(buyer.delete(f"{API}/{city.housing_vendor}"), 409)
    assert buyer.get(f"{API}/{city.housing_vendor}").status_code == 200


def test_vendor_can_be_deleted_once_its_last_contract_is_gone(buyer: Actor, city: City) -> None:
    vendor_id = created(buyer.post(API, json=vendor()))
    contract = created(
        buyer.post(
            "/api/v1/contracts",
            json=contract_payload(
                number="C-2026-0300", external_id=None, vendor_id=vendor_id, department_id=city.transportation
            ),
        )
    )
    assert_problem(buyer.delete(f"{API}/{vendor_id}"), 409)

    assert buyer.delete(f"/api/v1/contracts/{contract}").status_code == 204

    assert buyer.delete(f"{API}/{vendor_id}").status_code == 204


def test_two_vendors_cannot_share_a_tax_identifier(buyer: Actor, city: City) -> None:
    response = buyer.post(API, json=vendor(identifier="12-3456789"))

    body = assert_problem(response, 409, "body.identifier")
    assert body["errors"][0]["code"] == "duplicate"
    assert buyer.get(API, params={"identifier": "12-3456789"}).json()["total"] == 1


def test_renaming_a_vendor_onto_a_taken_identifier_is_a_conflict(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.housing_vendor}"

    assert_problem(buyer.update(url, {"identifier": "12-3456789"}), 409, "body.identifier")

    assert buyer.get(url).json()["identifier"] == "34-5678901"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"tax_id": "12-3"}, "body.tax_id", "extra_forbidden"),
        ({"legal_name": "   "}, "body.legal_name", "string_too_short"),
        ({"legal_name": "x" * 301}, "body.legal_name", "string_too_long"),
        ({"identifier_scheme": "ssn"}, "body.identifier_scheme", "enum"),
        ({"identifier": "12 345"}, "body.identifier", "string_pattern_mismatch"),
        ({"contact_email": "not-an-email"}, "body.contact_email", "value_error"),
        ({"contact_phone": "call me"}, "body.contact_phone", "string_pattern_mismatch"),
        ({"is_active": "sometimes"}, "body.is_active", "bool_type"),
    ],
)
def test_invalid_vendor_details_are_rejected_naming_the_field(
    buyer: Actor, changes: dict[str, Any], field: str, code: str
) -> None:
    response = buyer.post(API, json=vendor(**changes))

    body = assert_problem(response, 422, field)
    assert code in [error["code"] for error in body["errors"]]
    assert buyer.get(API).json()["total"] == 0


def test_a_vendor_needs_a_legal_name(buyer: Actor) -> None:
    payload = vendor()
    del payload["legal_name"]

    body = assert_problem(buyer.post(API, json=payload), 422, "body.legal_name")

    assert body["errors"][0]["code"] == "missing"


def test_clearing_a_vendors_legal_name_is_rejected_and_changes_nothing(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.paving_vendor}"

    assert_problem(buyer.update(url, {"legal_name": None}), 422, "body.legal_name")

    after = buyer.get(url)
    assert after.json()["legal_name"] == "Metro Paving Co."
    assert after.headers["ETag"] == '"v1"'


def test_clearing_an_optional_contact_field_is_allowed(buyer: Actor, city: City) -> None:
    url = f"{API}/{city.paving_vendor}"

    response = buyer.update(url, {"contact_email": None})

    assert response.status_code == 200, response.text
    assert buyer.get(url).json()["contact_email"] is None


def test_viewer_reads_vendors_but_cannot_register_one(viewer: Actor, city: City) -> None:
    assert viewer.get(f"{API}/{city.paving_vendor}").status_code == 200

    assert_problem(viewer.post(API, json=vendor()), 403)


def test_unknown_vendor_is_not_found(buyer: Actor) -> None:
    assert_problem(buyer.get(f"{API}/424242"), 404)
    assert_problem(buyer.patch(f"{API}/424242", json={"legal_name": "X"}, headers={"If-Match": '"v1"'}), 404)
    assert_problem(buyer.delete(f"{API}/424242"), 404)
