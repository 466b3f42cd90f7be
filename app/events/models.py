"""The outbox: one row per thing that happened, written in the transaction that made it happen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, FetchedValue, Index, Integer, text
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        # The dispatcher's work list: events not yet turned into deliveries and notifications.
        Index(
            "ix_event_undispatched",
            "id",
            postgresql_where=text("dispatched_at IS NULL"),
            sqlite_where=text("dispatched_at IS NULL"),
        ),
        Index("ix_event_feed", "tx", "id"),
        Index("ix_event_department_feed", "department_id", "tx", "id"),
        # Ids only ever grow on SQLite too, so that a feed cursor never points at a reused id.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    )
    uid: str = Field(max_length=40, unique=True, description="Stable public id (also the webhook-id)")
    type: str = Field(max_length=60)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    department_id: int | None = Field(default=None)
    award_id: int | None = Field(default=None)
    subject_type: str = Field(max_length=30)
    subject_id: int | None = Field(default=None)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    # PostgreSQL: the writing transaction's id (a server default), which orders the feed in commit-safe steps.
    # SQLite: null (one writer at a time, so ids are already in commit order).
    tx: int | None = Field(default=None, sa_column=Column(BigInteger, server_default=FetchedValue(), nullable=True))
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
