"""Webhooks tables: subscribed endpoints, one delivery per (endpoint, event), and the log of attempts.

Deliveries are the durable work: jobs only nudge them (the SQLite job queue lives in memory and is lost at a
restart), and the periodic resume round re-nudges whatever is due.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, choice, utcnow
from app.kit.models import TableBase


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt
    succeeded = "succeeded"  # the endpoint answered 2xx
    failed = "failed"  # every attempt failed, or the endpoint answered 410 Gone
    abandoned = "abandoned"  # the endpoint was disabled before the delivery got through


class WebhookEndpoint(TableBase, table=True):
    __tablename__ = "webhook_endpoint"

    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    # Empty: every event type.
    event_types: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    # Empty: every department the owner may see (only citywide owners may leave it empty).
    department_ids: list[int] = Field(default_factory=list, sa_type=JSON, nullable=False)
    owner_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    active: bool = True
    disabled_reason: str | None = Field(default=None, max_length=500)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Stored as issued (`whsec_...`): signing needs the secret itself, so it cannot be hashed.
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Failed attempts since the last success, and when that run of failures began.
    consecutive_failures: int = Field(default=0)
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_endpoint_event"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint", "endpoint_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", ondelete="CASCADE")
    event_id: int = Field(
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"),
            ForeignKey("event.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    # The event's uid: the `webhook-id` header, the same on every attempt and replay.
    message_id: str = Field(max_length=40)
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=choice(DeliveryStatus))
    attempts: int = Field(default=0, description="Attempts since the delivery was queued (or last replayed)")
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", ondelete="CASCADE", index=True)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    status_code: int | None = Field(default=None)
    duration_ms: int = Field(default=0)
    error: str | None = Field(default=None, max_length=500)
    response_snippet: str | None = Field(default=None, max_length=500)
