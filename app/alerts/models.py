"""Alerts: one open alert per (metric, kind), raised or lowered in place, with its full history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from app.alerts.rules import AlertKind, Severity
from app.db import UTCDateTime, choice, utcnow
from app.kit.models import TableBase


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class AlertOutcome(StrEnum):
    """What the city recorded when it closed an alert."""

    resolved = "resolved"
    partly_resolved = "partly_resolved"
    not_resolved = "not_resolved"


class Alert(TableBase, table=True):
    __table_args__ = (
        # At most one unresolved alert per metric and kind, enforced by the database (partial unique index).
        Index(
            "uq_alert_open_metric_kind",
            "metric_id",
            "kind",
            unique=True,
            postgresql_where=text("status <> 'resolved'"),
            sqlite_where=text("status <> 'resolved'"),
        ),
        Index("ix_alert_assignee_status", "assignee_id", "status", "severity_rank", "opened_at"),
        Index("ix_alert_award_status", "award_id", "status"),
    )

    metric_id: int = Field(foreign_key="metric.id", ondelete="CASCADE")
    award_id: int = Field(foreign_key="award.id", ondelete="CASCADE")
    kind: AlertKind = Field(sa_type=choice(AlertKind))
    severity: Severity = Field(sa_type=choice(Severity))
    severity_rank: int = Field(description="3 high, 2 medium, 1 low: sorts alerts by severity")
    status: AlertStatus = Field(default=AlertStatus.open, sa_type=choice(AlertStatus))
    summary: str = Field(max_length=2000)
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_note: str | None = Field(default=None, max_length=2000)
    outcome: AlertOutcome | None = Field(default=None, sa_type=choice(AlertOutcome))
    # Set when the last step of an agreed corrective plan is done: the manager should record a resolution.
    resolution_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AlertEvent(SQLModel, table=True):
    __tablename__ = "alert_event"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", ondelete="CASCADE", index=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=200, description="`system` for automatic changes")
    event: str = Field(
        max_length=30,
        description="opened, raised, lowered, updated, acknowledged, assigned, resolved, reopened; the dialogue: "
        "question_asked, answered, question_withdrawn, reply_overdue, plan_proposed, plan_agreed, plan_rejected, "
        "plan_completed, resolution_requested",
    )
    from_severity: str | None = Field(default=None, max_length=20)
    to_severity: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)
    outcome: AlertOutcome | None = Field(default=None, sa_type=choice(AlertOutcome), description="On `resolved`")
