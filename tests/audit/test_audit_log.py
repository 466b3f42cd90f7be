"""The audit log answers "who changed what, when, and from which request" — and cannot itself be changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.audit.models import AuditEntry
from app.auth.roles import Role
from tests.auth.helpers import API, audit_count, audit_rows
from tests.support import Actor, City, assert_problem, contract_payload, created, metric_payload

AUDIT = f"{API}/audit"
CONTRACTS = f"{API}/contracts"


def new_contract(city: City, **overrides: Any) -> dict[str, Any]:
    return (
        contract_payload(
            number="C-2026-0200",
            title="Traffic signal maintenance",
            value="1250000.00",
            external_id="PO-4500020000",
            vendor_id=city.paving_vendor,
            department_id=city.transportation,
        )
        | overrides
    )


def only_new_entry(session: Session, before: int) -> AuditEntry:
    rows = audit_rows(session)
    assert len(rows) == before + 1, [(r.entity, r.action) for r in rows[before:]]
    return rows[-1]


# --- one entry per write ---------------------------------------------------------------------------


def test_creating_a_contract_leaves_one_entry_naming_who_what_and_the_request(
    buyer: Actor, city: City, session: Session
) -> None:
    before = audit_count(session)

    response = buyer.post(CONTRACTS, json=new_contract(city), headers={"X-Request-ID": "helpdesk-4711"})

    contract_id = created(response)
    assert response.headers["X-Request-ID"] == "helpdesk-4711"
    entry = only_new_entry(session, before)
    assert (entry.actor, entry.actor_role) == (f"user:{buyer.user_id}", "procurement_officer")
    assert (entry.entity, entry.entity_id, entry.action) == ("contract", contract_id, "create")
    assert entry.request_id == "helpdesk-4711"
    assert entry.changes["title"] == [None, "Traffic signal maintenance"]
    assert entry.changes["value"] == [None, "1250000.00"]
    assert entry.changes["department_id"] == [None, city.transportation]
    assert entry.changes["kind"] == [None, "contract"]
    assert not {"version", "created_at", "updated_at"} & set(entry.changes)
    assert entry.occurred_at.tzinfo is not None
    assert abs(datetime.now(UTC) - entry.occurred_at) < timedelta(minutes=1)


def test_updating_a_contract_records_only_the_changed_fields_before_and_after(
    buyer: Actor, city: City, session: Session
) -> None:
    url = f"{CONTRACTS}/{city.pothole_contract}"
    etag = buyer.get(url).headers["ETag"]
    before = audit_count(session)

    response = buyer.patch(
        url,
        json={"title": "Pothole repair, citywide", "value": "5100000.00", "currency": "USD"},
        headers={"If-Match": etag, "X-Request-ID": "change-2026-031"},
    )

    assert response.status_code == 200, response.text
    entry = only_new_entry(session, before)
    assert (entry.entity, entry.entity_id, entry.action) == ("contract", city.pothole_contract, "update")
    assert entry.actor == f"user:{buyer.user_id}"
    assert entry.request_id == "change-2026-031"
    # currency was sent but did not change, so it is not in the entry.
    assert entry.changes == {
        "title": ["Pothole repair services", "Pothole repair, citywide"],
        "value": ["4800000.00", "5100000.00"],
    }


def test_deleting_a_contract_records_what_it_was(buyer: Actor, city: City, session: Session) -> None:
    contract_id = created(buyer.post(CONTRACTS, json=new_contract(city)))
    before = audit_count(session)

    response = buyer.delete(f"{CONTRACTS}/{contract_id}", headers={"X-Request-ID": "cleanup-1"})

    assert response.status_code == 204, response.text
    entry = only_new_entry(session, before)
    assert (entry.entity, entry.entity_id, entry.action, entry.request_id) == (
        "contract",
        contract_id,
        "delete",
        "cleanup-1",
    )
    assert entry.changes["title"] == ["Traffic signal maintenance", None]
    assert entry.changes["number"] == ["C-2026-0200", None]


def test_changing_a_user_leaves_one_entry(admin: Actor, make_actor: Any, city: City, session: Session) -> None:
    viewer = make_actor(Role.viewer)
    before = audit_count(session)

    response = admin.patch(
        f"{API}/users/{viewer.user_id}",
        json={"role": "contract_manager", "department_ids": [city.human_services]},
        headers={"If-Match": '"v1"', "X-Request-ID": "access-request-88"},
    )

    assert response.status_code == 200, response.text
    entry = only_new_entry(session, before)
    assert (entry.actor, entry.entity, entry.entity_id, entry.action) == (
        f"user:{admin.user_id}",
        "user",
        viewer.user_id,
        "update",
    )
    assert entry.request_id == "access-request-88"
    assert entry.changes == {
        "role": ["viewer", "contract_manager"],
        "department_ids": [[], [city.human_services]],
    }


def test_an_unusable_request_id_is_replaced_and_the_replacement_is_what_gets_audited(
    buyer: Actor, city: City, session: Session
) -> None:
    before = audit_count(session)

    response = buyer.post(CONTRACTS, json=new_contract(city), headers={"X-Request-ID": "has spaces; and=junk"})

    created(response)
    generated = response.headers["X-Request-ID"]
    assert generated != "has spaces; and=junk"
    assert only_new_entry(session, before).request_id == generated


def test_reading_leaves_no_entries(viewer: Actor, city: City, session: Session) -> None:
    before = audit_count(session)
    for url in (CONTRACTS, f"{CONTRACTS}/{city.pothole_contract}", f"{API}/goals", f"{API}/metrics"):
        assert viewer.get(url).status_code == 200
    assert audit_count(session) == before


# --- failed writes leave nothing -------------------------------------------------------------------


def test_writes_that_fail_leave_no_entry(buyer: Actor, admin: Actor, city: City, session: Session) -> None:
    url = f"{CONTRACTS}/{city.pothole_contract}"
    contract_before = admin.get(url).json()
    before = audit_count(session)

    attempts = [
        (buyer.post(CONTRACTS, json=new_contract(city, title=None)), 422),
        (buyer.post(CONTRACTS, json=new_contract(city, end_date="2020-01-01")), 422),
        (buyer.post(CONTRACTS, json=new_contract(city, vendor_id=987654)), 422),
        (buyer.post(CONTRACTS, json=new_contract(city, number="C-2026-0142")), 409),
        (buyer.update(url, {"end_date": "2020-01-01"}), 422),
        (buyer.update(url, {"title": None}), 422),
        (buyer.update(url, {"vendor_id": 987654}), 422),
        (buyer.patch(url, json={"title": "Stale edit"}, headers={"If-Match": '"v99"'}), 412),
        (buyer.patch(url, json={"title": "Blind edit"}), 428),
        (buyer.delete(f"{API}/departments/{city.transportation}"), 403),
        (admin.delete(f"{API}/departments/{city.transportation}"), 409),
    ]

    for response, status in attempts:
        assert_problem(response, status)
    assert audit_count(session) == before
    assert admin.get(url).json() == contract_before


def test_a_write_that_fails_half_way_rolls_back_its_entries_with_it(
    admin: Actor, buyer: Actor, city: City, session: Session
) -> None:
    """Carrying over two goals where the second clashes: neither goal, metric nor entry is kept."""
    first = created(admin.post(f"{API}/procurements/{city.pothole_rfp}/goals", json={"title": "Fewer repeat potholes"}))
    created(admin.post(f"{API}/goals/{first}/metrics", json=metric_payload(code="REPEAT")))
    second = created(admin.post(f"{API}/procurements/{city.pothole_rfp}/goals", json={"title": "Fast repairs"}))
    created(admin.post(f"{API}/goals/{second}/metrics", json=metric_payload()))  # the contract has POT-48H already
    goals_before = admin.get(f"{CONTRACTS}/{city.pothole_contract}/goals").json()
    before = audit_count(session)

    response = buyer.post(f"{CONTRACTS}/{city.pothole_contract}/goals/carry-over")

    assert_problem(response, 409)
    assert admin.get(f"{CONTRACTS}/{city.pothole_contract}/goals").json() == goals_before
    assert audit_count(session) == before


# --- reading the log -------------------------------------------------------------------------------


@pytest.fixture
def history(admin: Actor, buyer: Actor, city: City, session: Session) -> dict[str, Any]:
    """A buyer creates a contract and renames a grant, after the admin built the city."""
    boundary = audit_rows(session)[-1]
    contract_id = created(buyer.post(CONTRACTS, json=new_contract(city)))
    assert buyer.update(f"{API}/grants/{city.rehousing_grant}", {"title": "Rehousing"}).status_code == 200
    return {"boundary": boundary, "contract": contract_id, "admin_entries": len(audit_rows(session)) - 2}


def _entries(admin: Actor, **params: Any) -> list[dict[str, Any]]:
    response = admin.get(AUDIT, params=params | {"limit": 200})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return list(page["items"])


def test_the_log_can_be_filtered_by_entity_id_and_actor(
    admin: Actor, buyer: Actor, city: City, history: dict[str, Any]
) -> None:
    contracts = _entries(admin, entity="contract")
    assert sorted(e["entity_id"] for e in contracts) == sorted([city.pothole_contract, history["contract"]])
    assert {e["entity"] for e in contracts} == {"contract"}

    (grant_rename,) = _entries(admin, entity="grant", entity_id=city.rehousing_grant, actor=f"user:{buyer.user_id}")
    assert grant_rename["action"] == "update"
    assert grant_rename["changes"] == {"title": ["Rapid rehousing for families", "Rehousing"]}

    by_buyer = _entries(admin, actor=f"user:{buyer.user_id}")
    assert [(e["entity"], e["action"]) for e in by_buyer] == [
        ("grant", "update"),
        ("contract", "create"),
    ]  # newest first
    assert len(_entries(admin, actor=f"user:{admin.user_id}")) == history["admin_entries"]
    assert _entries(admin, actor="user:987654") == []


def test_the_log_can_be_filtered_by_time_in_any_time_zone(admin: Actor, history: dict[str, Any]) -> None:
    boundary: AuditEntry = history["boundary"]
    everything = _entries(admin)
    in_tokyo = boundary.occurred_at.astimezone(timezone(timedelta(hours=9)))
    in_denver = boundary.occurred_at.astimezone(timezone(timedelta(hours=-7)))

    since = _entries(admin, since=in_tokyo.isoformat())
    until = _entries(admin, until=in_denver.isoformat())

    assert [e["id"] for e in since][-1] == boundary.id  # "since" includes the instant itself
    assert len(since) == 3
    assert boundary.id not in [e["id"] for e in until]  # "until" excludes it
    assert len(since) + len(until) == len(everything)
    window = _entries(admin, since=in_denver.isoformat(), until=(boundary.occurred_at + timedelta(hours=1)).isoformat())
    assert len(window) == 3
    assert _entries(admin, since=(datetime.now(UTC) + timedelta(minutes=5)).isoformat()) == []


@pytest.mark.parametrize("param", ["since", "until"])
def test_a_time_without_a_time_zone_is_a_422_not_a_guess(admin: Actor, param: str) -> None:
    assert_problem(admin.get(AUDIT, params={param: "2026-01-01T00:00:00"}), 422, f"query.{param}")
    assert_problem(admin.get(AUDIT, params={param: "last tuesday"}), 422, f"query.{param}")


def test_only_admins_read_the_log(make_actor: Any, admin: Actor) -> None:
    for role in (Role.procurement_officer, Role.contract_manager, Role.viewer):
        assert_problem(make_actor(role).get(AUDIT), 403)
    assert admin.get(AUDIT).status_code == 200


def test_the_log_offers_no_way_to_change_it(admin: Actor) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert admin.request(method, AUDIT, json={}).status_code == 405
        assert admin.request(method, f"{AUDIT}/1", json={}).status_code in {404, 405}


# --- the database itself refuses edits ---------------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_audit_entries(buyer: Actor, city: City, session: Session) -> None:
    created(buyer.post(CONTRACTS, json=new_contract(city)))
    original = [(e.id, e.actor, e.action, e.changes) for e in audit_rows(session)]

    for statement in (
        update(AuditEntry).values(actor="user:someone-else"),
        update(AuditEntry).where(AuditEntry.entity == "contract").values(changes={}),
        delete(AuditEntry),
        delete(AuditEntry).where(AuditEntry.action == "create"),
        text("UPDATE audit_log SET action = 'nothing'"),
        text("DELETE FROM audit_log"),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(statement)
        session.rollback()

    entry = audit_rows(session)[-1]
    entry.action = "tampered"
    session.add(entry)
    with pytest.raises(DBAPIError, match="append-only"):
        session.commit()
    session.rollback()

    assert [(e.id, e.actor, e.action, e.changes) for e in audit_rows(session)] == original
