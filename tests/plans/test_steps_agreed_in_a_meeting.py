"""Steps agreed at a performance meeting link to it, so the minutes and the plan point at each other."""

from __future__ import annotations

from typing import Any

from tests.support import Actor, assert_problem, created

API = "/api/v1"


def test_a_step_agreed_in_a_meeting_links_to_it_and_a_vendor_cannot_link_one(
    manager: Actor, vendor: Actor, alert: dict[str, Any], streetlights: dict[str, int]
) -> None:
    meeting = created(
        manager.post(f"{API}/contracts/{streetlights['contract']}/meetings", json={"held_on": "2026-11-20"})
    )
    step = {"title": "Approve overtime", "owner_user_id": manager.user_id, "due_date": "2026-12-31"}

    plan = manager.post(
        f"{API}/alerts/{alert['id']}/plans", json={"title": "Overtime", "steps": [step | {"meeting_id": meeting}]}
    )

    assert plan.status_code == 201, plan.text
    assert plan.json()["steps"][0]["meeting_id"] == meeting
    listed = manager.get(f"{API}/action-items", params={"award_id": streetlights["contract"]}).json()["items"]
    assert [item["meeting_id"] for item in listed] == [meeting]
    assert_problem(
        manager.post(f"{API}/plans/{plan.json()['id']}/steps", json=step | {"meeting_id": 999999}),
        422,
        "body.meeting_id",
    )
    vendor_step = step | {"owner_user_id": vendor.user_id, "meeting_id": meeting}
    assert_problem(
        vendor.post(f"{API}/alerts/{alert['id']}/plans", json={"title": "Crew", "steps": [vendor_step]}),
        422,
        "body.steps.0.meeting_id",
    )
