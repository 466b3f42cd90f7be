"""The append-only audit log: one row per audited write, in the write's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_actor", "actor"),
        Index("ix_audit_log_occurred_at", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    actor: str = Field(max_length=200, description="`user:12`, `service_account:3`, `external:<sub>`")
    actor_role: str = Field(max_length=40)
    entity: str = Field(max_length=60)
    entity_id: int
    action: str = Field(max_length=20, description="create, update or delete")
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    request_id: str | None = Field(default=None, max_length=128)


class AuditSeal(SQLModel, table=True):
    """A link of the tamper-evident chain over the audit log: entry `entry_id` was the `seq`-th sealed, and
    `digest` is SHA-256 over the previous link's digest and the entry's content. Append-only like the log;
    rewriting an entry, or deleting one, breaks the chain at that link (`rdc audit verify`)."""

    __tablename__ = "audit_seal"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    entry_id: int = Field(unique=True)  # no foreign key: the seal must outlive an entry deleted behind our back
    digest: str = Field(min_length=64, max_length=64)
    sealed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class AuditEntryPublic(SQLModel):
    id: int
    occurred_at: datetime
    actor: str
    actor_role: str
    entity: str
    entity_id: int
    action: str
    changes: dict[str, Any] = Field(description="field -> [before, after]")
    request_id: str | None
