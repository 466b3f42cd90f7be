"""What an alert's record says: audit entries with the values before and after each change, new figures at the
same severity in its history, the outcome the city closed it with, and what the vendor reads of it (the system's
entries and the dialogue, not who works it inside the city or the notes the city's staff wrote)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app.db import utcnow
from app.events.models import Event
from tests.dialogue.helpers import API
from tests.support import Actor, assert_problem, closed_months


def _audit(admin: Actor, alert_id: int) -> list[dict[str, Any]]:
    entries = admin.get(f"{API}/audit", params={"entity": "alert", "entity_id": alert_id}).json()["items"]
    return list(reversed(entries))  # oldest first


def test_acknowledge_assign_and_resolve_are_audited_with_the_values_before_and_after(
    admin: Actor, manager: Actor, alert: dict[str, Any]
) -> None:
    url = f"{API}/alerts/{alert['id']}"
    assert manager.post(f"{url}/acknowledge", json={"note": "Looking into it"}).status_code == 200
    assert manager.post(f"{url}/assign", json={"assignee_id": None}).status_code == 200
    resolved = manager.post(f"{url}/resolve", json={"note": "Night crew added"})  # an older client: no outcome
    assert resolved.json()["outcome"] == "resolved"

    acknowledged, assigned, closed = (entry["changes"] for entry in _audit(admin, alert["id"]))
    assert acknowledged == {"status": ["open", "acknowledged"], "note": [None, "Looking into it"]}
    assert assigned["assignee_id"] == [manager.user_id, None]
    assert closed == {
        "status": ["acknowledged", "resolved"],
        "outcome": [None, "resolved"],
        "note": [None, "Night crew added"],
    }

    reopened = manager.post(f"{url}/reopen", json={"note": "Short again"}).json()
    assert (reopened["status"], reopened["outcome"]) == ("open", None)
    assert _audit(admin, alert["id"])[-1]["changes"]["outcome"] == ["resolved", None]


def test_new_figures_at_the_same_severity_are_part_of_the_alert_history(
    manager: Actor, alert: dict[str, Any], streetlights: dict[str, int], session: Session
) -> None:
    last_month = closed_months(1)[0]
    corrected = manager.post(
        f"{API}/metrics/{streetlights['metric']}/readings", json={"period": last_month, "value": "58"}
    )
    assert corrected.status_code in (200, 201), corrected.text

    now = manager.get(f"{API}/alerts/{alert['id']}").json()
    assert now["severity"] == alert["severity"] == "high"
    assert now["summary"] != alert["summary"] and "58" in now["summary"]
    updated = now["history"][-1]
    assert (updated["event"], updated["actor"], updated["note"]) == ("updated", "system", now["summary"])
    updates = session.exec(select(Event).where(Event.type == "alert.updated", Event.subject_id == alert["id"])).all()
    assert [event.payload["summary"] for event in updates] == [now["summary"]]


def test_a_vendor_reads_the_alert_and_the_dialogue_but_not_the_citys_notes(
    manager: Actor, vendor: Actor, alert: dict[str, Any]
) -> None:
    url = f"{API}/alerts/{alert['id']}"
    manager.post(f"{url}/acknowledge", json={"note": "Vendor is unreliable; consider liquidated damages"})
    reply_by = str(utcnow().date() + timedelta(days=5))
    manager.post(f"{url}/questions", json={"question": "What happened in the north district?", "reply_by": reply_by})
    manager.post(f"{url}/resolve", json={"note": "Penalty letter sent", "outcome": "not_resolved"})

    staff_view = manager.get(url).json()
    assert staff_view["assignee_id"] == manager.user_id
    assert "liquidated damages" in staff_view["history"][1]["note"]

    seen = vendor.get(url).json()
    assert seen["assignee_id"] is None and seen["resolution_note"] is None
    assert seen["outcome"] == "not_resolved"
    by_event = {entry["event"]: entry for entry in seen["history"]}
    assert list(by_event) == ["opened", "acknowledged", "question_asked", "resolved"]
    assert by_event["opened"]["note"] == alert["summary"]  # the system's words stay
    assert by_event["acknowledged"]["note"] is None and by_event["resolved"]["note"] is None
    assert by_event["question_asked"]["note"] == "What happened in the north district?"
    assert by_event["resolved"]["outcome"] == "not_resolved"
    resolved = vendor.get(f"{API}/alerts", params={"status": "resolved"}).json()["items"]
    [listed] = [a for a in resolved if a["id"] == alert["id"]]
    assert (listed["assignee_id"], listed["resolution_note"]) == (None, None)


def test_only_the_city_works_and_closes_alerts(manager: Actor, vendor: Actor, alert: dict[str, Any]) -> None:
    url = f"{API}/alerts/{alert['id']}"
    assert_problem(vendor.post(f"{url}/resolve", json={"note": "Fixed on our side"}), 404)
    assert_problem(vendor.post(f"{url}/acknowledge"), 404)
    refused = manager.post(f"{url}/assign", json={"assignee_id": vendor.user_id})
    assert "works for a vendor" in assert_problem(refused, 422, "body.assignee_id")["detail"]
    assert_problem(manager.post(f"{url}/resolve", json={"note": "Done", "outcome": "sort_of"}), 422, "body.outcome")
    assert manager.get(url).json()["status"] == "open"
