"""A uniqueness conflict never names a record the caller may not see. A procurement officer limited to Human
Services who reuses a number or an ERP id of the Department of Transportation learns that the value is taken,
and nothing else: no id, no department (GET on that record is a 404 for them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from app.auth.roles import Role
from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.departments.service import department_resource
from app.metrics.service import metric_resource
from app.priorities.service import priority_resource
from app.procurements.service import procurement_resource
from app.records.resource import Resource
from app.vendors.service import vendor_resource
from tests.auth.helpers import API
from tests.support import Actor, City, assert_problem, contract_payload

# Every unique field of every resource, and how a Human Services officer would send a clashing value from the
# Department of Transportation's records (None: the caller cannot reach the clash at all, said why).
Payload = Callable[[City], tuple[str, dict[str, Any]]]


DOT_GRANT = {"number": "G-7781", "external_id": "GR-7781", "title": "Safe routes to school"}


def _grant(city: City, **clash: str) -> tuple[str, dict[str, Any]]:
    payload = contract_payload(
        number="G-HSD-9", external_id="GR-HSD-9", vendor_id=city.housing_vendor, department_id=city.human_services
    )
    return f"{API}/grants", payload | clash


CLASHES: dict[tuple[str, tuple[str, ...]], Payload | None] = {
    ("contract", ("number",)): lambda c: (
        f"{API}/contracts",
        contract_payload(external_id="PO-HSD-1", vendor_id=c.housing_vendor, department_id=c.human_services),
    ),
    ("contract", ("external_id",)): lambda c: (
        f"{API}/contracts",
        contract_payload(number="C-HSD-1", vendor_id=c.housing_vendor, department_id=c.human_services),
    ),
    ("grant", ("number",)): lambda c: _grant(c, number=DOT_GRANT["number"]),
    ("grant", ("external_id",)): lambda c: _grant(c, external_id=DOT_GRANT["external_id"]),
    ("procurement", ("external_id",)): lambda c: (
        f"{API}/procurements",
        {"title": "Case management", "department_id": c.human_services, "method": "rfp", "external_id": "RFP-25-017"},
    ),
    # A metric's code is unique within its contract or procurement, which a limited caller cannot reach.
    ("metric", ("award_id", "code")): None,
    ("metric", ("procurement_id", "code")): None,
    # Citywide records: visible to every caller, so naming them reveals nothing; departments and priorities
    # are created by citywide admins only.
    ("vendor", ("identifier",)): None,
    ("department", ("code",)): None,
    ("priority", ("code",)): None,
}


def _resources() -> list[Resource[Any]]:
    return [
        award_resource(AwardKind.contract),
        award_resource(AwardKind.grant),
        procurement_resource(),
        metric_resource(),
        vendor_resource(),
        department_resource(),
        priority_resource(),
    ]


def test_every_unique_field_is_covered_below() -> None:
    declared = {(resource.name, columns) for resource in _resources() for columns in resource.unique}
    assert declared == set(CLASHES)


@pytest.mark.parametrize("clash", [key for key, payload in CLASHES.items() if payload is not None], ids=str)
def test_a_conflict_with_another_departments_record_reveals_no_id(
    clash: tuple[str, tuple[str, ...]], make_actor: Any, admin: Actor, city: City
) -> None:
    dot_grant = admin.post(
        f"{API}/grants",
        json=contract_payload(vendor_id=city.paving_vendor, department_id=city.transportation) | DOT_GRANT,
    )
    assert dot_grant.status_code == 201, dot_grant.text
    officer = make_actor(Role.procurement_officer, (city.human_services,))
    payload = CLASHES[clash]
    assert payload is not None
    url, body = payload(city)

    response = officer.post(url, json=body)

    problem = assert_problem(response, 409, f"body.{clash[1][-1]}")
    text = json.dumps(problem)
    hidden_ids = {city.pothole_contract, city.pothole_rfp, dot_grant.json()["id"], city.transportation}
    assert not any(f" {record_id} " in f" {text} " or f"{record_id}," in text for record_id in hidden_ids), text
    assert "Transportation" not in text
