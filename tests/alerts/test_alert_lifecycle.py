"""A contract manager's month: readings come in, the contract drifts off track, an alert opens with
reasons in numbers, the manager works it, and it resolves itself when the numbers recover."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.auth.roles import Role
from app.db import get_engine, utcnow
from app.status.sweep import sweep
from tests.support import Actor, City, assert_problem, closed_months

FISCAL_START = 7  # the default fiscal year (July), as the server runs in these tests


def _post(actor: Actor, metric: int, values: dict[str, str]) -> None:
    for period, value in values.items():
        response = actor.post(f"/api/v1/metrics/{metric}/readings", json={"period": period, "value": value})
        assert response.status_code in (200, 201), response.text


def _alerts(actor: Actor, **params: Any) -> list[dict[str, Any]]:
    response = actor.get("/api/v1/alerts", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_reading_far_below_expectation_opens_an_alert_that_resolves_itself_when_numbers_recover(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    months = closed_months(3)
    _post(manager, metric, {months[0]: "81", months[1]: "80", months[2]: "60"})

    status = manager.get(f"/api/v1/metrics/{metric}/status").json()
    assert status["performance"] == "off_track"
    reason = status["reasons"][0]
    assert reason["code"] == "below_expected"
    assert months[2] in reason["message"] and "60" in reason["message"] and "25 %" in reason["message"]

    [alert] = _alerts(manager, assignee="me", kind="performance")
    assert (alert["kind"], alert["severity"], alert["status"]) == ("performance", "high", "open")
    assert alert["summary"] == reason["message"]

    contract_status = manager.get(f"/api/v1/contracts/{streetlights['contract']}/status").json()
    assert contract_status["performance"] == "off_track"
    assert contract_status["counts"]["off_track"] == 1

    _post(manager, metric, {months[2]: "79"})  # the vendor's corrected figure
    assert _alerts(manager, assignee="me", kind="performance") == []
    resolved = manager.get(f"/api/v1/alerts/{alert['id']}").json()
    assert resolved["status"] == "resolved"
    assert resolved["resolution_note"].startswith("Resolved automatically: back on track")
    assert [event["event"] for event in resolved["history"]] == ["opened", "resolved"]


def test_severity_is_raised_in_place_and_the_manager_works_the_alert(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    months = closed_months(2)
    _post(manager, metric, {months[0]: "80", months[1]: "74"})  # 7.5 % short: at risk
    [alert] = _alerts(manager, metric_id=metric, kind="performance")
    assert alert["severity"] == "medium"

    _post(manager, metric, {months[1]: "60"})  # now 25 % short: off track, same alert raised
    [raised] = _alerts(manager, metric_id=metric, kind="performance")
    assert raised["id"] == alert["id"] and raised["severity"] == "high"

    acknowledged = manager.post(f"/api/v1/alerts/{alert['id']}/acknowledge", json={"note": "Meeting booked"})
    assert acknowledged.json()["status"] == "acknowledged"
    assert_problem(manager.post(f"/api/v1/alerts/{alert['id']}/acknowledge"), 409)
    resolved = manager.post(f"/api/v1/alerts/{alert['id']}/resolve", json={"note": "Vendor added a night crew"})
    assert resolved.json()["status"] == "resolved"
    reopened = manager.post(f"/api/v1/alerts/{alert['id']}/reopen", json={"note": "Still short in the data"})
    assert reopened.json()["status"] == "open"

    history = [e["event"] for e in manager.get(f"/api/v1/alerts/{alert['id']}").json()["history"]]
    assert history == ["opened", "raised", "acknowledged", "resolved", "reopened"]
    assert_problem(manager.post(f"/api/v1/alerts/{alert['id']}/resolve", json={}), 422, "body.note")


def test_the_sweep_flags_missing_data_once_and_the_data_arriving_resolves_it(
    manager: Actor, streetlights: dict[str, int], session: Session
) -> None:
    metric = streetlights["metric"]
    first, second = closed_months(2)
    _post(manager, metric, {first: "80"})
    today = utcnow().date()
    later = today + timedelta(days=45)  # the next closed month is past its grace days by then

    for _ in range(2):  # idempotent: a second sweep changes nothing
        summary = sweep(get_engine(), fiscal_start_month=FISCAL_START, as_of=later)
        assert summary is not None
    overdue = _alerts(manager, kind="overdue", metric_id=metric)
    assert len(overdue) == 1
    assert "no reading" in overdue[0]["summary"]

    _post(manager, metric, {second: "80"})
    sweep(get_engine(), fiscal_start_month=FISCAL_START, as_of=today)
    assert _alerts(manager, kind="overdue", metric_id=metric) == []
    resolved = manager.get(f"/api/v1/alerts/{overdue[0]['id']}").json()
    assert "data arrived" in resolved["resolution_note"]


def test_alerts_of_another_department_are_invisible(
    make_actor: Any, city: City, manager: Actor, streetlights: dict[str, int]
) -> None:
    months = closed_months(1)
    _post(manager, streetlights["metric"], {months[0]: "50"})
    [alert] = _alerts(manager, metric_id=streetlights["metric"], kind="performance")
    outsider = make_actor(Role.contract_manager, (city.human_services,))
    assert _alerts(outsider, metric_id=streetlights["metric"]) == []
    assert_problem(outsider.get(f"/api/v1/alerts/{alert['id']}"), 404)
    assert_problem(outsider.post(f"/api/v1/alerts/{alert['id']}/acknowledge"), 404)
    assert manager.get(f"/api/v1/alerts/{alert['id']}").json()["status"] == "open"


def test_a_meeting_agenda_lists_open_alerts_and_overdue_action_items(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    contract = streetlights["contract"]
    # The last two months: early in a month the one before last is the latest whose deadline has passed.
    _post(manager, streetlights["metric"], dict.fromkeys(closed_months(2), "50"))
    [alert] = _alerts(manager, metric_id=streetlights["metric"], kind="performance")
    item = manager.post(
        f"/api/v1/contracts/{contract}/action-items",
        json={
            "title": "Vendor to add a night crew",
            "owner_side": "vendor",
            "owner_name": "Jordan Reyes",
            "due_date": (date.today() - timedelta(days=3)).isoformat(),
            "alert_id": alert["id"],
        },
    )
    assert item.status_code == 201, item.text
    assert item.json()["overdue"] is True

    meeting = manager.post(
        f"/api/v1/contracts/{contract}/meetings",
        json={"held_on": date.today().isoformat(), "attendees": [{"name": "Casey", "side": "city"}]},
    )
    assert meeting.status_code == 201, meeting.text
    kinds = [entry["kind"] for entry in meeting.json()["agenda"]]
    assert kinds[:2] == ["open_alert", "overdue_action_item"]
    assert kinds[-1] == "latest_reading"

    overdue = manager.get("/api/v1/action-items", params={"overdue": "true"}).json()
    assert [i["id"] for i in overdue["items"]] == [item.json()["id"]]
    status = manager.get(f"/api/v1/contracts/{contract}/status").json()
    assert status["overdue_action_items"] == 1
