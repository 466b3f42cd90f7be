"""Alerts always belong to someone who can act on them: only people who can see an alert may be assigned it,
a new contract manager inherits the contract's open alerts, and an alert a manager closed too early comes
back as itself, with its history, instead of as a stranger."""

from __future__ import annotations

from typing import Any

from app.auth.roles import Role
from app.background import dispatch_events, refresh_queued_metrics
from app.db import get_engine
from tests.support import Actor, City, assert_problem, closed_months


def _open_performance_alert(manager: Actor, metric: int) -> dict[str, Any]:
    for period, value in zip(closed_months(2), ("80", "50"), strict=True):
        response = manager.post(f"/api/v1/metrics/{metric}/readings", json={"period": period, "value": value})
        assert response.status_code in (200, 201), response.text
    [alert] = manager.get("/api/v1/alerts", params={"metric_id": metric, "kind": "performance"}).json()["items"]
    return dict(alert)


def test_an_alert_can_only_be_assigned_to_an_active_person_who_can_see_it(
    admin: Actor, manager: Actor, make_actor: Any, city: City, streetlights: dict[str, int]
) -> None:
    alert = _open_performance_alert(manager, streetlights["metric"])
    outsider = make_actor(Role.contract_manager, (city.human_services,))
    colleague = make_actor(Role.contract_manager, (city.transportation,))
    citywide_viewer = make_actor(Role.viewer)
    gone = make_actor(Role.contract_manager, (city.transportation,))
    current = admin.get(f"/api/v1/users/{gone.user_id}")
    deactivated = admin.patch(
        f"/api/v1/users/{gone.user_id}", json={"is_active": False}, headers={"If-Match": current.headers["ETag"]}
    )
    assert deactivated.status_code == 200, deactivated.text

    url = f"/api/v1/alerts/{alert['id']}/assign"
    for person in (outsider, gone):
        refused = assert_problem(manager.post(url, json={"assignee_id": person.user_id}), 422, "body.assignee_id")
        assert str(person.user_id) in refused["errors"][0]["message"]
    assert_problem(manager.post(url, json={"assignee_id": 999_999}), 422, "body.assignee_id")
    for person in (colleague, citywide_viewer):
        assigned = manager.post(url, json={"assignee_id": person.user_id})
        assert assigned.status_code == 200, assigned.text
        assert assigned.json()["assignee_id"] == person.user_id
        assert person.get(f"/api/v1/alerts/{alert['id']}").status_code == 200  # and they can open it


def test_a_new_contract_manager_inherits_the_open_alerts_of_the_old_one(
    admin: Actor, manager: Actor, make_actor: Any, city: City, streetlights: dict[str, int]
) -> None:
    contract = streetlights["contract"]
    alert = _open_performance_alert(manager, streetlights["metric"])
    successor = make_actor(Role.contract_manager, (city.transportation,), email="sam@city.example")
    current = admin.get(f"/api/v1/contracts/{contract}")
    changed = admin.patch(
        f"/api/v1/contracts/{contract}",
        json={"contract_manager_id": successor.user_id},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    dispatch_events(get_engine())  # what the dispatcher job does right after the commit

    mine = successor.get("/api/v1/alerts", params={"assignee": "me", "contract_id": contract}).json()["items"]
    assert alert["id"] in [a["id"] for a in mine]
    assert manager.get("/api/v1/alerts", params={"assignee": "me", "contract_id": contract}).json()["items"] == []
    history = manager.get(f"/api/v1/alerts/{alert['id']}").json()["history"]
    assert history[-1]["event"] == "assigned" and history[-1]["actor"] == "system"
    assert str(successor.user_id) in history[-1]["note"]


def test_an_alert_resolved_by_hand_while_its_condition_holds_reopens_with_its_history(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    alert = _open_performance_alert(manager, metric)
    resolved = manager.post(f"/api/v1/alerts/{alert['id']}/resolve", json={"note": "Vendor says it is fixed"})
    assert resolved.status_code == 200, resolved.text

    # The next reading is still far below expectation: the same alert comes back.
    latest = closed_months(1)[0]
    manager.post(f"/api/v1/metrics/{metric}/readings", json={"period": latest, "value": "49"})
    refresh_queued_metrics()
    [again] = manager.get("/api/v1/alerts", params={"metric_id": metric, "kind": "performance"}).json()["items"]
    assert again["id"] == alert["id"] and again["status"] == "open"
    history = manager.get(f"/api/v1/alerts/{alert['id']}").json()["history"]
    assert [e["event"] for e in history][-2:] == ["resolved", "reopened"]
    assert history[-1]["actor"] == "system" and "resolved by hand" in history[-1]["note"]
