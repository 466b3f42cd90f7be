"""A buyer narrows the contract register down by department, vendor, status and text."""

from dataclasses import dataclass
from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, contract_payload, created

API = "/api/v1/contracts"


@dataclass
class Register:
    city: City
    signals: int
    lighting: int
    casework: int
    fuel: int
    software_vendor: int


@pytest.fixture
def register(buyer: Actor, city: City) -> Register:
    """The city's contracts plus four more across departments, vendors and statuses."""
    software = created(buyer.post("/api/v1/vendors", json={"legal_name": "CaseTrack Software Inc."}))

    def contract(number: str, title: str, **overrides: Any) -> int:
        payload = contract_payload(
            number=number,
            title=title,
            external_id=None,
            vendor_id=city.paving_vendor,
            department_id=city.transportation,
        )
        return created(buyer.post(API, json=payload | overrides))

    return Register(
        city=city,
        signals=contract("C-2026-0201", "Traffic signal maintenance", status="draft", value="1750000.00"),
        lighting=contract("C-2026-0310", "Street lighting retrofit", status="completed", vendor_id=city.housing_vendor),
        casework=contract(
            "C-2026-0400",
            "Case management software",
            department_id=city.human_services,
            vendor_id=software,
        ),
        fuel=contract("C-2026-0512", "Fleet fuel with 10% rebate", status="terminated"),
        software_vendor=software,
    )


def ids(actor: Actor, **params: Any) -> list[int]:
    response = actor.get(API, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [item["id"] for item in body["items"]]


def test_buyer_lists_a_departments_contracts(buyer: Actor, register: Register) -> None:
    city = register.city

    assert ids(buyer, department_id=city.transportation) == [
        city.pothole_contract,
        register.signals,
        register.lighting,
        register.fuel,
    ]
    assert ids(buyer, department_id=city.human_services) == [register.casework]


def test_buyer_lists_a_vendors_contracts_without_its_grants(buyer: Actor, register: Register) -> None:
    city = register.city

    assert ids(buyer, vendor_id=city.paving_vendor) == [city.pothole_contract, register.signals, register.fuel]
    assert ids(buyer, vendor_id=city.housing_vendor) == [register.lighting]
    assert ids(buyer, vendor_id=register.software_vendor) == [register.casework]


def test_buyer_lists_contracts_by_status(buyer: Actor, register: Register) -> None:
    assert ids(buyer, status="active") == [register.city.pothole_contract, register.casework]
    assert ids(buyer, status="draft") == [register.signals]
    assert ids(buyer, status="completed") == [register.lighting]


def test_buyer_searches_titles_and_numbers_ignoring_case(buyer: Actor, register: Register) -> None:
    assert ids(buyer, q="SIGNAL") == [register.signals]
    assert ids(buyer, q="c-2026-04") == [register.casework]
    assert ids(buyer, q="repair") == [register.city.pothole_contract]
    assert ids(buyer, q="no such work") == []


def test_search_text_is_matched_literally_not_as_a_pattern(buyer: Actor, register: Register) -> None:
    assert ids(buyer, q="10%") == [register.fuel]
    assert ids(buyer, q="%") == [register.fuel]
    assert ids(buyer, q="_") == []
    assert ids(buyer, q="\\") == []


def test_filters_combine(buyer: Actor, register: Register) -> None:
    city = register.city

    assert ids(buyer, department_id=city.transportation, status="active") == [city.pothole_contract]
    assert ids(buyer, vendor_id=city.paving_vendor, q="fuel") == [register.fuel]
    assert ids(buyer, department_id=city.human_services, vendor_id=city.paving_vendor) == []


def test_buyer_finds_contracts_by_solicitation_number_and_erp_key(buyer: Actor, register: Register) -> None:
    city = register.city

    assert ids(buyer, procurement_id=city.pothole_rfp) == [city.pothole_contract]
    assert ids(buyer, number="C-2026-0310") == [register.lighting]
    assert ids(buyer, external_id="PO-4500012345") == [city.pothole_contract]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department_id": "transport"}, "query.department_id"),
        ({"vendor_id": 0}, "query.vendor_id"),
        ({"vendor_id": 99999999999}, "query.vendor_id"),
        ({"status": "signed"}, "query.status"),
        ({"q": "x" * 101}, "query.q"),
        ({"owner": "me"}, "query.owner"),
    ],
)
def test_bad_filters_are_rejected_naming_the_parameter(
    buyer: Actor, city: City, params: dict[str, Any], field: str
) -> None:
    assert_problem(buyer.get(API, params=params), 422, field)
