"""Registering endpoints: SSRF-guarded URLs, department scoping, 422s naming the field, audited writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEntry
from app.auth.roles import Role
from app.config import get_settings
from app.db import get_engine, utcnow
from tests.support import Actor, City, assert_problem
from tests.webhooks.flow import WEBHOOKS, dispatch, open_alert, register, run_due
from tests.webhooks.receiver import Receiver


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "https://10.1.2.3/hook",  # private
        "https://[::1]/hook",  # loopback, IPv6
        "https://[::ffff:10.0.0.1]/hook",  # private, IPv4-mapped
        "https://0.0.0.0/hook",  # unspecified
        "https://100.64.0.1/hook",  # carrier-grade NAT
    ],
)
def test_private_targets_are_refused(admin: Actor, url: str) -> None:
    body = assert_problem(admin.post(WEBHOOKS, json={"url": url}), 422, "body.url")
    assert body["errors"][0]["code"] == "address_not_allowed"


def test_loopback_needs_the_allow_list_and_plain_http_too(
    admin: Actor, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDC_WEBHOOK_ALLOWED_HOSTS", "")
    get_settings.cache_clear()
    plain = assert_problem(admin.post(WEBHOOKS, json={"url": receiver.url}), 422, "body.url")
    assert plain["errors"][0]["code"] == "https_required"
    secure = receiver.url.replace("http://", "https://")
    assert assert_problem(admin.post(WEBHOOKS, json={"url": secure}), 422, "body.url")["errors"][0]["code"] == (
        "address_not_allowed"
    )
    for bad in ("ftp://example.org/x", "https://user:pw@example.org/", "not a url"):
        assert_problem(admin.post(WEBHOOKS, json={"url": bad}), 422, "body.url")
    monkeypatch.setenv("RDC_WEBHOOK_ALLOWED_HOSTS", "10.0.0.0/8, 127.0.0.1")
    get_settings.cache_clear()
    assert admin.post(WEBHOOKS, json={"url": receiver.url}).status_code == 201


def test_invalid_input_is_answered_with_the_failing_field(admin: Actor, manager: Actor, city: City) -> None:
    url = "http://127.0.0.1:9/hook"
    assert_problem(
        admin.post(WEBHOOKS, json={"url": url, "event_types": ["alert.exploded"]}), 422, "body.event_types.0"
    )
    assert_problem(admin.post(WEBHOOKS, json={"url": url, "department_ids": [99999]}), 422, "body.department_ids")
    assert_problem(admin.post(WEBHOOKS, json={"url": url, "secret": "mine"}), 422, "body.secret")
    missing = assert_problem(manager.post(WEBHOOKS, json={"url": url}), 422, "body.department_ids")
    assert missing["errors"][0]["code"] == "required"  # a department manager names their departments
    outside = manager.post(WEBHOOKS, json={"url": url, "department_ids": [city.human_services]})
    assert assert_problem(outside, 422, "body.department_ids")["errors"][0]["code"] == "outside_scope"

    hook = register(admin, url)
    path = f"{WEBHOOKS}/{hook['id']}"
    assert_problem(admin.patch(path, json={"description": "x"}), 428)
    assert_problem(admin.patch(path, json={"description": "x"}, headers={"If-Match": '"v9"'}), 412)
    assert_problem(admin.update(path, {"url": None}), 422, "body.url")
    assert_problem(admin.update(path, {"url": "https://10.0.0.1/"}), 422, "body.url")
    assert_problem(admin.post(f"{path}/rotate-secret", json={"overlap_hours": 1000}), 422, "body.overlap_hours")


def test_every_write_is_audited_and_no_secret_is_ever_stored_in_the_audit_log(admin: Actor) -> None:
    hook = register(admin, "http://127.0.0.1:9/hook", description="ERP", event_types=["alert.opened"])
    path = f"{WEBHOOKS}/{hook['id']}"
    shown = admin.get(path)
    assert "secret" not in shown.json() and shown.headers["ETag"] == '"v1"'
    assert all("secret" not in item for item in admin.get(WEBHOOKS).json()["items"])
    assert admin.update(path, {"description": "ERP (prod)", "active": False}).json()["disabled_reason"]
    rotated = admin.post(f"{path}/rotate-secret").json()
    assert admin.delete(path).status_code == 204
    assert_problem(admin.get(path), 404)
    with Session(get_engine()) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "webhook_endpoint")).all()
    assert [e.action for e in entries] == ["create", "update", "update", "delete"]
    assert entries[1].changes["description"] == ["ERP", "ERP (prod)"]
    everything = json.dumps([e.changes for e in entries])
    assert hook["secret"] not in everything and rotated["secret"] not in everything and "whsec_" not in everything


def test_a_department_manager_neither_sees_nor_receives_another_departments_events(
    admin: Actor,
    manager: Actor,
    make_actor: Any,
    city: City,
    streetlights: dict[str, int],
    receiver: Receiver,
    another_receiver: Receiver,
) -> None:
    mine = register(manager, receiver.url, event_types=["alert.opened"], department_ids=[city.transportation])
    citywide = register(admin, another_receiver.url, event_types=["alert.opened"])
    outsider = make_actor(Role.contract_manager, (city.human_services,))

    assert [h["id"] for h in manager.get(WEBHOOKS).json()["items"]] == [mine["id"]]
    assert outsider.get(WEBHOOKS).json()["items"] == []
    assert_problem(outsider.get(f"{WEBHOOKS}/{mine['id']}"), 404)
    assert_problem(outsider.post(f"{WEBHOOKS}/{mine['id']}/rotate-secret"), 404)
    assert_problem(manager.get(f"{WEBHOOKS}/{citywide['id']}/deliveries"), 404)
    assert {h["id"] for h in admin.get(WEBHOOKS).json()["items"]} == {mine["id"], citywide["id"]}

    open_alert(manager, streetlights["metric"])  # transportation
    open_alert(admin, city.rehousing_metric, value="1")  # human services
    now = utcnow()
    dispatch(now)
    run_due(now)
    assert receiver.requests, "the manager's endpoint got its own department's alerts"
    theirs = {r.verify(mine["secret"])["data"]["department_id"] for r in receiver.requests}
    everyone = {r.verify(citywide["secret"])["data"]["department_id"] for r in another_receiver.requests}
    assert theirs == {city.transportation}
    assert everyone == {city.transportation, city.human_services}
