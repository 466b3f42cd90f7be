"""A contract manager's monthly performance meeting with a vendor: the agenda writes itself from the contract's
open alerts, overdue data, action items due and the latest readings; the action items agreed are tracked until
done. Only managers (and admins) hold meetings; everyone else is refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.auth.roles import Role
from app.db import utcnow
from tests.support import Actor, City, assert_problem, closed_months, contract_payload, created

API = "/api/v1"


@pytest.fixture
def contract(streetlights: dict[str, int], manager: Actor) -> dict[str, int]:
    """The street-light contract, whose last two months' figures opened an alert (two: early in a month the one
    before last is the latest whose deadline has passed, and it must not be missing)."""
    metric = streetlights["metric"]
    for month in closed_months(2):
        reading = manager.post(f"{API}/metrics/{metric}/readings", json={"period": month, "value": "50"})
        assert reading.status_code in (200, 201), reading.text
    alerts = manager.get(f"{API}/alerts", params={"metric_id": metric, "kind": "performance"}).json()["items"]
    assert [alert["status"] for alert in alerts] == ["open"]
    return streetlights | {"alert": alerts[0]["id"]}


def _action_item(due: date, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Vendor to add a night crew",
        "owner_side": "vendor",
        "owner_name": "Jordan Reyes",
        "due_date": due.isoformat(),
        **fields,
    }


def _meeting(held_on: date | None = None) -> dict[str, Any]:
    return {
        "held_on": (held_on or utcnow().date()).isoformat(),
        "attendees": [
            {"name": "Casey Morgan", "side": "city", "role": "contract manager"},
            {"name": "Jordan Reyes", "side": "vendor", "role": "operations lead"},
        ],
    }


def test_a_meeting_on_a_contract_with_an_open_alert_gets_an_agenda_led_by_that_alert(
    manager: Actor, contract: dict[str, int]
) -> None:
    response = manager.post(f"{API}/contracts/{contract['contract']}/meetings", json=_meeting())

    assert response.status_code == 201, response.text
    meeting = response.json()
    assert response.headers["Location"] == f"{API}/meetings/{meeting['id']}"
    assert response.headers["ETag"]
    assert meeting["award_id"] == contract["contract"]
    assert meeting["title"] == "Monthly performance review"
    assert [attendee["side"] for attendee in meeting["attendees"]] == ["city", "vendor"]
    first = meeting["agenda"][0]
    assert (first["kind"], first["ref_id"]) == ("open_alert", contract["alert"])
    assert first["text"].startswith("[high] performance:")
    assert "latest_reading" in [entry["kind"] for entry in meeting["agenda"]]  # last month's figure is news
    assert meeting["held_at"] is None

    listed = manager.get(f"{API}/contracts/{contract['contract']}/meetings").json()
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    assert manager.get(f"{API}/meetings/{meeting['id']}").json()["agenda"] == meeting["agenda"]


def test_action_items_are_tracked_and_the_overdue_ones_lead_the_next_agenda(
    manager: Actor, contract: dict[str, int]
) -> None:
    award = contract["contract"]
    meeting = created(manager.post(f"{API}/contracts/{award}/meetings", json=_meeting(utcnow().date() - timedelta(1))))
    today = utcnow().date()
    late = manager.post(
        f"{API}/contracts/{award}/action-items",
        json=_action_item(today - timedelta(days=3), meeting_id=meeting, alert_id=contract["alert"]),
    )
    assert late.status_code == 201, late.text
    assert (late.json()["overdue"], late.json()["status"]) == (True, "open")
    upcoming = created(
        manager.post(
            f"{API}/contracts/{award}/action-items",
            json=_action_item(today + timedelta(days=14), title="City to share the outage map", owner_side="city"),
        )
    )
    finished = created(
        manager.post(
            f"{API}/contracts/{award}/action-items",
            json=_action_item(today - timedelta(days=10), title="Vendor to send the crew roster", status="done"),
        )
    )

    overdue = manager.get(f"{API}/action-items", params={"overdue": "true"}).json()
    assert [item["id"] for item in overdue["items"]] == [late.json()["id"]]
    not_overdue = manager.get(f"{API}/action-items", params={"overdue": "false", "sort": "id"}).json()
    assert [item["id"] for item in not_overdue["items"]] == [upcoming, finished]
    of_the_contract = manager.get(f"{API}/contracts/{award}/action-items").json()
    assert of_the_contract["total"] == 3

    next_meeting = manager.post(f"{API}/contracts/{award}/meetings", json=_meeting()).json()
    agenda = [(entry["kind"], entry["ref_id"]) for entry in next_meeting["agenda"]]
    assert agenda[:3] == [
        ("open_alert", contract["alert"]),
        ("overdue_action_item", late.json()["id"]),
        ("action_item_due", upcoming),  # due within 14 days
    ]
    assert "3 days late" in next_meeting["agenda"][1]["text"]
    assert "in 14 days" in next_meeting["agenda"][2]["text"]

    done = manager.update(f"{API}/action-items/{late.json()['id']}", {"status": "done"})
    assert done.status_code == 200, done.text
    assert done.json()["overdue"] is False
    assert manager.get(f"{API}/action-items", params={"overdue": "true"}).json()["items"] == []


def test_an_action_item_cannot_point_at_another_contracts_alert(
    admin: Actor, city: City, manager: Actor, contract: dict[str, int]
) -> None:
    other = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-SIGNALS-01",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
                external_id="PO-SIGNALS-01",
            ),
        )
    )
    response = manager.post(
        f"{API}/contracts/{other}/action-items",
        json=_action_item(utcnow().date(), alert_id=contract["alert"]),
    )
    assert_problem(response, 422, "body.alert_id")


@pytest.mark.parametrize("role", [Role.procurement_officer, Role.viewer])
def test_only_managers_hold_meetings_and_agree_action_items(
    make_actor: Any, city: City, contract: dict[str, int], role: Role
) -> None:
    award = contract["contract"]
    someone = make_actor(role, (city.transportation,))

    assert_problem(someone.post(f"{API}/contracts/{award}/meetings", json=_meeting()), 403)
    assert_problem(someone.post(f"{API}/contracts/{award}/action-items", json=_action_item(utcnow().date())), 403)
    assert someone.get(f"{API}/contracts/{award}/meetings").status_code == 200  # staff may read them


def test_a_manager_of_another_department_and_an_anonymous_caller_are_refused(
    make_actor: Any, anonymous: Actor, manager: Actor, city: City, contract: dict[str, int]
) -> None:
    award = contract["contract"]
    meeting = created(manager.post(f"{API}/contracts/{award}/meetings", json=_meeting()))
    outsider = make_actor(Role.contract_manager, (city.human_services,))

    assert_problem(outsider.post(f"{API}/contracts/{award}/meetings", json=_meeting()), 404)
    assert_problem(outsider.get(f"{API}/meetings/{meeting}"), 404)
    assert outsider.get(f"{API}/meetings").json()["items"] == []
    assert_problem(anonymous.post(f"{API}/contracts/{award}/meetings", json=_meeting()), 401)
    assert_problem(anonymous.get(f"{API}/meetings/{meeting}"), 401)
    assert manager.get(f"{API}/contracts/{award}/meetings").json()["total"] == 1  # nothing was added
