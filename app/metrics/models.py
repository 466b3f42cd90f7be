"""Key metrics: how a goal is measured, with baseline, target, cadence and tolerance bands."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.config import get_settings
from app.db import ExactDecimal, choice
from app.engine import Direction, ToleranceMode
from app.kit.fields import MAX_INT_ID, Day, Flag, Measure, NonNegativeMeasure
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery
from app.periods import Cadence, PeriodError, parse


class IndicatorType(StrEnum):
    leading = "leading"
    lagging = "lagging"


def _value(**kwargs: Any) -> Any:
    return Field(max_digits=18, decimal_places=6, sa_type=ExactDecimal(18, 6), **kwargs)


class InterimTarget(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    period: str = Field(max_length=20, description="Period label matching the cadence, e.g. 2026-Q3")
    value: Measure = Field(max_digits=18, decimal_places=6)


class MetricFields(SQLModel):
    code: str = Field(
        min_length=1,
        max_length=40,
        schema_extra={"pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]*$"},
        description="Unique within the contract or grant, so an ERP can address the metric without ids",
    )
    name: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    unit: str = Field(min_length=1, max_length=60, description="e.g. 'percent', 'placements', 'hours'")
    unit_code: str | None = Field(
        default=None,
        max_length=10,
        schema_extra={"pattern": r"^[A-Z0-9]+$"},
        description="UN/CEFACT code, e.g. P1 (percent)",
    )
    direction: Direction = Field(sa_type=choice(Direction))
    baseline_value: Measure | None = _value(default=None)
    baseline_date: Day | None = None
    target_value: Measure | None = _value(default=None)
    target_date: Day | None = None
    range_min: Measure | None = _value(default=None, description="maintain_range: lowest acceptable value")
    range_max: Measure | None = _value(default=None, description="maintain_range: highest acceptable value")
    interim_targets: list[InterimTarget] = Field(default_factory=list, max_length=600, sa_type=JSON)
    cadence: Cadence = Field(default=Cadence.monthly, sa_type=choice(Cadence))
    indicator_type: IndicatorType = Field(default=IndicatorType.lagging, sa_type=choice(IndicatorType))
    data_source: str | None = Field(default=None, max_length=300, description="e.g. '311 work-order system'")
    is_public: Flag = True
    tolerance_mode: ToleranceMode = Field(default=ToleranceMode.percent, sa_type=choice(ToleranceMode))
    at_risk_tolerance: NonNegativeMeasure = _value(default=Decimal(5), ge=0, description="Shortfall that makes at_risk")
    off_track_tolerance: NonNegativeMeasure = _value(
        default=Decimal(15), ge=0, description="Shortfall that makes off_track"
    )
    valid_min: Measure | None = _value(default=None, description="Lowest value a reading may have")
    valid_max: Measure | None = _value(default=None, description="Highest value a reading may have")
    grace_days: int = Field(default=15, ge=0, le=366, description="Days after a period ends before data is overdue")
    escalate_after_periods: int = Field(
        default=3, ge=1, le=24, description="Consecutive adverse periods that turn at_risk into off_track"
    )
    data_owner_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INT_ID,
        foreign_key="app_user.id",
        ondelete="SET NULL",
        index=True,
        description="The user who reports this metric's readings (gets the reminders); null: the contract manager",
    )


class Metric(MetricFields, TableBase, table=True):
    __table_args__ = (
        UniqueConstraint("award_id", "code", name="uq_metric_award_code"),
        UniqueConstraint("procurement_id", "code", name="uq_metric_procurement_code"),
    )

    goal_id: int = Field(foreign_key="goal.id", index=True)
    # Copied from the goal (which never changes owner) so codes are unique per contract and scoping is cheap.
    award_id: int | None = Field(default=None, foreign_key="award.id", index=True)
    procurement_id: int | None = Field(default=None, foreign_key="procurement.id", index=True)
    interim_targets: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)  # type: ignore[assignment]


class MetricCreate(MetricFields):
    model_config = STRICT

    def field_problems(self) -> list[tuple[str, str]]:
        return list(_definition_problems(self))


def _definition_problems(metric: MetricCreate) -> Iterator[tuple[str, str]]:
    if metric.direction == Direction.maintain_range:
        for name in ("range_min", "range_max"):
            if getattr(metric, name) is None:
                yield name, "maintain_range metrics need range_min and range_max"
        if metric.range_min is not None and metric.range_max is not None and metric.range_min > metric.range_max:
            yield "range_min", "is above range_max"
    else:
        for name in ("target_value", "target_date"):
            if getattr(metric, name) is None:
                yield name, f"{metric.direction.value} metrics need target_value and target_date"
    if (metric.baseline_value is None) != (metric.baseline_date is None):
        yield (
            ("baseline_date" if metric.baseline_date is None else "baseline_value"),
            ("baseline_value and baseline_date go together"),
        )
    if metric.baseline_date and metric.target_date and metric.target_date <= metric.baseline_date:
        yield "target_date", "must be after baseline_date"
    if metric.at_risk_tolerance > metric.off_track_tolerance:
        yield "at_risk_tolerance", "is above off_track_tolerance"
    if metric.valid_min is not None and metric.valid_max is not None and metric.valid_min > metric.valid_max:
        yield "valid_min", "is above valid_max"
    values = {"baseline_value": metric.baseline_value, "target_value": metric.target_value}
    values |= {f"interim_targets.{i}.value": t.value for i, t in enumerate(metric.interim_targets)}
    for name, value in values.items():
        if value is None:
            continue
        if (metric.valid_min is not None and value < metric.valid_min) or (
            metric.valid_max is not None and value > metric.valid_max
        ):
            yield name, f"{value} is outside the declared bounds [valid_min, valid_max]"
    yield from _interim_problems(metric)


def _interim_problems(metric: MetricCreate) -> Iterator[tuple[str, str]]:
    seen: set[Any] = set()
    fiscal_start = get_settings().fiscal_year_start_month
    for index, target in enumerate(metric.interim_targets):
        try:
            period = parse(target.period, metric.cadence, fiscal_start_month=fiscal_start)
        except PeriodError as error:
            yield f"interim_targets.{index}.period", str(error)
            continue
        if period in seen:
            yield f"interim_targets.{index}.period", f"{target.period} is given twice"
        seen.add(period)


MetricUpdate = partial_model(MetricCreate, "MetricUpdate")


class MetricPublic(MetricFields, RecordPublic):
    goal_id: int
    award_id: int | None
    procurement_id: int | None


class MetricQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the name")
    goal_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    procurement_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    code: str | None = Field(default=None, max_length=40)
    direction: Direction | None = None
    cadence: Cadence | None = None
    is_public: bool | None = None
