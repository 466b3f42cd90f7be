"""Corrective action plans: either side proposes and edits while proposed, only the city agrees or rejects, steps
are action items whose owners must be able to see them, and a rejected plan leaves no work behind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.db import utcnow
from tests.dialogue.helpers import API, inbox, patch_item
from tests.support import Actor, assert_problem, created


def _step(owner: int | None, title: str = "Start a night crew") -> dict[str, Any]:
    return {"title": title, "owner_user_id": owner, "due_date": str(utcnow().date() + timedelta(days=21))}


def test_a_plan_with_a_step_nobody_could_see_is_refused_whole(
    manager: Actor, other_vendor: Actor, alert: dict[str, Any], streetlights: dict[str, int]
) -> None:
    refused = manager.post(
        f"{API}/alerts/{alert['id']}/plans",
        json={"title": "Backlog", "steps": [_step(manager.user_id), _step(other_vendor.user_id, "Their step")]},
    )
    assert assert_problem(refused, 422, "body.steps.1.owner_user_id")["errors"][0]["code"] == "cannot_see"
    assert manager.get(f"{API}/plans", params={"alert_id": alert["id"]}).json()["total"] == 0
    assert manager.get(f"{API}/contracts/{streetlights['contract']}/action-items").json()["total"] == 0


def test_either_side_edits_a_proposal_and_only_the_city_decides(
    manager: Actor, vendor: Actor, alert: dict[str, Any]
) -> None:
    plan = created(manager.post(f"{API}/alerts/{alert['id']}/plans", json={"title": "Night crew"}))
    url = f"{API}/plans/{plan}"
    assert_problem(vendor.patch(url, json={"title": "Night crew, two shifts"}), 428)
    edited = vendor.update(url, {"title": "Night crew, two shifts", "description": "Mondays to Thursdays"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["version"]) == ("Night crew, two shifts", 2)
    assert_problem(vendor.update(url, {"title": None}), 422, "body.title")

    assert "no steps" in assert_problem(manager.post(f"{url}/agree"), 409)["detail"]
    step = vendor.post(f"{url}/steps", json=_step(vendor.user_id))
    assert step.status_code == 201, step.text
    assert step.headers["Location"] == f"{API}/action-items/{step.json()['id']}"
    assert (step.json()["plan_id"], step.json()["alert_id"]) == (plan, alert["id"])

    assert_problem(vendor.post(f"{url}/agree"), 404)
    assert_problem(vendor.post(f"{url}/reject"), 404)
    agreed = manager.post(f"{url}/agree")
    assert agreed.json()["status"] == "agreed" and agreed.json()["agreed_at"] is not None
    assert any(n["event_type"] == "plan.agreed" for n in inbox(vendor))
    assert_problem(vendor.update(url, {"title": "Too late"}), 409)
    assert_problem(manager.post(f"{url}/reject"), 409)
    assert vendor.post(f"{url}/steps", json=_step(manager.user_id, "Approve overtime")).status_code == 201

    listed = vendor.get(f"{API}/plans", params={"alert_id": alert["id"], "status": "agreed"}).json()
    assert [p["id"] for p in listed["items"]] == [plan]
    assert [s["title"] for s in listed["items"][0]["steps"]] == ["Start a night crew", "Approve overtime"]
    assert vendor.get(f"{API}/plans", params={"status": "proposed"}).json()["total"] == 0


def test_a_rejected_plan_cancels_its_open_steps_and_takes_no_more(
    manager: Actor, vendor: Actor, alert: dict[str, Any]
) -> None:
    proposed = vendor.post(
        f"{API}/alerts/{alert['id']}/plans",
        json={"title": "Subcontract the backlog", "steps": [_step(vendor.user_id), _step(vendor.user_id, "Report")]},
    )
    plan = created(proposed)
    assert any(n["event_type"] == "plan.proposed" for n in inbox(manager))
    rejected = manager.post(f"{API}/plans/{plan}/reject", json={"note": "Subcontracting is not allowed"})
    assert rejected.json()["status"] == "rejected"
    assert [s["status"] for s in rejected.json()["steps"]] == ["cancelled", "cancelled"]
    assert_problem(vendor.post(f"{API}/plans/{plan}/steps", json=_step(vendor.user_id)), 409)
    history = [e["event"] for e in manager.get(f"{API}/alerts/{alert['id']}").json()["history"]]
    assert history[-2:] == ["plan_proposed", "plan_rejected"]


def test_an_agreed_plan_completes_when_its_steps_are_settled_with_at_least_one_done(
    manager: Actor, alert: dict[str, Any]
) -> None:
    proposed = manager.post(
        f"{API}/alerts/{alert['id']}/plans",
        json={"title": "Two tries", "steps": [_step(manager.user_id), _step(manager.user_id, "Plan B")]},
    )
    plan = created(proposed)
    first, second = (s["id"] for s in proposed.json()["steps"])
    manager.post(f"{API}/plans/{plan}/agree")
    patch_item(manager, second, {"status": "cancelled"})
    assert manager.get(f"{API}/plans/{plan}").json()["status"] == "agreed"  # nothing was done yet
    done = patch_item(manager, first, {"status": "done"}).json()
    completed = manager.get(f"{API}/plans/{plan}").json()
    assert (completed["status"], completed["completed_at"]) == ("completed", done["completed_at"])
    assert manager.get(f"{API}/alerts/{alert['id']}").json()["resolution_requested_at"] is not None
