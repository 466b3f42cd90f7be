"""Secrets and signatures, per the Standard Webhooks specification (https://www.standardwebhooks.com).

Signing goes through the specification's reference library, so what receivers verify with it (or with any
compliant library) is exactly what was signed here.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

from app.events.models import Event

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def message(event: Event) -> str:
    """The JSON body of the event's deliveries: the same bytes on every attempt and replay."""
    data: dict[str, Any] = {
        "department_id": event.department_id,
        "award_id": event.award_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
    } | dict(event.payload)
    body = {"id": event.uid, "type": event.type, "timestamp": event.occurred_at.isoformat(), "data": data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)


def signature_header(message_id: str, timestamp: datetime, body: str, signing_secrets: Sequence[str]) -> str:
    """`v1,<base64>` per secret, space-separated: during a rotation receivers holding either secret verify."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in signing_secrets)


def headers(message_id: str, timestamp: datetime, body: str, signing_secrets: Sequence[str]) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "ResultsTracker-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature_header(message_id, timestamp, body, signing_secrets),
    }
