"""Status responses: per metric (with every period), per contract or grant, and for the portfolio."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from app.engine import Evaluation, Freshness, Performance


class ReasonOut(BaseModel):
    code: str = Field(description="Machine code, e.g. below_expected, escalated_consecutive, overdue, projected_miss")
    message: str


class PeriodOut(BaseModel):
    label: str
    start: date
    end: date
    expected: Decimal | None
    expected_range: tuple[Decimal, Decimal] | None
    actual: Decimal | None
    provisional: bool = Field(
        description="The period has not ended: `actual` is an early figure, shown but not judged (status no_data) "
        "until the period is over"
    )
    shortfall: Decimal | None = Field(description="In percent or in the metric's unit, per its tolerance mode")
    status: Performance
    adverse_run: int
    reasons: list[ReasonOut]


class ForecastOut(BaseModel):
    projected_value: Decimal
    target_date: date
    projected_miss: bool
    based_on: int = Field(description="Number of readings the trend line is fitted to")


class MetricStatusSummary(BaseModel):
    metric_id: int
    code: str
    name: str
    unit: str
    as_of: date
    performance: Performance
    freshness: Freshness
    projected_miss: bool
    latest_period: str | None
    latest_value: Decimal | None
    expected_value: Decimal | None
    reasons: list[ReasonOut]


class MetricStatusOut(MetricStatusSummary):
    forecast: ForecastOut | None
    periods: list[PeriodOut]


class StatusCounts(BaseModel):
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    no_data: int = 0
    evaluation_error: int = 0
    overdue: int = 0
    projected_miss: int = 0


class AwardStatusOut(BaseModel):
    award_id: int
    kind: str
    number: str
    title: str
    as_of: date
    performance: Performance = Field(description="The worst of its metrics")
    counts: StatusCounts
    overdue_action_items: int
    metrics: list[MetricStatusSummary]


class RollupRow(BaseModel):
    id: int | None
    name: str
    performance: Performance
    counts: StatusCounts


class PortfolioStatusOut(BaseModel):
    as_of: date | None = Field(description="Date of the oldest stored evaluation included")
    counts: StatusCounts
    by_department: list[RollupRow]
    by_vendor: list[RollupRow]
    by_priority: list[RollupRow]


def tidy(value: Decimal | None) -> Decimal | None:
    """Six decimals at most, without trailing zeros (a straight line gives long fractions)."""
    if value is None or not value.is_finite():
        return None
    rounded = value.quantize(Decimal("0.000001")).normalize()
    return rounded.quantize(Decimal(1)) if rounded.as_tuple().exponent > 0 else rounded  # type: ignore[operator]


def summary_of(metric_id: int, code: str, name: str, unit: str, evaluation: Evaluation) -> MetricStatusSummary:
    latest = evaluation.latest
    return MetricStatusSummary(
        metric_id=metric_id,
        code=code,
        name=name,
        unit=unit,
        as_of=evaluation.as_of,
        performance=evaluation.performance,
        freshness=evaluation.freshness,
        projected_miss=evaluation.projected_miss,
        latest_period=latest.label if latest else None,
        latest_value=tidy(latest.actual) if latest else None,
        expected_value=tidy(latest.expected) if latest else None,
        reasons=[ReasonOut(code=r.code, message=r.message) for r in evaluation.reasons],
    )


def detail_of(summary: MetricStatusSummary, evaluation: Evaluation) -> MetricStatusOut:
    forecast = evaluation.forecast
    return MetricStatusOut(
        **summary.model_dump(),
        forecast=ForecastOut(
            projected_value=tidy(forecast.projected_value),
            target_date=forecast.target_date,
            projected_miss=forecast.projected_miss,
            based_on=forecast.based_on,
        )
        if forecast
        else None,
        periods=[
            PeriodOut(
                label=p.label,
                start=p.period.start,
                end=p.period.end,
                expected=tidy(p.expected),
                expected_range=p.expected_range,
                actual=tidy(p.actual if p.provisional is None else p.provisional),
                provisional=p.provisional is not None,
                shortfall=tidy(p.shortfall),
                status=p.status,
                adverse_run=p.adverse_run,
                reasons=[ReasonOut(code=r.code, message=r.message) for r in p.reasons],
            )
            for p in evaluation.periods
        ],
    )
