"""A vendor's people, and service accounts limited to a vendor or to some contracts, reach their own contracts and
grants and nothing else.

Metro Paving's people and feeds work on the pothole contract. Safe Haven Housing, another vendor, has a contract
and a grant of its own, with readings, an alert, action items and a meeting. Every route of the API, taken from
the route table, answers 404 to Metro Paving for Safe Haven's records; lists leave them out; a batch that mixes
both is refused item by item, saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.roles import Role, Scope, is_allowed
from app.db import utcnow
from tests.auth.helpers import API, add_service_account, service_account_actor
from tests.auth.test_role_matrix import OPERATIONS, WITHOUT_SIGN_IN, Operation, concrete_url, request_for
from tests.events.test_outbox import settle
from tests.evidence.files import pdf
from tests.support import Actor, City, assert_problem, closed_months, contract_payload, created, metric_payload

ALL_SCOPES = sorted(scope.value for scope in Scope)
# Path segments whose records belong to a contract or grant, and so to a vendor.
OWNED = {
    "contracts",
    "grants",
    "goals",
    "metrics",
    "readings",
    "alerts",
    "action-items",
    "meetings",
    "vendors",
    "procurements",
    "departments",
    "plans",
    "questions",
    "answers",
    "evidence",
}
# Words only Safe Haven's records contain: a list that shows any of them leaked.
FOREIGN_WORDS = ("Safe Haven", "C-2026-0777", "G-2025-0031", "HOUSED", "Family shelter placements")


def _alert_of(admin: Actor, award_id: int) -> int:
    alerts = admin.get(f"{API}/alerts", params={"award_id": award_id}).json()["items"]
    assert alerts, "the off-track readings should have opened an alert"
    return int(alerts[0]["id"])


@pytest.fixture
def safe_haven(admin: Actor, city: City) -> dict[str, int]:
    """Everything Safe Haven Housing has: a contract off track with an alert, an action item, a meeting."""
    contract = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2026-0777",
                title="Family shelter placements",
                vendor_id=city.housing_vendor,
                department_id=city.human_services,
                external_id="PO-0777",
            ),
        )
    )
    goal = created(admin.post(f"{API}/contracts/{contract}/goals", json={"title": "Family shelter placements"}))
    metric = created(admin.post(f"{API}/goals/{goal}/metrics", json=metric_payload(code="SHELTER-48H")))
    months = closed_months(3)
    readings = admin.post(
        f"{API}/readings/batch",
        json={"readings": [{"metric_id": metric, "period": month, "value": "40"} for month in months]},
    )
    assert readings.status_code == 200, readings.text
    reading = admin.get(f"{API}/metrics/{metric}/readings").json()["items"][0]["id"]
    item = created(
        admin.post(
            f"{API}/contracts/{contract}/action-items",
            json={
                "title": "Add a night intake shift",
                "owner_side": "vendor",
                "owner_name": "Dana",
                "due_date": months[-1] + "-28",
            },
        )
    )
    meeting = created(admin.post(f"{API}/contracts/{contract}/meetings", json={"held_on": months[-1] + "-15"}))
    alert = _alert_of(admin, contract)
    question = created(
        admin.post(
            f"{API}/alerts/{alert}/questions",
            json={"question": "Why did placements drop?", "reply_by": utcnow().date().isoformat()},
        )
    )
    answer = created(admin.post(f"{API}/questions/{question}/answers", json={"text": "Intake staff left in May."}))
    plan = created(admin.post(f"{API}/alerts/{alert}/plans", json={"title": "Rebuild the intake team"}))
    evidence = created(
        admin.post(f"{API}/readings/{reading}/evidence", files={"file": ("intake.pdf", pdf(), "application/pdf")})
    )
    return {
        "contracts": contract,
        "grants": city.rehousing_grant,
        "goals": goal,
        "metrics": metric,
        "readings": reading,
        "alerts": alert,
        "questions": question,
        "answers": answer,
        "plans": plan,
        "evidence": evidence,
        "action-items": item,
        "meetings": meeting,
        "vendors": city.housing_vendor,
        "procurements": city.pothole_rfp,  # the city's own: no vendor reaches a procurement
        "departments": city.human_services,
    }


def _bodies() -> dict[tuple[str, str], dict[str, Any]]:
    """Well-formed bodies for the writes a limited caller may make, so that only the record's reach decides."""
    due = {"due_date": "2027-01-29"}
    return {
        ("PATCH", "/action-items/{id}"): {"status": "done"},
        ("POST", "/contracts/{id}/action-items"): {"title": "Call back", "owner_side": "vendor", "owner_name": "Dana"}
        | due,
        ("POST", "/grants/{id}/action-items"): {"title": "Call back", "owner_side": "vendor", "owner_name": "Dana"}
        | due,
        ("POST", "/alerts/{id}/plans"): {"title": "Night crew"},
        ("POST", "/alerts/{id}/questions"): {"question": "Why?", "reply_by": utcnow().date().isoformat()},
        ("POST", "/alerts/{id}/resolve"): {"note": "Fixed", "outcome": "resolved"},
        ("POST", "/alerts/{id}/reopen"): {"note": "Again"},
        ("POST", "/alerts/{id}/assign"): {"assignee_id": None},
        ("POST", "/questions/{id}/answers"): {"text": "Staff left"},
        ("POST", "/metrics/{id}/readings"): {"period": closed_months(1)[0], "value": "80"},
        ("PATCH", "/plans/{id}"): {"title": "Night crew, two shifts"},
        ("POST", "/plans/{id}/steps"): {"title": "Hire", "owner_user_id": 1} | due,
        ("POST", "/meetings/{id}/hold"): {"minutes": "Agreed a plan"},
    }


def valid_request(op: Operation, ids: dict[str, int]) -> dict[str, Any]:
    request = request_for(op, ids, {})
    if "content" in request and request["headers"].get("Content-Type", "").startswith("multipart/"):
        return {"headers": {}, "files": {"file": ("report.pdf", pdf(), "application/pdf")}}
    body = _bodies().get((op.method, op.path.removeprefix(API)))
    return request | {"json": body} if body is not None else request


Caller = Callable[[], tuple[Role, frozenset[str], Actor]]


@pytest.fixture(
    params=["vendor user", "service account limited to the vendor", "service account limited to a contract"]
)
def caller_kind(request: pytest.FixtureRequest, database_url: str) -> str:
    kind: str = request.param
    if kind != "vendor user" and database_url.startswith("sqlite"):  # skipped before the city is built
        pytest.skip("service accounts' reach is the vendor user's SQL, which runs on both databases: PostgreSQL")
    return kind


@pytest.fixture
def paving_caller(
    caller_kind: str, city: City, make_actor: Any, client: TestClient, session: Session
) -> tuple[Role, frozenset[str], Actor]:
    if caller_kind == "vendor user":
        return Role.vendor, frozenset(), make_actor(Role.vendor, vendor_id=city.paving_vendor)
    limits: dict[str, Any] = (
        {"vendor_id": city.paving_vendor} if "vendor" in caller_kind else {"award_ids": [city.pothole_contract]}
    )
    account = add_service_account(session, ALL_SCOPES, **limits)
    return Role.integration, frozenset(ALL_SCOPES), service_account_actor(client, account)


def test_every_route_answers_404_for_another_vendors_records(
    caller_kind: str, paving_caller: tuple[Role, frozenset[str], Actor], safe_haven: dict[str, int], city: City
) -> None:
    role, scopes, actor = paving_caller
    ids = safe_haven | {"users": 1, "service-accounts": 1, "priorities": city.vision_zero}
    wrong: list[str] = []
    checked = 0
    for op in OPERATIONS:
        segments = [part for part in op.path.split("/")]
        owners = [segments[i - 1] for i, part in enumerate(segments) if part.startswith("{")]
        if not owners or op.key in WITHOUT_SIGN_IN:
            continue
        allowed = all(is_allowed(role, scopes, rule.area, rule.action) for rule in op.rules)
        owned = owners[0] in OWNED
        if role != Role.vendor and not owned:
            continue  # the city's catalogue and a caller's own settings are not a vendor's business
        assert owners[0] in ids or owners[0] not in OWNED, f"{op}: no Safe Haven record for {owners[0]}"
        expected = 404 if allowed or role == Role.vendor else 403
        response = actor.request(op.method, concrete_url(op.path, ids), **valid_request(op, ids))
        checked += 1
        if response.status_code != expected:
            wrong.append(f"{op}: expected {expected}, got {response.status_code} {response.text[:160]}")
        else:
            assert_problem(response, expected)
    assert checked >= 40
    assert wrong == [], "\n".join(wrong)


def test_lists_leave_out_another_vendors_records(
    caller_kind: str, paving_caller: tuple[Role, frozenset[str], Actor], safe_haven: dict[str, int], city: City
) -> None:
    _, _, actor = paving_caller
    listed = 0
    for op in OPERATIONS:
        if op.method != "GET" or "{" in op.path or op.key in WITHOUT_SIGN_IN:
            continue
        response = actor.get(op.path)
        if response.status_code != 200 or not response.headers["content-type"].startswith("application/json"):
            continue
        listed += 1
        leaked = [word for word in FOREIGN_WORDS if word in response.text]
        assert leaked == [], f"{op.path} shows {leaked}"
    assert listed >= 5
    own = actor.get(f"{API}/contracts/{city.pothole_contract}")
    assert own.status_code == 200 and own.json()["vendor_id"] == city.paving_vendor


def test_a_batch_that_reaches_beyond_the_vendor_is_refused_item_by_item_saying_why(
    caller_kind: str, paving_caller: tuple[Role, frozenset[str], Actor], safe_haven: dict[str, int], city: City
) -> None:
    _, _, actor = paving_caller
    month = closed_months(1)[0]
    response = actor.post(
        f"{API}/readings/batch",
        params={"mode": "accept_valid"},
        json={
            "readings": [
                {"metric_id": city.pothole_metric, "period": month, "value": "88"},
                {"metric_id": safe_haven["metrics"], "period": month, "value": "99"},
                {"contract_external_id": "PO-0777", "metric_code": "SHELTER-48H", "period": month, "value": "99"},
            ]
        },
    )
    assert response.status_code == 200, response.text
    own, foreign_by_id, foreign_by_code = response.json()["items"]
    assert own["outcome"] == "created"
    assert (foreign_by_id["outcome"], foreign_by_id["field"]) == ("rejected", "metric_id")
    assert "within your reach" in foreign_by_id["reason"]
    assert (foreign_by_code["outcome"], foreign_by_code["field"]) == ("rejected", "contract_external_id")
    assert "within your reach" in foreign_by_code["reason"]


def test_a_vendor_user_is_created_for_one_vendor_and_only_then(admin: Actor, city: City) -> None:
    person = {"email": "dana@paving.example", "full_name": "Dana Ortiz", "password": "a long enough passphrase"}
    assert_problem(admin.post(f"{API}/users", json=person | {"role": "vendor"}), 422, "body.vendor_id")
    assert_problem(
        admin.post(f"{API}/users", json=person | {"role": "viewer", "vendor_id": city.paving_vendor}),
        422,
        "body.vendor_id",
    )
    assert_problem(
        admin.post(
            f"{API}/users",
            json=person | {"role": "vendor", "vendor_id": city.paving_vendor, "department_ids": [city.transportation]},
        ),
        422,
        "body.department_ids",
    )
    created_user = admin.post(f"{API}/users", json=person | {"role": "vendor", "vendor_id": city.paving_vendor})
    assert created_user.status_code == 201, created_user.text
    assert created_user.json()["vendor_id"] == city.paving_vendor

    credentials = {"grant_type": "password", "username": person["email"], "password": person["password"]}
    signed_in = admin.client.post(f"{API}/auth/token", data=credentials)
    assert signed_in.status_code == 200, signed_in.text
    dana = Actor(admin.client, {"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    contracts = dana.get(f"{API}/contracts").json()["items"]
    assert [c["id"] for c in contracts] == [city.pothole_contract]
    assert_problem(dana.get(f"{API}/departments"), 404)  # the city's own catalogue does not exist for her


def test_a_service_account_is_limited_when_it_is_created(admin: Actor, city: City) -> None:
    response = admin.post(
        f"{API}/service-accounts",
        json={"name": "Metro Paving work-order feed", "scopes": ["readings:write"], "vendor_id": city.paving_vendor},
    )
    assert response.status_code == 201, response.text
    assert response.json()["vendor_id"] == city.paving_vendor
    assert_problem(
        admin.post(f"{API}/service-accounts", json={"name": "x", "scopes": ["readings:write"], "award_ids": [999999]}),
        422,
        "body.award_ids",
    )


def test_a_vendors_feed_carries_only_its_contracts_events_and_none_of_the_citys_internal_work(
    safe_haven: dict[str, int], city: City, admin: Actor, manager: Actor, session: Session, client: TestClient
) -> None:
    month = closed_months(1)[0]
    admin.post(f"{API}/metrics/{city.pothole_metric}/readings", json={"period": month, "value": "20"})
    [alert] = admin.get(f"{API}/alerts", params={"award_id": city.pothole_contract, "kind": "performance"}).json()[
        "items"
    ]
    assign = admin.post(f"{API}/alerts/{alert['id']}/assign", json={"assignee_id": manager.user_id})
    assert assign.status_code == 200, assign.text
    feed_reader = service_account_actor(
        client, add_service_account(session, [Scope.events_read.value], vendor_id=city.paving_vendor)
    )
    settle()

    events = feed_reader.get(f"{API}/events", params={"limit": 500}).json()["items"]

    assert events, "the pothole contract's alert should be in its vendor's feed"
    assert {event["award_id"] for event in events} == {city.pothole_contract}
    assert "alert.opened" in {event["type"] for event in events}
    assert "alert.assigned" not in {event["type"] for event in events}
