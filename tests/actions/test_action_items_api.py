"""Action items owned by people: the owner is a user who can see the item (city staff of the contract's
department, or one of the vendor's people), completion is timed, the vendor's people close their own items and
touch nothing else, and a new item's Location leads to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.auth.models import User
from app.auth.roles import Role
from app.db import utcnow
from tests.dialogue.helpers import API, patch_item
from tests.support import Actor, City, assert_problem, created


def _item(**overrides: Any) -> dict[str, Any]:
    due = utcnow().date() + timedelta(days=14)
    return {"title": "Send the crew roster for November", "due_date": str(due)} | overrides


def test_a_new_item_says_where_it_lives_and_takes_its_owner_from_the_user(
    manager: Actor, vendor: Actor, streetlights: dict[str, int]
) -> None:
    items = f"{API}/contracts/{streetlights['contract']}/action-items"
    response = manager.post(items, json=_item(owner_user_id=vendor.user_id))
    item = created(response)
    assert response.headers["Location"] == f"{API}/action-items/{item}"
    assert manager.get(response.headers["Location"]).status_code == 200
    body = response.json()
    assert (body["owner_user_id"], body["owner_side"], body["owner_name"]) == (vendor.user_id, "vendor", "Test vendor")

    mine = created(manager.post(items, json=_item(owner_user_id=manager.user_id, owner_name="ignored")))
    assert manager.get(f"{API}/action-items/{mine}").json()["owner_side"] == "city"

    # Clients that name the owner in words keep working.
    legacy = manager.post(items, json=_item(owner_side="vendor", owner_name="Metro Paving dispatch"))
    assert (legacy.status_code, legacy.json()["owner_user_id"]) == (201, None)
    missing = assert_problem(manager.post(items, json=_item()), 422)
    assert {e["field"] for e in missing["errors"]} == {"body.owner_side", "body.owner_name"}
    # While a user owns the item, the words follow the user.
    assert_problem(patch_item(manager, item, {"owner_name": "Someone else"}), 422, "body.owner_name")


def test_the_owner_must_be_an_active_person_who_can_see_the_item(
    manager: Actor, other_vendor: Actor, make_actor: Any, city: City, streetlights: dict[str, int], session: Session
) -> None:
    items = f"{API}/contracts/{streetlights['contract']}/action-items"
    housing = make_actor(Role.contract_manager, (city.human_services,))
    gone = make_actor(Role.contract_manager, (city.transportation,))
    user = session.get(User, gone.user_id)
    assert user is not None
    user.is_active = False
    session.add(user)
    session.commit()
    for owner, code in (
        (other_vendor.user_id, "cannot_see"),
        (housing.user_id, "cannot_see"),
        (gone.user_id, "inactive_user"),
        (2_000_000, "unknown_reference"),
    ):
        problem = assert_problem(manager.post(items, json=_item(owner_user_id=owner)), 422, "body.owner_user_id")
        assert problem["errors"][0]["code"] == code
    assert manager.get(items).json()["total"] == 0


def test_completion_is_timed_and_cleared_when_an_item_is_reopened(manager: Actor, streetlights: dict[str, int]) -> None:
    item = created(
        manager.post(
            f"{API}/contracts/{streetlights['contract']}/action-items", json=_item(owner_user_id=manager.user_id)
        )
    )
    before = utcnow()
    done = patch_item(manager, item, {"status": "done"}).json()
    assert datetime.fromisoformat(done["completed_at"]) >= before
    reopened = patch_item(manager, item, {"status": "open"}).json()
    assert reopened["completed_at"] is None


def test_the_vendor_closes_their_own_items_and_nothing_else(
    manager: Actor, vendor: Actor, other_vendor: Actor, streetlights: dict[str, int]
) -> None:
    items = f"{API}/contracts/{streetlights['contract']}/action-items"
    theirs = created(manager.post(items, json=_item(owner_user_id=vendor.user_id)))
    ours = created(manager.post(items, json=_item(title="Approve the permits", owner_user_id=manager.user_id)))

    assert {i["id"] for i in vendor.get(items).json()["items"]} == {theirs, ours}
    assert (
        "corrective plan" in assert_problem(vendor.post(items, json=_item(owner_user_id=vendor.user_id)), 403)["detail"]
    )
    assert "not yours" in assert_problem(patch_item(vendor, ours, {"status": "done"}), 403)["detail"]
    assert "title" in assert_problem(patch_item(vendor, theirs, {"title": "Done already"}), 403)["detail"]
    assert_problem(vendor.delete(f"{API}/action-items/{theirs}"), 403)
    closed = patch_item(vendor, theirs, {"status": "done"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "done" and closed.json()["completed_at"] is not None

    assert_problem(other_vendor.get(f"{API}/action-items/{theirs}"), 404)
    assert_problem(other_vendor.get(items), 404)
