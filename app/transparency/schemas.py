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
from app.transparency.standing import Standing


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- priorities ------------------------------------------------------------------------------------


class PublicStatusCounts(_Public):
    """Public metrics by standing: a metric whose data is late counts as `overdue`, never as on track."""

    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    overdue: int = Field(default=0, description="Not reported recently: a reading is past its deadline")
    no_data: int = 0
    evaluation_error: int = 0


class PublicChanges(_Public):
    """How many public metrics moved since `since` (a month ago), judged by their standing."""

    since: date
    improved: int = Field(default=0, description="Moved towards on track (off track to at risk or on track, ...)")
    worsened: int = Field(default=0, description="Moved away from on track")
    stopped_reporting: int = Field(default=0, description="A reading became overdue")
    resumed_reporting: int = Field(default=0, description="Reported again after being overdue")


class PublicPriority(_Public):
    id: int
    code: str
    title: str
    description: str | None
    target_year: int | None
    counts: PublicStatusCounts = Field(
        description="The public metrics of published contracts and grants that serve it, by standing"
    )
    changes: PublicChanges


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
    performance: Performance = Field(
        description="The worst verdict on the latest readings of its public metrics (see `standing` for late data)"
    )
    standing: Standing = Field(
        description="What residents are shown: its worst public metric, where late data counts as `overdue`"
    )
    freshness: Freshness = Field(description="`overdue` when any public metric's reading is past its deadline")
    last_reported: date | None = Field(description="End of the latest period any public metric has a reading for")
    counts: PublicStatusCounts = Field(description="Its public metrics by standing")


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


class PublicForecast(_Public):
    projected_value: Decimal = Field(description="Where the recent trend leads by the target date")
    target_date: date
    based_on: int = Field(description="How many recent readings the trend line goes through")


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
    performance: Performance = Field(description="The verdict on the latest reading")
    freshness: Freshness
    standing: Standing = Field(description="What residents are shown: `overdue` when the data is late")
    projected_miss: bool
    forecast: PublicForecast | None = Field(description="The trend to the target date (3 readings or more)")
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
    on_track_within: tuple[Decimal | None, Decimal | None] | None = Field(
        description="Readings from the first to the second value count as on track (null: no limit on that side)"
    )
    off_track_outside: tuple[Decimal | None, Decimal | None] | None = Field(
        description="Readings outside these values are off track; between the two ranges, at risk"
    )


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
    standing: Standing | None = Field(default=None, description="Only those standing so (see `standing`)")
    priority_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, description="Only those serving it")


class PublicAwardSearch(PublicAwardQuery):
    """Contracts and grants together (the search page)."""

    kind: AwardKind | None = None
