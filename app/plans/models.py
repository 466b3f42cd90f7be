"""Corrective action plans: what either side proposes to bring an alert's metric back on track."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field

from app.actions.models import Side
from app.db import UTCDateTime, choice
from app.kit.models import TableBase


class PlanStatus(StrEnum):
    proposed = "proposed"
    agreed = "agreed"
    rejected = "rejected"
    completed = "completed"
    cancelled = "cancelled"


class CorrectivePlan(TableBase, table=True):
    __tablename__ = "corrective_plan"

    award_id: int = Field(foreign_key="award.id", index=True)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    metric_id: int | None = Field(default=None, foreign_key="metric.id", index=True)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    status: PlanStatus = Field(default=PlanStatus.proposed, sa_type=choice(PlanStatus))
    proposed_by: str = Field(max_length=200, description="The subject of the principal who proposed it")
    proposed_side: Side = Field(sa_type=choice(Side))
    agreed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    agreed_by: str | None = Field(default=None, max_length=200)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
