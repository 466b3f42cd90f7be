"""Metric readings: one current value per (metric, period), with its full revision history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from app.db import ExactDecimal, UTCDateTime, choice, utcnow
from app.kit.fields import Day
from app.kit.models import TableBase


class ReadingSource(StrEnum):
    erp = "erp"
    vendor = "vendor"
    manual = "manual"


class Outcome(StrEnum):
    created = "created"
    unchanged = "unchanged"
    corrected = "corrected"
    rejected = "rejected"


class Reading(TableBase, table=True):
    __table_args__ = (
        UniqueConstraint("metric_id", "period_start", name="uq_reading_metric_period"),
        Index("ix_reading_metric_period_end", "metric_id", "period_end"),
    )

    metric_id: int = Field(foreign_key="metric.id")
    period_start: Day
    period_end: Day
    value: Decimal = Field(sa_type=ExactDecimal(18, 6))
    note: str | None = Field(default=None, max_length=2000)
    source: ReadingSource = Field(sa_type=choice(ReadingSource))
    reason: str | None = Field(default=None, max_length=2000, description="Why a locked period was corrected")
    revision: int = Field(default=1, description="How many values this reading has had")
    # Sent before its period ended (allowed only when marked so). Shown, never judged until the period is over;
    # the engine decides that by the period's end, so the flag is simply history once the period has ended.
    provisional: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    recorded_by: str = Field(max_length=200)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by: str | None = Field(default=None, max_length=200)


class ReadingRevision(SQLModel, table=True):
    """A value a reading had before it was corrected, with who sent it, when and from where."""

    __tablename__ = "reading_revision"
    __table_args__ = (UniqueConstraint("reading_id", "revision", name="uq_reading_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    reading_id: int = Field(foreign_key="reading.id", ondelete="CASCADE")
    revision: int
    value: Decimal = Field(sa_type=ExactDecimal(18, 6))
    source: ReadingSource = Field(sa_type=choice(ReadingSource))
    note: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000, description="Why a locked period was corrected")
    provisional: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, description="When it was sent")


class PeriodLock(TableBase, table=True):
    """Periods ending on or before `locked_through` are closed for one contract/grant (or all of them)."""

    __tablename__ = "period_lock"

    award_id: int | None = Field(default=None, foreign_key="award.id", index=True)
    locked_through: Day
    reason: str = Field(max_length=2000)
    locked_by: str = Field(max_length=200)
