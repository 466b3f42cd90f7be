"""An admin manages who may use the Results Tracker; nobody else can, and passwords never leak."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import tokens
from app.auth.models import User
from app.auth.roles import Role
from tests.auth.helpers import API, audit_rows, bearer
from tests.support import Actor, City, assert_problem

USERS = f"{API}/users"
PASSWORD = "Nine-Streets-Repaved-2026"


def new_user(**overrides: Any) -> dict[str, Any]:
    return {
        "email": "maria.lopez@city.example",
        "full_name": "Maria Lopez",
        "role": "contract_manager",
        "password": PASSWORD,
    } | overrides


def test_an_admin_creates_a_user_limited_to_one_department_who_then_sees_only_it(
    admin: Actor, city: City, client: TestClient
) -> None:
    response = admin.post(USERS, json=new_user(department_ids=[city.human_services]))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "maria.lopez@city.example"
    assert body["role"] == "contract_manager"
    assert body["is_active"] is True
    assert body["department_ids"] == [city.human_services]
    assert response.headers["ETag"] == '"v1"'
    assert response.headers["Location"] == f"{USERS}/{body['id']}"
    assert admin.get(f"{USERS}/{body['id']}").json() == body

    signed_in = client.post(
        f"{API}/auth/token",
        data={"grant_type": "password", "username": "maria.lopez@city.example", "password": PASSWORD},
    )
    assert signed_in.status_code == 200, signed_in.text
    maria = Actor(client, bearer(signed_in.json()["access_token"]))
    assert maria.get(f"{API}/contracts").json()["items"] == []
    assert [g["id"] for g in maria.get(f"{API}/grants").json()["items"]] == [city.rehousing_grant]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"department_ids": [987654]}, "body.department_ids"),
        ({"role": "integration"}, "body.role"),
        ({"role": "superuser"}, "body.role"),
        ({"password": "short"}, "body.password"),
        ({"email": "not-an-email"}, "body.email"),
        ({"is_admin": True}, "body.is_admin"),
    ],
    ids=["unknown department", "integration role", "unknown role", "short password", "bad email", "unknown field"],
)
def test_an_invalid_new_user_is_422_naming_the_field(
    admin: Actor, session: Session, overrides: dict[str, Any], field: str
) -> None:
    users_before = len(admin.get(USERS).json()["items"])

    assert_problem(admin.post(USERS, json=new_user(**overrides)), 422, field)

    assert len(admin.get(USERS).json()["items"]) == users_before
    assert audit_rows(session, entity="user") == []


def test_an_email_can_only_be_used_once_whatever_its_case(admin: Actor) -> None:
    assert admin.post(USERS, json=new_user()).status_code == 201

    assert_problem(admin.post(USERS, json=new_user(email="Maria.Lopez@CITY.example")), 409)


def test_changing_a_user_needs_the_current_etag(admin: Actor, make_actor: Any) -> None:
    viewer = make_actor(Role.viewer)
    url = f"{USERS}/{viewer.user_id}"

    assert_problem(admin.patch(url, json={"full_name": "Pat Q. Viewer"}), 428)
    assert_problem(admin.patch(url, json={"full_name": "Pat Q. Viewer"}, headers={"If-Match": '"v7"'}), 412)
    assert admin.get(url).json()["full_name"] == "Test viewer"

    changed = admin.patch(url, json={"full_name": "Pat Q. Viewer"}, headers={"If-Match": '"v1"'})
    assert changed.status_code == 200, changed.text
    assert changed.json()["full_name"] == "Pat Q. Viewer"
    assert changed.headers["ETag"] == '"v2"'
    assert_problem(admin.patch(url, json={"full_name": "Pat Viewer"}, headers={"If-Match": '"v1"'}), 412)


@pytest.mark.parametrize("field", ["role", "full_name", "is_active"])
def test_a_required_user_field_cannot_be_nulled(admin: Actor, make_actor: Any, field: str) -> None:
    viewer = make_actor(Role.viewer)
    assert_problem(admin.update(f"{USERS}/{viewer.user_id}", {field: None}), 422, f"body.{field}")


@pytest.mark.parametrize("role", [Role.procurement_officer, Role.contract_manager, Role.viewer])
def test_only_admins_manage_users(make_actor: Any, admin: Actor, role: Role) -> None:
    someone = make_actor(role)
    url = f"{USERS}/{someone.user_id}"

    assert_problem(someone.get(USERS), 403)
    assert_problem(someone.get(url), 403)
    assert_problem(someone.post(USERS, json=new_user(role="admin")), 403)
    # Not even their own record: promoting yourself is the obvious thing to try.
    assert_problem(someone.patch(url, json={"role": "admin"}, headers={"If-Match": '"v1"'}), 403)
    assert_problem(someone.get(f"{API}/service-accounts"), 403)
    assert_problem(someone.post(f"{API}/service-accounts", json={"name": "x", "scopes": ["catalog:read"]}), 403)

    assert admin.get(url).json()["role"] == role.value


def test_a_demotion_takes_effect_on_the_next_request(admin: Actor, buyer: Actor, city: City) -> None:
    assert buyer.update(f"{API}/contracts/{city.pothole_contract}", {"title": "Pothole repair"}).status_code == 200

    demoted = admin.update(f"{USERS}/{buyer.user_id}", {"role": "viewer"})
    assert demoted.status_code == 200, demoted.text

    assert_problem(buyer.update(f"{API}/contracts/{city.pothole_contract}", {"title": "Pothole repairs"}), 403)


def test_narrowing_a_users_departments_takes_effect_on_the_next_request(admin: Actor, buyer: Actor, city: City) -> None:
    assert buyer.get(f"{API}/contracts/{city.pothole_contract}").status_code == 200

    narrowed = admin.update(f"{USERS}/{buyer.user_id}", {"department_ids": [city.human_services]})
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["department_ids"] == [city.human_services]

    assert_problem(buyer.get(f"{API}/contracts/{city.pothole_contract}"), 404)


def test_a_password_change_signs_the_user_out_everywhere(
    admin: Actor, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = admin.post(USERS, json=new_user(role="viewer"))
    assert created.status_code == 201, created.text
    sign_in = {"grant_type": "password", "username": "maria.lopez@city.example", "password": PASSWORD}
    now = time.time
    with monkeypatch.context() as earlier:  # the laptop left signed in signed in a minute ago
        earlier.setattr(tokens.time, "time", lambda: now() - 60)
        stolen = client.post(f"{API}/auth/token", data=sign_in).json()["access_token"]
    assert client.get(f"{API}/contracts", headers=bearer(stolen)).status_code == 200

    changed = admin.update(f"{USERS}/{created.json()['id']}", {"password": "Another-Long-Passphrase-7"})
    assert changed.status_code == 200, changed.text

    refused = client.get(f"{API}/contracts", headers=bearer(stolen))
    assert_problem(refused, 401)
    assert "password was changed" in refused.json()["detail"]
    fresh = client.post(f"{API}/auth/token", data=sign_in | {"password": "Another-Long-Passphrase-7"})
    assert client.get(f"{API}/contracts", headers=bearer(fresh.json()["access_token"])).status_code == 200


def test_passwords_never_appear_in_responses_or_the_audit_log(
    admin: Actor, client: TestClient, session: Session
) -> None:
    created = admin.post(USERS, json=new_user())
    user_id = created.json()["id"]
    new_password = "Another-Long-Passphrase-2027"
    changed = admin.update(f"{USERS}/{user_id}", {"password": new_password, "full_name": "Maria L. Lopez"})
    assert changed.status_code == 200, changed.text
    stored = session.get(User, user_id)
    assert stored is not None
    session.refresh(stored)

    listed = admin.get(USERS)
    read = admin.get(f"{USERS}/{user_id}")
    audit = admin.get(f"{API}/audit", params={"entity": "user", "entity_id": user_id})
    for response in (created, changed, listed, read, audit):
        assert response.status_code in {200, 201}, response.text
        for secret in (PASSWORD, new_password, stored.password_hash, "$argon2", "password_hash"):
            assert secret not in response.text, (secret, response.request.url)
    assert "password" not in created.json()

    create_entry, update_entry = audit_rows(session, entity="user", entity_id=user_id)
    assert "password" not in create_entry.changes
    assert update_entry.changes == {"full_name": ["Maria Lopez", "Maria L. Lopez"], "password": ["***", "***"]}

    # And the new password is the one that works.
    form = {"grant_type": "password", "username": "maria.lopez@city.example"}
    assert client.post(f"{API}/auth/token", data=form | {"password": new_password}).status_code == 200
    assert client.post(f"{API}/auth/token", data=form | {"password": PASSWORD}).status_code == 401
