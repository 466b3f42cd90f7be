"""Signed unsubscribe links: the token alone is the authority to set one kind to `never` for one user.

A compact HMAC token (standard library) rather than a JWT: it travels in a URL and a `List-Unsubscribe` header,
where a short `<user>.<kind>.<expiry day>.<signature>` reads better than a JWT three times as long, and it
needs no header, algorithm choice or claims beyond these three values. The key is derived from the service's
signing key with a purpose label, so an unsubscribe token can never pass as anything else (and vice versa).
Links expire after `TOKEN_DAYS` (an old e-mail's link stops working rather than lasting forever); rotating
the signing key invalidates them all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from app.config import Settings, signing_keys
from app.notifications.models import NotificationKind

TOKEN_DAYS = 365
_PURPOSE = b"results-tracker/notifications/unsubscribe/v1"
_EPOCH = date(2000, 1, 1)


class InvalidToken(ValueError):
    pass


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: NotificationKind


def _key(settings: Settings) -> bytes:
    return hmac.new(signing_keys(settings)[0].encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(settings: Settings, message: str) -> str:
    digest = hmac.new(_key(settings), message.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(settings: Settings, user_id: int, kind: NotificationKind, now: datetime) -> str:
    expires = (now.date() + timedelta(days=TOKEN_DAYS) - _EPOCH).days
    message = f"{user_id}.{kind.value}.{expires}"
    return f"{message}.{_signature(settings, message)}"


def read_token(settings: Settings, token: str, now: datetime) -> Unsubscribe:
    """The user and kind a valid token names; `InvalidToken` for anything forged, altered or expired."""
    parts = token.split(".")
    if len(parts) != 4 or len(token) > 200:
        raise InvalidToken("is not an unsubscribe token")
    user, kind, expires, signature = parts
    message = f"{user}.{kind}.{expires}"
    if not hmac.compare_digest(signature, _signature(settings, message)):
        raise InvalidToken("is not a valid unsubscribe token (altered, or signed with a retired key)")
    if not (user.isdigit() and expires.isdigit()) or kind not in NotificationKind.__members__:
        raise InvalidToken("is not an unsubscribe token")
    if _EPOCH + timedelta(days=int(expires)) < now.date():
        raise InvalidToken("has expired; change your notification settings after signing in")
    return Unsubscribe(int(user), NotificationKind(kind))


def unsubscribe_url(settings: Settings, user_id: int, kind: NotificationKind, now: datetime) -> str:
    query = urlencode({"token": make_token(settings, user_id, kind, now)})
    return f"{settings.public_base_url.rstrip('/')}/api/v1/notifications/unsubscribe?{query}"
