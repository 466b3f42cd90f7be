"""Alerts reach people by e-mail through a real SMTP server: the assignee, or (unassigned) the department's
contract managers; every e-mail links to its object and carries a working, signed unsubscribe link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from app.auth.roles import Role
from app.db import utcnow
from app.events.models import Event
from app.notifications import service
from app.notifications.models import Notification
from tests.notifications.conftest import MailDrop, deliver, html_of, text_of
from tests.support import Actor, City, assert_problem, closed_months

MANAGER = "casey@city.example"


def _post(actor: Actor, metric: int, values: dict[str, str]) -> None:
    for period, value in values.items():
        response = actor.post(f"/api/v1/metrics/{metric}/readings", json={"period": period, "value": value})
        assert response.status_code in (200, 201), response.text


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _settings(actor: Actor) -> dict[str, str]:
    response = actor.get("/api/v1/me/notification-settings")
    assert response.status_code == 200, response.text
    return {item["kind"]: item["delivery"] for item in response.json()["settings"]}


def test_the_assignee_gets_the_alert_by_smtp_with_a_working_link_and_unsubscribe_link(
    manager: Actor, anonymous: Actor, streetlights: dict[str, int], smtp: MailDrop, session: Session
) -> None:
    metric = streetlights["metric"]
    months = closed_months(2)
    _post(manager, metric, {months[0]: "80", months[1]: "60"})  # 25 % short: off track, alert opens
    now = utcnow()
    deliver(now)

    # (The city's pothole contract, unmanaged and overdue, also alerts Casey as a DOT contract manager.)
    [message] = [
        m for m in smtp.to(MANAGER) if "C-LIGHTS-01" in str(m["Subject"]) and "performance" in str(m["Subject"])
    ]
    assert "High performance alert opened: Outages repaired within 72 hours" in str(message["Subject"])
    text = text_of(message)
    link = re.search(r"Open it: (\S+)", text)
    assert link is not None and "/api/v1/alerts/" in link[1]
    assert f'href="{link[1]}"' in html_of(message)
    alert = manager.get(_path(link[1]))
    assert alert.status_code == 200 and alert.json()["kind"] == "performance"

    inbox = manager.get("/api/v1/notifications").json()
    assert ("alert", link[1]) in [(n["kind"], n["link"]) for n in inbox["items"]]

    # Dispatching the same events again notifies nobody twice.
    events = list(session.exec(select(Event)).all())
    assert service.fan_out(session, events, now) == []
    session.rollback()

    # The List-Unsubscribe link works without signing in and stops this kind only.
    unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    answer = anonymous.get(_path(unsubscribe))
    assert answer.status_code == 200, answer.text
    assert answer.json()["kind"] == "alert"
    assert _settings(manager)["alert"] == "never"
    assert _settings(manager)["reminder_late"] == "immediately"
    assert anonymous.post(_path(unsubscribe)).status_code == 200  # RFC 8058 one-click: repeating is harmless

    # `never`: no e-mail, but the inbox still lists it.
    before = manager.get("/api/v1/notifications").json()["total"]
    alert_path = _path(link[1])
    assert manager.post(f"{alert_path}/resolve", json={"note": "Crew added"}).status_code == 200
    assert manager.post(f"{alert_path}/reopen", json={"note": "Still short"}).status_code == 200
    smtp.clear()
    deliver(now + timedelta(minutes=1))
    assert smtp.to(MANAGER) == []
    inbox = manager.get("/api/v1/notifications", params={"unread": "true"}).json()
    assert inbox["total"] > before
    assert {n["delivery"] for n in inbox["items"][: inbox["total"] - before]} == {"never"}


def test_a_tampered_or_foreign_token_is_refused(anonymous: Actor, configured: str) -> None:
    assert_problem(
        anonymous.get("/api/v1/notifications/unsubscribe", params={"token": "1.alert.99999.abc"}), 422, "query.token"
    )
    assert_problem(anonymous.get("/api/v1/notifications/unsubscribe", params={"token": "junk"}), 422, "query.token")


def test_an_unassigned_alert_goes_to_the_departments_contract_managers_and_to_nobody_outside(
    admin: Actor, manager: Actor, city: City, make_actor: Any, smtp: MailDrop, session: Session
) -> None:
    outsider = make_actor(Role.contract_manager, (city.human_services,), email="hsd-manager@city.example")
    watcher = make_actor(Role.viewer, (city.human_services,), email="hsd-viewer@city.example")
    # The HSD viewer cannot follow what they cannot see.
    assert_problem(
        watcher.post("/api/v1/me/follows", json={"target_kind": "contract", "target_id": city.pothole_contract}), 404
    )
    assert_problem(
        watcher.post("/api/v1/me/follows", json={"target_kind": "department", "target_id": city.transportation}), 404
    )
    assert (
        watcher.post("/api/v1/me/follows", json={"target_kind": "vendor", "target_id": city.paving_vendor}).status_code
        == 201
    )

    # The pothole contract has no contract manager: its alert is unassigned.
    last = closed_months(1)[0]
    _post(admin, city.pothole_metric, {last: "10"})
    deliver(utcnow())

    subjects = smtp.subjects(MANAGER)
    assert subjects and all("C-2026-0142" in s for s in subjects), subjects
    # HSD people hear about HSD's grant (unmanaged too), never about the DOT contract, although the viewer
    # follows its vendor.
    assert all("G-2025-0031" in s for s in smtp.subjects("hsd-manager@city.example"))
    assert smtp.to("hsd-viewer@city.example") == []
    for actor in (outsider, watcher):
        items = actor.get("/api/v1/notifications").json()["items"]
        assert all(n["award_id"] == city.rehousing_grant for n in items), items
    notes = session.exec(select(Notification).where(Notification.recipient_id == manager.user_id)).all()
    assert {(n.kind, n.department_id) for n in notes} == {("alert", city.transportation)}
