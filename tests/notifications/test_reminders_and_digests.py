"""Reminders around the reporting deadline, escalation, digests, followers, settings and the inbox, with the
clock moved by passing `now` (no sleeping)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.auth.roles import Role
from app.db import utcnow
from app.notifications.models import NotificationKind
from app.periods import Cadence, Period, containing, label
from tests.notifications.conftest import MailDrop, deliver, run_round, text_of
from tests.support import Actor, City, assert_problem, created, metric_payload

MANAGER = "casey@city.example"
OWNER = "owner@city.example"
GRACE = 10  # the streetlights metric's grace days


def _at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _closed(back: int) -> Period:
    """The month that ended `back` months ago (1: last month)."""
    period = containing(utcnow().date(), Cadence.monthly)
    for _ in range(back):
        period = containing(period.start - timedelta(days=1), Cadence.monthly)
    return period


def _deadline(period: Period) -> date:
    return period.end + timedelta(days=GRACE)


def _owner(admin: Actor, make_actor: Any, city: City, metric: int) -> Actor:
    owner: Actor = make_actor(Role.viewer, (city.transportation,), email=OWNER)
    response = admin.update(f"/api/v1/metrics/{metric}", {"data_owner_id": owner.user_id})
    assert response.status_code == 200, response.text
    assert response.json()["data_owner_id"] == owner.user_id
    return owner


def _about(smtp: MailDrop, address: str, *words: str) -> list[str]:
    return [s for s in smtp.subjects(address) if all(w in s for w in words)]


def test_a_reminder_before_the_deadline_goes_to_the_data_owner_once_and_none_once_the_reading_arrived(
    admin: Actor, manager: Actor, city: City, streetlights: dict[str, int], make_actor: Any, smtp: MailDrop
) -> None:
    metric = streetlights["metric"]
    _owner(admin, make_actor, city, metric)
    earlier, last = _closed(2), _closed(1)

    now = _at(_deadline(earlier) - timedelta(days=2))
    run_round(now)
    due = _about(smtp, OWNER, "Reading due by", f"for {label(earlier, Cadence.monthly)}")
    assert due == [
        f"Reading due by {_deadline(earlier).isoformat()}: Outages repaired within 72 hours for "
        f"{label(earlier, Cadence.monthly)} (C-LIGHTS-01)"
    ]
    assert _about(smtp, MANAGER, "Outages", "Reading due") == []  # the owner is named: the manager is not asked
    run_round(now + timedelta(hours=1))
    assert len(_about(smtp, OWNER, "Reading due by", f"for {label(earlier, Cadence.monthly)}")) == 1  # once

    posted = manager.post(
        f"/api/v1/metrics/{metric}/readings", json={"period": label(last, Cadence.monthly), "value": "81"}
    )
    assert posted.status_code == 201, posted.text
    run_round(_at(_deadline(last) - timedelta(days=2)))
    assert _about(smtp, OWNER, "Reading due by", f"for {label(last, Cadence.monthly)}") == []


def test_late_reminders_every_week_then_an_escalation_to_the_contract_manager(
    admin: Actor, manager: Actor, city: City, streetlights: dict[str, int], make_actor: Any, smtp: MailDrop
) -> None:
    metric = streetlights["metric"]
    _owner(admin, make_actor, city, metric)
    period = _closed(1)
    name = label(period, Cadence.monthly)
    deadline = _deadline(period)

    run_round(_at(deadline))  # the deadline day itself is not late yet
    assert _about(smtp, OWNER, "Reading late", name) == []
    run_round(_at(deadline + timedelta(days=1)))
    run_round(_at(deadline + timedelta(days=3)))  # the same week: nothing new
    assert len(_about(smtp, OWNER, "Reading late", name)) == 1
    run_round(_at(deadline + timedelta(days=8)))
    assert len(_about(smtp, OWNER, "Reading late", name)) == 2
    assert _about(smtp, MANAGER, "Escalation", "Outages") == []
    run_round(_at(deadline + timedelta(days=15)))
    assert len(_about(smtp, OWNER, "Reading late", name)) == 3
    [escalation] = _about(smtp, MANAGER, "Escalation", "Outages")
    assert f"for {name} (C-LIGHTS-01) is 15 days late" in escalation
    [message] = [m for m in smtp.to(MANAGER) if "Escalation" in str(m["Subject"])]
    assert f"/api/v1/metrics/{metric}/status" in text_of(message)


def test_the_weekly_digest_lists_what_turned_off_track_is_overdue_recovered_and_action_items_due(
    admin: Actor, manager: Actor, streetlights: dict[str, int], smtp: MailDrop
) -> None:
    metric, contract = streetlights["metric"], streetlights["contract"]
    last, earlier = label(_closed(1), Cadence.monthly), label(_closed(2), Cadence.monthly)
    for period, value in ((earlier, "80"), (last, "60"), (last, "80")):  # off track, then corrected: recovered
        response = manager.post(f"/api/v1/metrics/{metric}/readings", json={"period": period, "value": value})
        assert response.status_code in (200, 201), response.text
        deliver(utcnow())  # the status is re-evaluated after each write
    goal = manager.get(f"/api/v1/metrics/{metric}").json()["goal_id"]
    start = (utcnow().date() - timedelta(days=365)).isoformat()
    created(
        admin.post(
            f"/api/v1/goals/{goal}/metrics",
            json=metric_payload(
                code="LIGHTS-SURVEY",
                name="Night survey coverage",
                baseline_date=start,
                baseline_value="50",
                target_value="90",
                target_date=(utcnow().date() + timedelta(days=300)).isoformat(),
            ),
        )
    )
    created(
        manager.post(
            f"/api/v1/contracts/{contract}/action-items",
            json={
                "title": "Vendor to add a night crew",
                "owner_side": "vendor",
                "owner_name": "Metro Paving",
                "due_date": (utcnow().date() + timedelta(days=3)).isoformat(),
            },
        )
    )
    deliver(utcnow())
    smtp.clear()

    today = utcnow().date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    run_round(_at(monday, 5))  # before the digest hour: nothing yet
    assert _about(smtp, MANAGER, "Weekly digest") == []
    run_round(_at(monday))
    [message] = [m for m in smtp.to(MANAGER) if "Weekly digest" in str(m["Subject"])]
    text = text_of(message)
    sections = {
        heading: text.index(heading)
        for heading in ("Turned off track", "Overdue data", "Action items due", "Recovered")
    }
    assert (
        "Outages repaired within 72 hours (C-LIGHTS-01)"
        in text[sections["Turned off track"] : sections["Overdue data"]]
    )
    assert "Night survey coverage (C-LIGHTS-01)" in text[sections["Overdue data"] : sections["Action items due"]]
    assert "Vendor to add a night crew" in text[sections["Action items due"] : sections["Recovered"]]
    assert "Outages repaired within 72 hours (C-LIGHTS-01)" in text[sections["Recovered"] :]
    assert "notifications/unsubscribe?token=" in str(message["List-Unsubscribe"])
    run_round(_at(monday, 9))
    assert len(_about(smtp, MANAGER, "Weekly digest")) == 1  # once a week


def test_followers_get_events_at_once_or_in_the_daily_digest_and_work_their_inbox(
    manager: Actor, city: City, streetlights: dict[str, int], make_actor: Any, smtp: MailDrop
) -> None:
    eager: Actor = make_actor(Role.viewer, (city.transportation,), email="eager@city.example")
    patient: Actor = make_actor(Role.procurement_officer, email="patient@city.example")
    assert (
        eager.post(
            "/api/v1/me/follows", json={"target_kind": "department", "target_id": city.transportation}
        ).status_code
        == 201
    )
    follow = patient.post("/api/v1/me/follows", json={"target_kind": "contract", "target_id": streetlights["contract"]})
    assert follow.status_code == 201
    again = patient.post("/api/v1/me/follows", json={"target_kind": "contract", "target_id": streetlights["contract"]})
    assert again.status_code == 200 and again.json()["id"] == follow.json()["id"]
    settings = patient.request(
        "PUT", "/api/v1/me/notification-settings", json={"settings": [{"kind": "followed", "delivery": "daily"}]}
    )
    assert settings.status_code == 200, settings.text
    assert {s["kind"]: s["delivery"] for s in settings.json()["settings"]}["followed"] == "daily"

    for period, value in ((label(_closed(2), Cadence.monthly), "80"), (label(_closed(1), Cadence.monthly), "60")):
        response = manager.post(
            f"/api/v1/metrics/{streetlights['metric']}/readings", json={"period": period, "value": value}
        )
        assert response.status_code == 201, response.text
    now = utcnow()
    deliver(now)
    assert _about(smtp, "eager@city.example", "alert opened", "C-LIGHTS-01")  # at once
    assert smtp.to("patient@city.example") == []  # waits for the daily digest
    inbox = patient.get("/api/v1/notifications", params={"unread": "true"})
    assert inbox.headers["X-Unread-Count"] == str(inbox.json()["total"]) and inbox.json()["total"] >= 1
    assert {n["kind"] for n in inbox.json()["items"]} == {"followed"}

    run_round(_at(now.date() + timedelta(days=1)))
    [digest] = smtp.to("patient@city.example")
    assert str(digest["Subject"]).strip().startswith("Daily digest")
    assert "C-LIGHTS-01" in text_of(digest) and "On what you follow" in text_of(digest)

    first = inbox.json()["items"][0]["id"]
    assert patient.post(f"/api/v1/notifications/{first}/read").json()["read_at"] is not None
    assert_problem(eager.post(f"/api/v1/notifications/{first}/read"), 404)  # not theirs
    remaining = patient.get("/api/v1/notifications", params={"unread": "true"}).json()["total"]
    assert patient.post("/api/v1/notifications/read-all").json() == {"marked": remaining}
    assert patient.get("/api/v1/notifications", params={"unread": "true"}).json()["total"] == 0
    assert patient.get("/api/v1/notifications", params={"unread": "false"}).json()["total"] >= 1

    assert patient.delete(f"/api/v1/me/follows/{follow.json()['id']}").status_code == 204
    assert patient.get("/api/v1/me/follows").json() == []


def test_settings_reject_unknown_kinds_and_deliveries_a_kind_cannot_have(viewer: Actor) -> None:
    bad_kind = viewer.request(
        "PUT", "/api/v1/me/notification-settings", json={"settings": [{"kind": "gossip", "delivery": "daily"}]}
    )
    assert_problem(bad_kind, 422, "body.settings.0.kind")
    digest_now = viewer.request(
        "PUT", "/api/v1/me/notification-settings", json={"settings": [{"kind": "digest", "delivery": "immediately"}]}
    )
    assert_problem(digest_now, 422, "body.settings.0.delivery")
    twice = [{"kind": "alert", "delivery": "daily"}, {"kind": "alert", "delivery": "never"}]
    assert_problem(
        viewer.request("PUT", "/api/v1/me/notification-settings", json={"settings": twice}), 422, "body.settings.1.kind"
    )
    defaults = viewer.get("/api/v1/me/notification-settings").json()["settings"]
    assert all(s["is_default"] for s in defaults) and {s["kind"] for s in defaults} == {
        k.value for k in NotificationKind
    }
