"""A contract's month, seen through the changes feed: every change that anyone may react to is an event,
written in the change's own transaction, scoped to its department, and nothing is written when the change is
refused."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.actions.service import record_due_events
from app.auth.roles import Role
from app.awards.service import record_ending_events
from app.db import get_engine, utcnow
from app.events.models import Event
from tests.support import Actor, City, assert_problem, closed_months


def settle() -> None:
    """Waits (generously) for writers still in flight: on PostgreSQL the feed shows an event once every
    transaction that started before it has ended, in any database of the cluster (transaction ids are shared)."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 120
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            busy = connection.execute(
                text("SELECT count(*) FROM event WHERE tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            ).scalar()
            connection.rollback()
            if not busy:
                return
            time.sleep(0.05)


def _feed(actor: Actor, *, after: str | None = None, **params: Any) -> list[dict[str, Any]]:
    """Follows the feed from a cursor (default: the start), page by page, as an integration would."""
    settle()
    seen: list[dict[str, Any]] = []
    while True:
        query = {"limit": 3, **params} | ({"after": after} if after else {})
        response = actor.get("/api/v1/events", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["items"]
        if not page["items"]:
            assert page["next"] == (after or "0-0")  # an empty page keeps the cursor
            return seen
        after = page["next"]


def _now(actor: Actor) -> str:
    """The cursor after everything so far (the contract's set-up opened alerts for data not yet reported)."""
    settle()
    after = None
    while True:
        page = actor.get("/api/v1/events", params={"limit": 1000} | ({"after": after} if after else {})).json()
        if not page["items"]:
            return str(page["next"])
        after = page["next"]


def _types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


def _post(actor: Actor, metric: int, values: dict[str, str]) -> None:
    response = actor.post(
        "/api/v1/readings/batch",
        json={"readings": [{"metric_id": metric, "period": p, "value": v} for p, v in values.items()]},
    )
    assert response.status_code in (200, 201, 207), response.text


def test_an_alert_lifecycle_and_a_correction_are_in_the_feed_in_order_with_thin_payloads(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric, contract = streetlights["metric"], streetlights["contract"]
    start = _now(manager)
    months = closed_months(2)
    _post(manager, metric, {months[0]: "80", months[1]: "74"})  # at risk: an alert opens
    _post(manager, metric, {months[1]: "60"})  # corrected down: off track, the alert is raised
    [alert] = manager.get("/api/v1/alerts", params={"metric_id": metric, "kind": "performance"}).json()["items"]
    for action, body in (("acknowledge", {"note": "Meeting booked"}), ("resolve", {"note": "Crew added"})):
        assert manager.post(f"/api/v1/alerts/{alert['id']}/{action}", json=body).status_code == 200

    events = [e for e in _feed(manager, after=start, award_id=contract) if e["data"].get("kind") != "overdue"]
    assert _types(events) == [
        "readings.batch_committed",  # one transaction: the readings, the new status, the alert
        "metric.performance_changed",
        "metric.freshness_changed",  # overdue since the contract started; current now
        "alert.opened",
        "readings.batch_committed",
        "reading.corrected",
        "metric.performance_changed",
        "alert.raised",
        "alert.acknowledged",
        "alert.resolved",
    ]
    batch, opened = events[0], events[3]
    assert batch["data"] == {"readings_new": 2, "readings_corrected": 0, "metrics": 1, "award_ids": [contract]}
    assert opened["data"]["alert_id"] == alert["id"] and opened["data"]["severity"] == "medium"
    assert events[7]["data"]["severity"] == "high" and events[7]["data"]["from_severity"] == "medium"
    assert events[6]["data"]["from"] == "at_risk" and events[6]["data"]["to"] == "off_track"
    assert all(e["department_id"] == events[0]["department_id"] and e["award_id"] == contract for e in events)
    assert len({e["id"] for e in events}) == len(events) and all(e["id"].startswith("evt_") for e in events)
    assert "value" not in str(batch["data"])  # counts, never values

    only_alerts = _feed(manager, after=start, type=["alert.opened", "alert.resolved"])
    only_alerts = [e for e in only_alerts if e["data"]["kind"] == "performance"]
    assert _types(only_alerts) == ["alert.opened", "alert.resolved"]


def test_a_refused_change_writes_no_event(
    admin: Actor, manager: Actor, streetlights: dict[str, int], session: Session
) -> None:
    metric = streetlights["metric"]
    start = _now(manager)
    before = len(session.exec(select(Event)).all())
    months = closed_months(2)
    refused = manager.post(
        "/api/v1/readings/batch",
        json={
            "readings": [
                {"metric_id": metric, "period": months[0], "value": "80"},
                {"metric_id": metric, "period": months[1], "value": "-5"},
            ]
        },
    )
    assert refused.status_code == 422, refused.text  # all or nothing: the valid item is not written either
    stale = admin.patch(
        f"/api/v1/contracts/{streetlights['contract']}", json={"status": "completed"}, headers={"If-Match": '"0"'}
    )
    assert stale.status_code == 412
    assert len(session.exec(select(Event)).all()) == before
    assert _feed(manager, after=start) == []


def test_the_feed_is_department_scoped(
    make_actor: Any, city: City, manager: Actor, streetlights: dict[str, int]
) -> None:
    start = _now(manager)
    _post(manager, streetlights["metric"], dict.fromkeys(closed_months(2), "50"))
    assert {"readings.batch_committed", "alert.opened"} <= set(_types(_feed(manager, after=start)))
    outsider = make_actor(Role.contract_manager, (city.human_services,))
    assert [e["department_id"] for e in _feed(outsider)] == [city.human_services]  # its own grant's overdue alert
    assert _feed(outsider, after=start) == []
    assert _feed(outsider, department_id=city.transportation) == []
    assert_problem(outsider.get("/api/v1/events", params={"after": "soon"}), 422, "query.after")


def test_contract_changes_periods_locks_and_action_items_are_events(
    admin: Actor, manager: Actor, make_actor: Any, city: City, streetlights: dict[str, int], session: Session
) -> None:
    contract = streetlights["contract"]
    start = _now(manager)
    current = admin.get(f"/api/v1/contracts/{contract}")
    changed = admin.patch(
        f"/api/v1/contracts/{contract}", json={"status": "completed"}, headers={"If-Match": current.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.text
    lock = manager.post(
        "/api/v1/period-locks",
        json={
            "award_id": contract,
            "locked_through": (utcnow().date() - timedelta(days=90)).isoformat(),
            "reason": "Audited",
        },
    )
    assert lock.status_code == 201, lock.text
    today = utcnow().date()
    item = manager.post(
        f"/api/v1/contracts/{contract}/action-items",
        json={"title": "Night crew", "owner_side": "vendor", "owner_name": "Jordan", "due_date": today.isoformat()},
    )
    assert item.status_code == 201, item.text
    late = manager.post(
        f"/api/v1/contracts/{contract}/action-items",
        json={
            "title": "Send the repair log",
            "owner_side": "vendor",
            "owner_name": "Jordan",
            "due_date": (today - timedelta(days=2)).isoformat(),
        },
    )
    done = manager.patch(
        f"/api/v1/action-items/{late.json()['id']}", json={"status": "done"}, headers={"If-Match": late.headers["ETag"]}
    )
    assert done.status_code == 200, done.text
    forgotten = manager.post(
        f"/api/v1/contracts/{contract}/action-items",
        json={
            "title": "Call the vendor back",
            "owner_side": "city",
            "owner_name": "Casey",
            "due_date": (today - timedelta(days=3)).isoformat(),
        },
    )
    assert forgotten.status_code == 201, forgotten.text

    for _ in range(2):  # the calendar round may run twice, or late: each occurrence is recorded once
        record_due_events(session, today=today)
        record_ending_events(session, today=today + timedelta(days=365 - 120))
        session.commit()

    assert _types([e for e in _feed(manager, after=start, award_id=contract) if e["subject_type"] != "alert"]) == [
        "award.status_changed",
        "period.locked",
        "action_item.created",
        "action_item.created",
        "action_item.done",
        "action_item.created",
        "action_item.due",
        "action_item.overdue",
    ]
    status_change = _feed(manager, type=["award.status_changed"])[0]
    assert (status_change["data"]["from"], status_change["data"]["to"]) == ("active", "completed")

    # A completed contract is not nearing its end in any way that matters; an active one is, once per notice.
    current = admin.get(f"/api/v1/contracts/{contract}")
    admin.patch(
        f"/api/v1/contracts/{contract}", json={"status": "active"}, headers={"If-Match": current.headers["ETag"]}
    )
    for days_before in (120, 119, 60):
        record_ending_events(session, today=_end(admin, contract) - timedelta(days=days_before))
        session.commit()
    endings = _feed(manager, type=["award.ending"], award_id=contract)
    assert [e["data"]["days"] for e in endings] == [120, 60]
    stored = session.exec(select(Event).where(col(Event.type) == "award.ending", col(Event.award_id) == contract))
    assert len(stored.all()) == 2


def _end(admin: Actor, contract: int) -> date:
    return date.fromisoformat(admin.get(f"/api/v1/contracts/{contract}").json()["end_date"])


def test_lowering_assigning_reopening_and_a_new_manager_are_events_too(
    admin: Actor, manager: Actor, make_actor: Any, city: City, streetlights: dict[str, int]
) -> None:
    metric, contract = streetlights["metric"], streetlights["contract"]
    start = _now(manager)
    months = closed_months(2)
    _post(manager, metric, {months[0]: "80", months[1]: "60"})  # off track: opened, high
    _post(manager, metric, {months[1]: "74"})  # corrected: at risk, the alert is lowered
    [alert] = manager.get("/api/v1/alerts", params={"metric_id": metric, "kind": "performance"}).json()["items"]
    colleague = make_actor(Role.contract_manager, (city.transportation,))
    assigned = manager.post(f"/api/v1/alerts/{alert['id']}/assign", json={"assignee_id": colleague.user_id})
    assert assigned.status_code == 200, assigned.text
    for action in ("resolve", "reopen"):
        response = manager.post(f"/api/v1/alerts/{alert['id']}/{action}", json={"note": "Checking the log"})
        assert response.status_code == 200, response.text
    current = admin.get(f"/api/v1/contracts/{contract}")
    changed = admin.patch(
        f"/api/v1/contracts/{contract}",
        json={"contract_manager_id": colleague.user_id},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text

    performance = [
        e for e in _feed(manager, after=start, award_id=contract) if e["data"].get("kind") in (None, "performance")
    ]
    types = _types(performance)
    for expected in ("alert.opened", "alert.lowered", "alert.assigned", "alert.resolved", "alert.reopened"):
        assert expected in types, types
    assert types.index("alert.opened") < types.index("alert.lowered") < types.index("alert.assigned")
    assigned_event = performance[types.index("alert.assigned")]
    assert assigned_event["data"]["assignee_id"] == colleague.user_id
    [handover] = _feed(manager, after=start, type=["award.manager_changed"])
    assert (handover["data"]["from"], handover["data"]["to"]) == (manager.user_id, colleague.user_id)
