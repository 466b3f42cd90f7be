"""The agenda serves the conversation: the worst open alerts first, then overdue data, then plan steps and action
items that are late or due within two weeks, then each metric's latest reading (never the oldest ones). The
manager rebuilds it until the meeting is held; holding it records the minutes and freezes the agenda."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.auth.roles import Role
from app.db import utcnow
from app.events.models import Event
from app.periods import Cadence, containing, label
from tests.support import Actor, City, assert_problem, closed_months, contract_payload, created, metric_payload

API = "/api/v1"


def _meeting() -> dict[str, Any]:
    return {"held_on": utcnow().date().isoformat(), "attendees": [{"name": "Casey Morgan", "side": "city"}]}


def _item(due: date, title: str) -> dict[str, Any]:
    return {"title": title, "owner_side": "vendor", "owner_name": "Jordan Reyes", "due_date": due.isoformat()}


def _alerts(actor: Actor, award: int) -> dict[str, dict[str, Any]]:
    items = actor.get(f"{API}/alerts", params={"award_id": award}).json()["items"]
    return {f"{a['metric_id']}:{a['kind']}": a for a in items}


@pytest.fixture
def troubled(admin: Actor, manager: Actor, streetlights: dict[str, int]) -> dict[str, Any]:
    """The street-light contract two months at risk (a medium alert), plus a second metric nobody reports (a high
    overdue alert, opened later), a plan step and an action item late, one due soon and one due later."""
    award, lights = streetlights["contract"], streetlights["metric"]
    for month in closed_months(2):
        assert (
            manager.post(f"{API}/metrics/{lights}/readings", json={"period": month, "value": "74"}).status_code == 201
        )
    goal = created(admin.post(f"{API}/contracts/{award}/goals", json={"title": "Answer residents"}))
    calls = created(
        admin.post(
            f"{API}/goals/{goal}/metrics",
            json=metric_payload(
                code="CALLS-24H",
                name="Outage calls answered within 24 hours",
                baseline_date=(utcnow().date() - timedelta(days=365)).isoformat(),
                target_date=(utcnow().date() + timedelta(days=365)).isoformat(),
            ),
        )
    )
    alerts = _alerts(manager, award)
    at_risk, overdue = alerts[f"{lights}:performance"], alerts[f"{calls}:overdue"]
    assert (at_risk["severity"], overdue["severity"]) == ("medium", "high")
    today = utcnow().date()
    plan = manager.post(
        f"{API}/alerts/{at_risk['id']}/plans",
        json={
            "title": "Night crew",
            "steps": [
                {"title": "Hire a night crew", "owner_user_id": manager.user_id, "due_date": str(today - timedelta(2))}
            ],
        },
    )
    assert plan.status_code == 201, plan.text
    late = created(
        manager.post(f"{API}/contracts/{award}/action-items", json=_item(today - timedelta(1), "Send roster"))
    )
    soon = created(
        manager.post(f"{API}/contracts/{award}/action-items", json=_item(today + timedelta(5), "Map outages"))
    )
    created(manager.post(f"{API}/contracts/{award}/action-items", json=_item(today + timedelta(30), "Annual review")))
    return {
        "award": award,
        "lights": lights,
        "calls": calls,
        "at_risk": at_risk["id"],
        "overdue": overdue["id"],
        "plan": plan.json()["id"],
        "step": plan.json()["steps"][0]["id"],
        "late": late,
        "soon": soon,
    }


def test_the_agenda_takes_the_worst_first_and_ends_with_the_latest_readings(
    manager: Actor, troubled: dict[str, Any]
) -> None:
    meeting = manager.post(f"{API}/contracts/{troubled['award']}/meetings", json=_meeting())
    assert meeting.status_code == 201, meeting.text
    agenda = meeting.json()["agenda"]

    assert [(entry["kind"], entry["ref_id"]) for entry in agenda] == [
        ("open_alert", troubled["overdue"]),  # high, although opened after the medium one
        ("open_alert", troubled["at_risk"]),
        ("overdue_data", troubled["calls"]),
        ("overdue_plan_step", troubled["step"]),  # two days late
        ("overdue_action_item", troubled["late"]),  # one day late
        ("action_item_due", troubled["soon"]),  # the one due in 30 days waits for a later meeting
        ("latest_reading", agenda[-1]["ref_id"]),
    ]
    assert agenda[0]["refs"] == {"alert_id": troubled["overdue"], "metric_id": troubled["calls"]}
    assert agenda[2]["text"].startswith("CALLS-24H: data overdue. ")
    assert agenda[3]["text"].startswith("Plan 'Night crew': Hire a night crew (city: ")
    assert agenda[3]["refs"] == {
        "action_item_id": troubled["step"],
        "plan_id": troubled["plan"],
        "alert_id": troubled["at_risk"],
        "metric_id": troubled["lights"],
    }
    assert agenda[5]["text"].endswith(", in 5 days")
    last_month = closed_months(1)[0]
    assert agenda[-1]["text"] == f"LIGHTS-72H {last_month}: 74 percent (at_risk, expected 80)"
    assert agenda[-1]["refs"]["metric_id"] == troubled["lights"]


def test_a_weekly_contract_running_since_1990_shows_last_week_not_the_first_week_of_1990(
    admin: Actor, city: City, manager: Actor
) -> None:
    contract = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-1990-0001",
                title="Street sweeping",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
                external_id="PO-1990-0001",
                start_date="1990-01-01",
                end_date="2030-12-31",
            ),
        )
    )
    goal = created(admin.post(f"{API}/contracts/{contract}/goals", json={"title": "Clean streets"}))
    metric = created(
        admin.post(
            f"{API}/goals/{goal}/metrics", json=metric_payload(code="SWEPT", name="Miles swept", cadence="weekly")
        )
    )
    old_weeks = [f"1990-W{week:02d}" for week in range(1, 53)] + [f"1991-W{week:02d}" for week in range(1, 5)]
    last_week = label(
        containing(containing(utcnow().date(), Cadence.weekly).start - timedelta(1), Cadence.weekly), Cadence.weekly
    )
    batch = admin.post(
        f"{API}/readings/batch",
        json={"readings": [{"metric_id": metric, "period": week, "value": "85"} for week in [*old_weeks, last_week]]},
    )
    assert batch.status_code == 200, batch.text

    agenda = manager.post(f"{API}/contracts/{contract}/meetings", json=_meeting()).json()["agenda"]

    readings = [entry for entry in agenda if entry["kind"] == "latest_reading"]
    assert len(readings) == 1
    assert readings[0]["text"].startswith(f"SWEPT {last_week}: 85 percent")
    assert not any("1990" in entry["text"] for entry in agenda)


def test_the_agenda_is_rebuilt_until_the_meeting_is_held_then_frozen_with_the_minutes(
    admin: Actor, manager: Actor, troubled: dict[str, Any], session: Session
) -> None:
    award = troubled["award"]
    meeting = manager.post(f"{API}/contracts/{award}/meetings", json=_meeting())
    meeting_id, first = meeting.json()["id"], meeting.json()["agenda"]
    today = utcnow().date()
    added = created(manager.post(f"{API}/contracts/{award}/action-items", json=_item(today, "Call the depot")))
    assert manager.get(f"{API}/meetings/{meeting_id}").json()["agenda"] == first  # not rebuilt behind anyone's back

    rebuilt = manager.post(f"{API}/meetings/{meeting_id}/agenda", headers={"If-Match": meeting.headers["ETag"]})
    assert rebuilt.status_code == 200, rebuilt.text
    assert ("action_item_due", added) in [(e["kind"], e["ref_id"]) for e in rebuilt.json()["agenda"]]
    assert "today" in next(e["text"] for e in rebuilt.json()["agenda"] if e["refs"].get("action_item_id") == added)
    assert rebuilt.headers["ETag"] != meeting.headers["ETag"]
    again = manager.post(f"{API}/meetings/{meeting_id}/agenda")
    assert again.headers["ETag"] == rebuilt.headers["ETag"]  # nothing changed, nothing written
    stale = manager.post(
        f"{API}/meetings/{meeting_id}/hold", json={"minutes": "x"}, headers={"If-Match": meeting.headers["ETag"]}
    )
    assert_problem(stale, 412)

    held = manager.post(
        f"{API}/meetings/{meeting_id}/hold",
        json={"minutes": "The vendor starts a night crew on Monday; the city shares the outage map."},
    )
    assert held.status_code == 200, held.text
    assert held.json()["held_at"] is not None
    assert held.json()["minutes"].startswith("The vendor starts a night crew")
    assert held.json()["agenda"] == rebuilt.json()["agenda"]

    manager.post(f"{API}/contracts/{award}/action-items", json=_item(today, "Another thing"))
    assert_problem(manager.post(f"{API}/meetings/{meeting_id}/agenda"), 409)
    assert_problem(manager.post(f"{API}/meetings/{meeting_id}/hold", json={"minutes": "again"}), 409)
    assert_problem(manager.update(f"{API}/meetings/{meeting_id}", {"held_on": "2026-01-05"}), 409, "body.held_on")
    assert_problem(manager.update(f"{API}/meetings/{meeting_id}", {"attendees": []}), 409, "body.attendees")
    notes = manager.update(f"{API}/meetings/{meeting_id}", {"notes": "Vendor was candid about staffing."})
    assert notes.status_code == 200, notes.text
    assert manager.get(f"{API}/meetings/{meeting_id}").json()["agenda"] == rebuilt.json()["agenda"]

    audit = admin.get(f"{API}/audit", params={"entity": "meeting", "entity_id": meeting_id, "limit": 50}).json()[
        "items"
    ]
    changed = [set(entry["changes"]) for entry in audit if entry["action"] == "update"]
    assert {"agenda"} in changed and {"held_at", "minutes"} in changed
    held_events = session.exec(select(Event).where(Event.type == "meeting.held")).all()
    assert [(e.subject_id, e.award_id, e.payload["agenda_items"]) for e in held_events] == [
        (meeting_id, award, len(rebuilt.json()["agenda"]))
    ]
    assert "minutes" not in held_events[0].payload  # internal: they stay in the meeting


def test_minutes_are_required_to_hold_a_meeting(manager: Actor, streetlights: dict[str, int]) -> None:
    meeting = created(manager.post(f"{API}/contracts/{streetlights['contract']}/meetings", json=_meeting()))

    assert_problem(manager.post(f"{API}/meetings/{meeting}/hold", json={}), 422, "body.minutes")
    assert_problem(manager.post(f"{API}/meetings/{meeting}/hold", json={"minutes": "   "}), 422, "body.minutes")
    assert manager.get(f"{API}/meetings/{meeting}").json()["held_at"] is None


def test_meetings_and_their_notes_stay_invisible_to_the_vendor(
    make_actor: Any, city: City, manager: Actor, streetlights: dict[str, int]
) -> None:
    award = streetlights["contract"]
    meeting = created(manager.post(f"{API}/contracts/{award}/meetings", json=_meeting() | {"notes": "Internal."}))
    vendor = make_actor(Role.vendor, vendor_id=city.paving_vendor)

    assert vendor.get(f"{API}/contracts/{award}").status_code == 200  # the vendor's own contract
    assert_problem(vendor.get(f"{API}/contracts/{award}/meetings"), 404)
    assert_problem(vendor.get(f"{API}/meetings/{meeting}"), 404)
    assert_problem(vendor.post(f"{API}/meetings/{meeting}/agenda"), 404)
    assert_problem(vendor.post(f"{API}/meetings/{meeting}/hold", json={"minutes": "We agreed."}), 404)
    assert manager.get(f"{API}/meetings/{meeting}").json()["held_at"] is None
