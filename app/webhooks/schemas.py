"""Request and response schemas of `/webhooks`. Secrets appear in exactly two answers: create and rotate."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.events.types import EventType
from app.kit.fields import NO_NUL, Flag, Instant, RecordRef
from app.kit.pagination import PageQuery
from app.webhooks.models import DeliveryStatus

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
MAX_DEPARTMENTS = 100


class EndpointCreate(BaseModel):
    model_config = _STRICT

    url: str = Field(min_length=1, max_length=2000, pattern=NO_NUL, description="https URL that receives POSTs")
    description: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
    event_types: list[EventType] = Field(
        default_factory=list, max_length=len(EventType), description="Only these event types; empty: all"
    )
    department_ids: list[RecordRef] = Field(
        default_factory=list,
        max_length=MAX_DEPARTMENTS,
        description="Only events of these departments; empty: every department (citywide users only)",
    )


class EndpointUpdate(BaseModel):
    """Fields left out are unchanged. `active: true` re-enables a disabled endpoint and clears its failures."""

    model_config = _STRICT

    url: str | None = Field(default=None, min_length=1, max_length=2000, pattern=NO_NUL)
    description: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
    event_types: list[EventType] | None = Field(default=None, max_length=len(EventType))
    department_ids: list[RecordRef] | None = Field(default=None, max_length=MAX_DEPARTMENTS)
    active: Flag | None = None


class EndpointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    description: str | None
    event_types: list[str]
    department_ids: list[int]
    owner_id: int
    active: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    consecutive_failures: int
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="While set and in the future, deliveries are also signed with the previous secret"
    )
    created_at: datetime
    updated_at: datetime
    version: int


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description="The signing secret (`whsec_...`). Shown only in this answer: store it now")


class RotateBody(BaseModel):
    model_config = _STRICT

    overlap_hours: int = Field(
        default=24, ge=0, le=168, description="How long the old secret keeps signing alongside the new one"
    )


class AttemptPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    response_snippet: str | None


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    endpoint_id: int
    webhook_id: str = Field(description="The `webhook-id` header: the event's id, the same on every attempt")
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptPublic] = Field(description="Attempts, newest first (at most 20)")


class DeliveryQuery(PageQuery):
    status: DeliveryStatus | None = None


class ReplayBody(BaseModel):
    model_config = _STRICT

    since: Instant = Field(description="Re-send every delivery of events that occurred at or after this instant")


class ReplayResult(BaseModel):
    queued: int = Field(description="Deliveries queued again")
