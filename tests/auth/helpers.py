"""Helpers for the access-control and audit tests: service accounts, forged tokens, audit rows.

Forged tokens are built with python-jose (or by hand, where jose refuses to build them) on purpose:
the point is to hand the API tokens it must not accept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jose import jwt
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEntry
from app.auth import tokens
from app.auth.models import ServiceAccount
from app.auth.passwords import hash_secret
from app.auth.roles import Role
from app.config import Settings, get_settings
from app.db import utcnow
from tests.support import Actor, assert_problem

API = "/api/v1"


def reconfigure(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    """Sets `RDC_<NAME>` environment variables and makes the app read its settings again."""
    for name, value in env.items():
        monkeypatch.setenv(f"RDC_{name.upper()}", value)
    get_settings.cache_clear()
    return get_settings()


# --- service accounts -------------------------------------------------------------------------------


def add_service_account(
    session: Session,
    scopes: list[str],
    *,
    name: str = "ERP nightly feed",
    expires_at: datetime | None = None,
    revoked_at: datetime | None = None,
    department_ids: list[int] | None = None,
    vendor_id: int | None = None,
    award_ids: list[int] | None = None,
) -> ServiceAccount:
    """A service account written straight to the database (its secret is useless: `not-used`)."""
    count = session.exec(select(func.count()).select_from(ServiceAccount)).one()
    account = ServiceAccount(
        name=name,
        client_id=f"rdc_test_{count + 1}_{int(time.time() * 1000)}",
        secret_hash=_UNUSED_SECRET_HASH,
        scopes=sorted(scopes),
        expires_at=expires_at or utcnow() + timedelta(days=30),
        revoked_at=revoked_at,
        department_ids=department_ids or [],
        vendor_id=vendor_id,
        award_ids=award_ids or [],
    )
    session.add(account)
    session.commit()
    session.refresh(account)
    return account


_UNUSED_SECRET_HASH = hash_secret("not-used-anywhere-in-these-tests")


def service_account_actor(client: TestClient, account: ServiceAccount) -> Actor:
    """The account signed in (a token issued by the app's own code, as the token endpoint would)."""
    issued = tokens.issue(
        get_settings(), subject=f"service_account:{account.id}", role=Role.integration.value, scopes=account.scopes
    )
    return Actor(client, {"Authorization": f"Bearer {issued.access_token}"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- tokens -----------------------------------------------------------------------------------------


def valid_claims(subject: str, **overrides: Any) -> dict[str, Any]:
    """Claims the app would accept for `subject` right now; `None` in overrides removes a claim."""
    settings = get_settings()
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "role": "viewer",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "test-token",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def signed(claims: dict[str, Any], key: str | None = None, algorithm: str = "HS256") -> str:
    """A token signed with `key` (default: the app's configured HS256 secret)."""
    return jwt.encode(claims, key if key is not None else _configured_secret(), algorithm=algorithm)


def _configured_secret() -> str:
    secret = get_settings().jwt_secret
    assert secret, "the tests configure RDC_JWT_SECRET"
    return secret


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def unsigned(claims: dict[str, Any]) -> str:
    """An `alg: none` token: no signature at all (jose refuses to build these, so by hand)."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."


def hs256_with_raw_key(claims: dict[str, Any], key: bytes) -> str:
    """HS256 with any bytes as the secret, e.g. an RSA public key (jose refuses PEM keys as secrets)."""
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT'})}.{_segment(claims)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def with_payload(token: str, **changes: Any) -> str:
    """The token with its payload edited and its original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_segment(claims)}.{signature}"


def rsa_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh 2048-bit RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


# --- audit ------------------------------------------------------------------------------------------


def audit_rows(session: Session, **where: Any) -> list[AuditEntry]:
    """Audit entries straight from the table, oldest first, filtered by column equality."""
    session.expire_all()
    statement = select(AuditEntry).order_by(col(AuditEntry.id))
    for name, value in where.items():
        statement = statement.where(getattr(AuditEntry, name) == value)
    return list(session.exec(statement).all())


def audit_count(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


def assert_unauthenticated(response: Any) -> None:
    """401, problem+json, and a `WWW-Authenticate: Bearer ...` challenge (RFC 6750 3)."""
    assert_problem(response, 401)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), response.headers
