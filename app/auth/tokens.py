"""The only module that touches python-jose: issuing and verifying access tokens.

Verification never trusts the token's own header: the algorithm is pinned to the configured one, and
`exp`, `nbf`, `iat`, `sub`, `iss` and `aud` are all required and checked.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
from jose import jwt
from jose.exceptions import JOSEError

from app.config import Settings, signing_keys

_REQUIRED = {
    "verify_signature": True,
    "verify_aud": True,
    "verify_iat": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iss": True,
    "verify_sub": True,
    "require_aud": True,
    "require_iat": True,
    "require_exp": True,
    "require_nbf": True,
    "require_iss": True,
    "require_sub": True,
    "leeway": 30,
}
_CLOCK_SKEW_SECONDS = 30


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or meant for someone else."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def issue(
    settings: Settings, *, subject: str, role: str, scopes: list[str] | None = None, generation: int = 0
) -> IssuedToken:
    signing_key, _ = signing_keys(settings)
    now = int(time.time())
    lifetime = settings.access_token_minutes * 60
    claims: dict[str, Any] = {
        "sub": subject,
        "role": role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        "gen": generation,  # the user's token generation (see User.token_generation)
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    token = jwt.encode(claims, signing_key, algorithm=settings.jwt_algorithm)
    return IssuedToken(access_token=token, expires_in=lifetime)


def verify(settings: Settings, token: str) -> dict[str, Any]:
    """Claims of a token this service issued. Raises InvalidToken."""
    _, verification_key = signing_keys(settings)
    return _decode(
        token,
        verification_key,
        algorithm=settings.jwt_algorithm,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


def verify_external(settings: Settings, token: str) -> dict[str, Any]:
    """Claims of a token from the city's identity provider, checked against its JWKS document."""
    if not (settings.idp_jwks and settings.idp_issuer and settings.idp_audience):
        raise InvalidToken("no identity provider is configured")
    try:
        keys = _jwks(settings.idp_jwks)
    except (OSError, ValueError, httpx.HTTPError) as error:
        raise InvalidToken(f"the identity provider's keys cannot be read: {error}") from None
    return _decode(
        token,
        keys,
        algorithm="RS256",
        issuer=settings.idp_issuer,
        audience=settings.idp_audience,
    )


def unverified_issuer(token: str) -> str | None:
    """Which issuer a token claims, only to route it to the right verifier (which then checks it)."""
    try:
        issuer = jwt.get_unverified_claims(token).get("iss")
    except JOSEError:
        return None
    return issuer if isinstance(issuer, str) else None


def _decode(token: str, key: Any, *, algorithm: str, issuer: str, audience: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[algorithm], audience=audience, issuer=issuer, options=_REQUIRED
        )
    except (JOSEError, ValueError, TypeError, KeyError) as error:
        raise InvalidToken(str(error)) from None
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat > time.time() + _CLOCK_SKEW_SECONDS:
        raise InvalidToken("token issued in the future")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise InvalidToken("token has no subject")
    return claims


@lru_cache(maxsize=4)
def _jwks(location: str) -> dict[str, Any]:
    # Cached per process; restart (or rotate the URL) to pick up new keys.
    if location.startswith(("https://", "http://")):
        response = httpx.get(location, timeout=10)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    else:
        document = json.loads(Path(location).read_text())
    return document
