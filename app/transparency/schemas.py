"""What the public API returns: explicit, closed models, so that nothing is published by accident.

Every field here is a decision (see tests/transparency/test_public_fields.py): vendor contacts, notes,
alert comments, meeting notes, audit data, who recorded a reading, tolerance bands and internal ids of
people never appear.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.awards.models import AwardKind, AwardStatus
from app.engine import Direction, Freshness, Performance
from app.kit.fields import MAX_INT_ID
from app.kit.pagination import ListQuery
from app.periods import Cadence


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- priorities ------------------------------------------------------------------------------------


class PublicPriority(_Public):
    id: int
    code: str
    title: str
    description: str | None
    target_year: int | None


class PublicAwardRef(_Public):
    id: int
    kind: AwardKind
    number: str
    title: str


class PublicPriorityGoal(_Public):
    id: int
    title: str
    award: PublicAwardRef


class PublicPriorityDetail(PublicPriority):
    goals: list[PublicPriorityGoal] = Field(description="Public goals of active and completed contracts and grants")


# --- contracts and grants --------------------------------------------------------------------------


class PublicDepartment(_Public):
    id: int
    code: str
    name: str


class PublicVendor(_Public):
    id: int
    legal_name: str


class PublicStatusCounts(_Public):
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    no_data: int = 0
    evaluation_error: int = 0


class PublicAwardSummary(_Public):
    id: int
    kind: AwardKind
    number: str
    title: str
    description: str | None
    status: AwardStatus
    department: PublicDepartment
    vendor: PublicVendor = Field(description="The vendor, or the grantee of a grant")
    value: Decimal
    currency: str
    start_date: date
    end_date: date
    performance: Performance = Field(description="The worst status among its public metrics")
    counts: PublicStatusCounts = Field(description="Its public metrics by status")


class PublicInterimTarget(_Public):
    period: str
    value: Decimal


class PublicReading(_Public):
    period: str = Field(description="Period label, e.g. 2026-09 or FY2027-Q1")
    period_start: date
    period_end: date
    value: Decimal


class PublicReason(_Public):
    code: str
    message: str


class PublicMetric(_Public):
    id: int
    code: str
    name: str
    description: str | None
    unit: str
    unit_code: str | None
    direction: Direction
    cadence: Cadence
    baseline_value: Decimal | None
    baseline_date: date | None
    target_value: Decimal | None
    target_date: date | None
    range_min: Decimal | None
    range_max: Decimal | None
    interim_targets: list[PublicInterimTarget]
    latest_reading: PublicReading | None
    expected_value: Decimal | None = Field(description="What the latest period should have reached")
    performance: Performance
    freshness: Freshness
    projected_miss: bool
    reasons: list[PublicReason]
    as_of: date


class PublicGoalPriority(_Public):
    id: int
    code: str
    title: str


class PublicGoal(_Public):
    id: int
    title: str
    description: str | None
    priority: PublicGoalPriority | None
    metrics: list[PublicMetric]


class PublicAward(PublicAwardSummary):
    goals: list[PublicGoal]


# --- one metric, period by period ------------------------------------------------------------------


class PublicPeriod(_Public):
    period: str
    start: date
    end: date
    expected: Decimal | None
    expected_range: tuple[Decimal, Decimal] | None
    actual: Decimal | None
    status: Performance


class PublicGoalRef(_Public):
    id: int
    title: str


class PublicMetricDetail(PublicMetric):
    award: PublicAwardRef
    goal: PublicGoalRef
    periods: list[PublicPeriod]


# --- query parameters ------------------------------------------------------------------------------


class PublicPriorityQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the title")


class PublishedStatus(StrEnum):
    """The statuses of contracts and grants that are published (drafts and terminated ones are not)."""

    active = "active"
    completed = "completed"


class PublicAwardQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the title or number")
    department_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    vendor_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    status: PublishedStatus | None = None
