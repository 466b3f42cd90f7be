"""The latest evaluation of each metric, and every transition between statuses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.db import ExactDecimal, UTCDateTime, choice, utcnow
from app.engine import Freshness, Performance


class MetricStatus(SQLModel, table=True):
    __tablename__ = "metric_status"
    __table_args__ = (Index("ix_metric_status_award_performance", "award_id", "performance"),)

    metric_id: int = Field(primary_key=True, foreign_key="metric.id", ondelete="CASCADE")
    award_id: int | None = Field(default=None, foreign_key="award.id", ondelete="CASCADE")
    performance: Performance = Field(sa_type=choice(Performance))
    freshness: Freshness = Field(sa_type=choice(Freshness))
    projected_miss: bool = False
    latest_period_start: date | None = None
    latest_value: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 6))
    expected_value: Decimal | None = Field(default=None, sa_type=ExactDecimal(18, 6))
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    as_of: date
    evaluated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatusTransition(SQLModel, table=True):
    """A metric's performance, freshness or forecast changed: from what, to what, when, and why."""

    __tablename__ = "status_transition"
    __table_args__ = (Index("ix_status_transition_metric_at", "metric_id", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    metric_id: int = Field(foreign_key="metric.id", ondelete="CASCADE")
    award_id: int | None = Field(default=None, foreign_key="award.id", ondelete="CASCADE", index=True)
    dimension: str = Field(max_length=20, description="performance, freshness or forecast")
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str = Field(max_length=2000)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
