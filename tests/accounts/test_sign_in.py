"""Signing in: people with a password, integrations with client credentials, and the brakes on guessing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.auth.models import ServiceAccount, SignInAttempt, User
from app.auth.roles import Role
from app.config import get_settings
from app.db import utcnow
from app.main import app
from tests.auth.helpers import API, assert_unauthenticated, audit_rows, bearer, reconfigure
from tests.conftest import TEST_PASSWORD
from tests.support import Actor, assert_problem

TOKEN = f"{API}/auth/token"


def sign_in(client: TestClient, username: str, password: str) -> Any:
    return client.post(TOKEN, data={"grant_type": "password", "username": username, "password": password})


def client_credentials(client: TestClient, client_id: str, client_secret: str) -> Any:
    return client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    )


def new_service_account(admin: Actor, scopes: list[str], name: str = "Oracle ERP nightly feed") -> dict[str, Any]:
    response = admin.post(f"{API}/service-accounts", json={"name": name, "scopes": scopes})
    assert response.status_code == 201, response.text
    return dict(response.json())


# --- people ----------------------------------------------------------------------------------------


def test_a_user_signs_in_with_a_password_and_gets_a_bearer_jwt(make_actor: Any, client: TestClient) -> None:
    viewer = make_actor(Role.viewer, email="pat.viewer@city.example")

    response = sign_in(client, "Pat.Viewer@City.example", TEST_PASSWORD)  # emails are case-insensitive

    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    settings = get_settings()
    assert body["expires_in"] == settings.access_token_minutes * 60
    claims = jwt.get_unverified_claims(body["access_token"])
    assert jwt.get_unverified_header(body["access_token"])["alg"] == settings.jwt_algorithm
    assert claims["sub"] == f"user:{viewer.user_id}"
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == settings.jwt_audience
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    assert client.get(f"{API}/contracts", headers=bearer(body["access_token"])).status_code == 200


def test_a_wrong_password_is_401_and_does_not_reveal_whether_the_account_exists(
    make_actor: Any, client: TestClient
) -> None:
    make_actor(Role.viewer, email="pat.viewer@city.example")

    wrong_password = sign_in(client, "pat.viewer@city.example", "not the password at all")
    no_such_user = sign_in(client, "nobody@city.example", "not the password at all")

    assert_unauthenticated(wrong_password)
    assert_unauthenticated(no_such_user)
    assert "access_token" not in wrong_password.text
    assert wrong_password.json()["detail"] == no_such_user.json()["detail"]


def test_a_deactivated_user_cannot_sign_in(make_actor: Any, client: TestClient, session: Session) -> None:
    viewer = make_actor(Role.viewer, email="pat.viewer@city.example")
    user = session.get(User, viewer.user_id)
    assert user is not None
    user.is_active = False
    session.add(user)
    session.commit()

    assert_unauthenticated(sign_in(client, "pat.viewer@city.example", TEST_PASSWORD))


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "password", "username": "pat.viewer@city.example"},
        {"grant_type": "password", "password": TEST_PASSWORD},
        {"grant_type": "implicit", "username": "pat.viewer@city.example", "password": TEST_PASSWORD},
        {"grant_type": "client_credentials", "client_id": "rdc_x"},
        {"username": "pat.viewer@city.example", "password": TEST_PASSWORD},
    ],
    ids=["no password", "no username", "unsupported grant", "no client secret", "no grant type"],
)
def test_an_incomplete_sign_in_is_422(client: TestClient, form: dict[str, str]) -> None:
    assert_problem(client.post(TOKEN, data=form), 422)


# --- integrations ----------------------------------------------------------------------------------


def test_an_integration_signs_in_with_client_credentials_as_form_fields_or_http_basic(
    admin: Actor, client: TestClient
) -> None:
    account = new_service_account(admin, ["catalog:read"])
    secret = account["client_secret"]
    assert account["client_id"].startswith("rdc_")
    assert len(secret) >= 32

    by_form = client_credentials(client, account["client_id"], secret)
    by_basic = client.post(TOKEN, data={"grant_type": "client_credentials"}, auth=(account["client_id"], secret))

    for response in (by_form, by_basic):
        assert response.status_code == 200, response.text
        assert response.json()["scope"] == "catalog:read"
        claims = jwt.get_unverified_claims(response.json()["access_token"])
        assert claims["sub"] == f"service_account:{account['id']}"
    feed = Actor(client, bearer(by_form.json()["access_token"]))
    assert feed.get(f"{API}/contracts").status_code == 200


def test_the_client_secret_is_shown_once_and_never_again(admin: Actor, session: Session) -> None:
    account = new_service_account(admin, ["catalog:read", "readings:write"])
    secret = account["client_secret"]

    listed = admin.get(f"{API}/service-accounts")
    assert listed.status_code == 200
    assert [item["client_id"] for item in listed.json()["items"]] == [account["client_id"]]
    assert secret not in listed.text
    assert "client_secret" not in listed.text
    assert "secret_hash" not in listed.text
    revoked = admin.post(f"{API}/service-accounts/{account['id']}/revoke")
    assert secret not in revoked.text
    assert "client_secret" not in revoked.json()

    stored = session.get(ServiceAccount, account["id"])
    assert stored is not None and secret not in stored.secret_hash
    for entry in audit_rows(session, entity="service_account"):
        assert secret not in str(entry.changes)
        assert stored.secret_hash not in str(entry.changes)


def test_an_integration_with_catalog_read_can_list_contracts_but_not_create_them(
    admin: Actor, client: TestClient, city: Any
) -> None:
    account = new_service_account(admin, ["catalog:read"])
    token = client_credentials(client, account["client_id"], account["client_secret"]).json()["access_token"]
    feed = Actor(client, bearer(token))

    listed = feed.get(f"{API}/contracts")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [city.pothole_contract]
    assert_problem(feed.post(f"{API}/contracts", json={"number": "C-1"}), 403)
    assert_problem(feed.get(f"{API}/users"), 403)
    assert_problem(feed.get(f"{API}/audit"), 403)


def test_a_wrong_client_secret_is_401(admin: Actor, client: TestClient) -> None:
    account = new_service_account(admin, ["catalog:read"])

    assert_unauthenticated(client_credentials(client, account["client_id"], account["client_secret"] + "x"))
    assert_unauthenticated(client_credentials(client, "rdc_no_such_client", account["client_secret"]))


def test_a_revoked_integration_cannot_sign_in(admin: Actor, client: TestClient) -> None:
    account = new_service_account(admin, ["catalog:read"])
    revoked = admin.post(f"{API}/service-accounts/{account['id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None

    assert_unauthenticated(client_credentials(client, account["client_id"], account["client_secret"]))


def test_an_expired_integration_cannot_sign_in(admin: Actor, client: TestClient, session: Session) -> None:
    account = new_service_account(admin, ["catalog:read"])
    session.execute(
        update(ServiceAccount)
        .where(col(ServiceAccount.id) == account["id"])
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()

    assert_unauthenticated(client_credentials(client, account["client_id"], account["client_secret"]))


# --- throttling ------------------------------------------------------------------------------------


def _age_failures(session: Session, seconds: int) -> None:
    """Moves every recorded failure `seconds` into the past (instead of waiting for the window to pass)."""
    session.execute(update(SignInAttempt).values(attempted_at=utcnow() - timedelta(seconds=seconds)))
    session.commit()


def test_after_too_many_wrong_passwords_even_the_right_one_waits_until_the_window_has_passed(
    make_actor: Any, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, signin_max_failures="3", signin_window_seconds="600")
    make_actor(Role.viewer, email="pat.viewer@city.example")
    make_actor(Role.viewer, email="sam.viewer@city.example")

    for _ in range(settings.signin_max_failures):
        assert_unauthenticated(sign_in(client, "pat.viewer@city.example", "guess guess guess"))

    throttled = sign_in(client, "pat.viewer@city.example", TEST_PASSWORD)
    assert_problem(throttled, 429)
    assert "access_token" not in throttled.text
    assert 1 <= int(throttled.headers["Retry-After"]) <= settings.signin_window_seconds
    # The lock is on Pat's account: Sam, at the next desk (same address), still signs in.
    assert sign_in(client, "sam.viewer@city.example", TEST_PASSWORD).status_code == 200

    _age_failures(session, settings.signin_window_seconds + 1)

    assert sign_in(client, "pat.viewer@city.example", TEST_PASSWORD).status_code == 200


def test_a_successful_sign_in_clears_the_accounts_failures(
    make_actor: Any, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, signin_max_failures="2")
    make_actor(Role.viewer, email="pat.viewer@city.example")

    assert_unauthenticated(sign_in(client, "pat.viewer@city.example", "typo typo typo"))
    assert sign_in(client, "pat.viewer@city.example", TEST_PASSWORD).status_code == 200
    assert_unauthenticated(sign_in(client, "pat.viewer@city.example", "typo typo typo"))

    assert sign_in(client, "pat.viewer@city.example", TEST_PASSWORD).status_code == 200
    failures = session.exec(select(func.count()).where(SignInAttempt.account == "pat.viewer@city.example")).one()
    assert failures == 0 < settings.signin_max_failures


def test_one_address_guessing_many_accounts_is_throttled(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Password spraying: one failure per account, many accounts, from one address."""
    reconfigure(monkeypatch, signin_max_failures="1")
    attempts = 0
    response = sign_in(client, "user0@city.example", "Winter2025!Winter")
    while response.status_code == 401 and attempts < 10:
        attempts += 1
        response = sign_in(client, f"user{attempts}@city.example", "Winter2025!Winter")

    assert_problem(response, 429)
    assert attempts == 4  # a shared office address gets 4x the per-account allowance
    assert int(response.headers["Retry-After"]) >= 1


def test_too_many_wrong_client_secrets_throttle_the_integration_too(
    admin: Actor, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = reconfigure(monkeypatch, signin_max_failures="2")
    account = new_service_account(admin, ["catalog:read"])

    for _ in range(settings.signin_max_failures):
        assert_unauthenticated(client_credentials(client, account["client_id"], "wrong-secret"))
    throttled = client_credentials(client, account["client_id"], account["client_secret"])
    assert_problem(throttled, 429)
    assert "Retry-After" in throttled.headers

    _age_failures(session, settings.signin_window_seconds + 1)
    assert client_credentials(client, account["client_id"], account["client_secret"]).status_code == 200


# --- the first admin -------------------------------------------------------------------------------

FIRST_ADMIN_PASSWORD = "first admin passphrase 2026"


def test_the_first_admin_is_created_at_start_up_once(
    configured: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconfigure(monkeypatch, first_admin_email="Chief.Admin@City.example", first_admin_password=FIRST_ADMIN_PASSWORD)

    with TestClient(app) as first_start:
        response = sign_in(first_start, "chief.admin@city.example", FIRST_ADMIN_PASSWORD)
        assert response.status_code == 200, response.text
        chief = Actor(first_start, bearer(response.json()["access_token"]))
        assert chief.get(f"{API}/users").json()["items"][0]["role"] == "admin"
    with TestClient(app) as second_start:
        assert sign_in(second_start, "chief.admin@city.example", FIRST_ADMIN_PASSWORD).status_code == 200

    admins = session.exec(select(User).where(User.email == "chief.admin@city.example")).all()
    assert len(admins) == 1
    assert admins[0].role == Role.admin
    (created,) = audit_rows(session, entity="user", entity_id=admins[0].id)
    assert created.action == "create"
    assert created.actor.startswith("system")
    assert FIRST_ADMIN_PASSWORD not in str(created.changes)
    assert "password" not in created.changes and "password_hash" not in created.changes


def test_a_restart_does_not_reset_the_first_admins_changed_password(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconfigure(monkeypatch, first_admin_email="chief.admin@city.example", first_admin_password=FIRST_ADMIN_PASSWORD)
    new_password = "a brand new passphrase 2026"

    with TestClient(app) as first_start:
        token = sign_in(first_start, "chief.admin@city.example", FIRST_ADMIN_PASSWORD).json()["access_token"]
        chief = Actor(first_start, bearer(token))
        me = chief.get(f"{API}/users").json()["items"][0]
        changed = chief.update(f"{API}/users/{me['id']}", {"password": new_password})
        assert changed.status_code == 200, changed.text

    with TestClient(app) as second_start:
        assert_unauthenticated(sign_in(second_start, "chief.admin@city.example", FIRST_ADMIN_PASSWORD))
        assert sign_in(second_start, "chief.admin@city.example", new_password).status_code == 200
