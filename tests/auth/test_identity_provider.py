"""Staff may also sign in through the city's identity provider: its RS256 tokens, checked against its JWKS."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jose import jwk, jwt
from sqlmodel import Session

from tests.auth.helpers import (
    API,
    assert_unauthenticated,
    audit_rows,
    bearer,
    hs256_with_raw_key,
    reconfigure,
    rsa_key_pair,
    unsigned,
)
from tests.support import Actor, City, assert_problem, contract_payload, created

IDP_ISSUER = "https://login.city.example/realms/staff"
IDP_AUDIENCE = "results-tracker"
CONTRACTS = f"{API}/contracts"

Mint = Callable[..., str]


@pytest.fixture
def idp(configured: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Mint, str]:
    """Configures the identity provider; returns (mint a token, the provider's public key PEM)."""
    private_pem, public_pem = rsa_key_pair()
    key = jwk.construct(public_pem, "RS256").to_dict() | {"kid": "staff-2026", "use": "sig"}
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [key]}))
    reconfigure(monkeypatch, idp_jwks=str(jwks), idp_issuer=IDP_ISSUER, idp_audience=IDP_AUDIENCE)

    def mint(*, signing_key: str = private_pem, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "sub": "f3a9c2e4-maria.lopez",
            "iss": IDP_ISSUER,
            "aud": IDP_AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "rdc_role": "viewer",
        } | overrides
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": "staff-2026"})

    return mint, public_pem


def test_a_token_from_the_identity_provider_is_accepted_with_the_role_it_names(
    idp: tuple[Mint, str], client: TestClient, city: City
) -> None:
    mint, _ = idp
    viewer = Actor(client, bearer(mint(rdc_role="viewer")))

    assert [c["id"] for c in viewer.get(CONTRACTS).json()["items"]] == [city.pothole_contract]
    assert_problem(viewer.post(f"{API}/departments", json={"name": "Parks", "code": "PRK"}), 403)


def test_writes_by_an_identity_provider_user_are_audited_under_their_subject(
    idp: tuple[Mint, str], client: TestClient, city: City, session: Session
) -> None:
    mint, _ = idp
    buyer = Actor(client, bearer(mint(rdc_role="procurement_officer")))

    contract_id = created(
        buyer.post(
            CONTRACTS,
            json=contract_payload(
                number="C-2026-0300",
                external_id="PO-4500030000",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
            ),
        )
    )

    (entry,) = audit_rows(session, entity="contract", entity_id=contract_id)
    assert (entry.actor, entry.actor_role, entry.action) == (
        "external:f3a9c2e4-maria.lopez",
        "procurement_officer",
        "create",
    )


def test_local_tokens_keep_working_alongside_the_identity_provider(idp: tuple[Mint, str], admin: Actor) -> None:
    assert admin.get(CONTRACTS).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-app"},
        {"aud": None},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200, "nbf": int(time.time()) - 7200},
        {"nbf": int(time.time()) + 3600},
        {"sub": None},
        {"rdc_role": None},
        {"rdc_role": "superuser"},
        {"rdc_role": "integration"},
    ],
    ids=[
        "wrong audience",
        "no audience",
        "expired",
        "not yet valid",
        "no subject",
        "no role",
        "unknown role",
        "integration role",
    ],
)
def test_an_unacceptable_identity_provider_token_is_401(
    idp: tuple[Mint, str], client: TestClient, overrides: dict[str, Any]
) -> None:
    mint, _ = idp
    assert_unauthenticated(client.get(CONTRACTS, headers=bearer(mint(**overrides))))


def test_a_token_claiming_the_providers_issuer_but_not_signed_by_it_is_401(
    idp: tuple[Mint, str], client: TestClient
) -> None:
    mint, public_pem = idp
    now = int(time.time())
    claims = {
        "sub": "mallory",
        "iss": IDP_ISSUER,
        "aud": IDP_AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "rdc_role": "admin",
    }

    for forged in (
        mint(signing_key=rsa_key_pair()[0], rdc_role="admin"),  # somebody else's key
        hs256_with_raw_key(claims, public_pem.encode()),  # HMAC over the provider's public key
        hs256_with_raw_key(claims, json.dumps(jwk.construct(public_pem, "RS256").to_dict()).encode()),
        unsigned(claims),
    ):
        assert_unauthenticated(client.get(CONTRACTS, headers=bearer(forged)))


def test_an_identity_provider_user_is_limited_to_the_departments_its_claim_names(
    idp: tuple[Mint, str], client: TestClient, city: City
) -> None:
    mint, _ = idp
    caseworker = Actor(client, bearer(mint(rdc_role="contract_manager", rdc_departments=["HSD"])))

    assert caseworker.get(CONTRACTS).json()["items"] == []  # the pothole contract is Transportation's
    assert_problem(caseworker.get(f"{CONTRACTS}/{city.pothole_contract}"), 404)
    assert caseworker.get(f"{API}/grants/{city.rehousing_grant}").status_code == 200


def test_a_department_claim_naming_no_known_department_signs_nobody_in(
    idp: tuple[Mint, str], client: TestClient, city: City
) -> None:
    mint, _ = idp

    refused = client.get(CONTRACTS, headers=bearer(mint(rdc_role="viewer", rdc_departments="PARKS")))

    assert_problem(refused, 401)
