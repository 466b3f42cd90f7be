"""Stories of people trying to get in with tokens the Results Tracker never issued, or no longer honours.

Every one of them must get 401, as problem+json, with a `WWW-Authenticate: Bearer` challenge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import tokens
from app.auth.models import User
from app.auth.roles import Role
from app.config import get_settings
from app.db import utcnow
from tests.auth.helpers import (
    API,
    add_service_account,
    assert_unauthenticated,
    b64url,
    bearer,
    hs256_with_raw_key,
    reconfigure,
    rsa_key_pair,
    service_account_actor,
    signed,
    unsigned,
    valid_claims,
    with_payload,
)
from tests.support import Actor

CONTRACTS = f"{API}/contracts"
NOW = int(time.time())

# name -> builds a bad token for the user `user:<id>` (given that subject).
FORGERIES: dict[str, Callable[[str], str]] = {
    "alg none": lambda sub: unsigned(valid_claims(sub)),
    "alg NONE in upper case": lambda sub: (
        b64url(b'{"alg":"NONE","typ":"JWT"}') + "." + unsigned(valid_claims(sub)).split(".")[1] + "."
    ),
    "signed with another secret": lambda sub: signed(valid_claims(sub), key="another-secret-" + "y" * 40),
    "expired an hour ago": lambda sub: signed(valid_claims(sub, iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - 3600)),
    "not valid before tomorrow": lambda sub: signed(valid_claims(sub, nbf=int(time.time()) + 86400)),
    "issued in the future": lambda sub: signed(
        valid_claims(sub, iat=int(time.time()) + 3600, exp=int(time.time()) + 7200)
    ),
    "wrong issuer": lambda sub: signed(valid_claims(sub, iss="https://evil.example")),
    "wrong audience": lambda sub: signed(valid_claims(sub, aud="some-other-api")),
    "no exp": lambda sub: signed(valid_claims(sub, exp=None)),
    "no sub": lambda sub: signed(valid_claims(sub, sub=None)),
    "empty sub": lambda sub: signed(valid_claims(sub, sub="")),
    "no iss": lambda sub: signed(valid_claims(sub, iss=None)),
    "no aud": lambda sub: signed(valid_claims(sub, aud=None)),
    "no iat": lambda sub: signed(valid_claims(sub, iat=None)),
    "no nbf": lambda sub: signed(valid_claims(sub, nbf=None)),
    "subject of an unknown kind": lambda sub: signed(valid_claims(sub.replace("user:", "system:"))),
    "subject without a number": lambda sub: signed(valid_claims("user:admin")),
    "subject of a user that does not exist": lambda sub: signed(valid_claims("user:987654")),
    "role changed in the payload": lambda sub: with_payload(signed(valid_claims(sub)), role="admin"),
    "subject changed in the payload": lambda sub: with_payload(signed(valid_claims(sub)), sub=sub + "0"),
    "expiry pushed back in the payload": lambda sub: with_payload(
        signed(valid_claims(sub, exp=NOW - 3600, iat=NOW - 7200, nbf=NOW - 7200)), exp=NOW + 3600
    ),
    "signature stripped": lambda sub: signed(valid_claims(sub)).rsplit(".", 1)[0] + ".",
    "garbage": lambda sub: "not-a-jwt-at-all",
    "three segments of garbage": lambda sub: "abc.def.ghi",
    "header is not json": lambda sub: b64url(b"{not json") + "." + signed(valid_claims(sub)).split(".", 1)[1],
}


def test_a_request_without_a_token_is_asked_to_authenticate(anonymous: Actor) -> None:
    assert_unauthenticated(anonymous.get(CONTRACTS))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), ('{"title": 5}', "application/json"), ("", "application/json")],
    ids=["malformed json", "wrong types", "empty body"],
)
def test_a_request_without_a_token_is_asked_to_authenticate_before_its_body_is_judged(
    anonymous: Actor, body: str, content_type: str
) -> None:
    # Otherwise an anonymous caller would learn, field by field, what a valid contract looks like.
    assert_unauthenticated(anonymous.post(CONTRACTS, content=body, headers={"Content-Type": content_type}))


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dmlld2VyOnNlY3JldA==", "Token abc", "bearer"],
    ids=["empty", "scheme only", "scheme and space", "basic", "other scheme", "lowercase scheme only"],
)
def test_an_unusable_authorization_header_is_asked_to_authenticate(client: TestClient, authorization: str) -> None:
    assert_unauthenticated(client.get(CONTRACTS, headers={"Authorization": authorization}))


def test_the_forgery_helpers_build_tokens_the_app_accepts_when_nothing_is_wrong(make_actor: Any) -> None:
    """Control: the same helpers, with nothing tampered, give a token that works (so 401s below mean something)."""
    viewer = make_actor(Role.viewer)
    response = viewer.client.get(CONTRACTS, headers=bearer(signed(valid_claims(f"user:{viewer.user_id}"))))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("forgery", list(FORGERIES), ids=list(FORGERIES))
def test_a_forged_or_invalid_token_is_rejected(make_actor: Any, forgery: str) -> None:
    viewer = make_actor(Role.viewer)
    token = FORGERIES[forgery](f"user:{viewer.user_id}")

    assert_unauthenticated(viewer.client.get(CONTRACTS, headers=bearer(token)))
    assert_unauthenticated(viewer.client.post(CONTRACTS, headers=bearer(token), json={}))


def test_the_role_claim_in_a_genuine_token_grants_nothing(make_actor: Any, city: Any) -> None:
    """The role comes from the account, not the token: a viewer's token that says admin is still a viewer's."""
    viewer = make_actor(Role.viewer)
    token = signed(valid_claims(f"user:{viewer.user_id}", role="admin"))

    assert viewer.client.get(CONTRACTS, headers=bearer(token)).status_code == 200
    response = viewer.client.post(f"{API}/departments", headers=bearer(token), json={"name": "Parks", "code": "PRK"})
    assert response.status_code == 403, response.text


def test_a_token_of_a_deactivated_user_stops_working(admin: Actor, make_actor: Any) -> None:
    viewer = make_actor(Role.viewer)
    assert viewer.get(CONTRACTS).status_code == 200

    deactivated = admin.update(f"{API}/users/{viewer.user_id}", {"is_active": False})
    assert deactivated.status_code == 200, deactivated.text

    assert_unauthenticated(viewer.get(CONTRACTS))


def test_a_token_of_a_deleted_user_stops_working(make_actor: Any, session: Session) -> None:
    viewer = make_actor(Role.viewer)
    assert viewer.get(CONTRACTS).status_code == 200

    user = session.get(User, viewer.user_id)
    session.delete(user)
    session.commit()

    assert_unauthenticated(viewer.get(CONTRACTS))


def test_a_token_of_a_revoked_service_account_stops_working(client: TestClient, admin: Actor, session: Session) -> None:
    account = add_service_account(session, ["catalog:read"])
    feed = service_account_actor(client, account)
    assert feed.get(CONTRACTS).status_code == 200

    revoked = admin.post(f"{API}/service-accounts/{account.id}/revoke")
    assert revoked.status_code == 200, revoked.text

    assert_unauthenticated(feed.get(CONTRACTS))


def test_a_token_of_an_expired_service_account_stops_working(client: TestClient, session: Session) -> None:
    account = add_service_account(session, ["catalog:read"])
    feed = service_account_actor(client, account)
    assert feed.get(CONTRACTS).status_code == 200

    account.expires_at = utcnow() - timedelta(minutes=1)
    session.add(account)
    session.commit()

    assert_unauthenticated(feed.get(CONTRACTS))


def test_with_rs256_a_token_hmac_signed_with_the_public_key_is_rejected(
    make_actor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The classic algorithm-confusion attack: the public key is public, so HS256 over it must not verify."""
    viewer = make_actor(Role.viewer)
    private_pem, public_pem = rsa_key_pair()
    settings = reconfigure(monkeypatch, jwt_algorithm="RS256", jwt_private_key=private_pem, jwt_public_key=public_pem)
    subject = f"user:{viewer.user_id}"

    genuine = tokens.issue(settings, subject=subject, role="viewer").access_token
    assert viewer.client.get(CONTRACTS, headers=bearer(genuine)).status_code == 200

    for forged in (
        hs256_with_raw_key(valid_claims(subject), public_pem.encode()),
        hs256_with_raw_key(valid_claims(subject), public_pem.strip().encode()),
        signed(valid_claims(subject), key="test-secret-" + "x" * 40),  # the old HS256 secret
        signed(valid_claims(subject), key=rsa_key_pair()[0], algorithm="RS256"),  # somebody else's key pair
        unsigned(valid_claims(subject)),
    ):
        assert_unauthenticated(viewer.client.get(CONTRACTS, headers=bearer(forged)))


def test_tokens_signed_before_a_switch_to_rs256_no_longer_work(
    make_actor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = make_actor(Role.viewer)
    assert viewer.get(CONTRACTS).status_code == 200
    private_pem, public_pem = rsa_key_pair()

    reconfigure(monkeypatch, jwt_algorithm="RS256", jwt_private_key=private_pem, jwt_public_key=public_pem)

    assert_unauthenticated(viewer.get(CONTRACTS))
    assert get_settings().jwt_algorithm == "RS256"
