"""Pure checks on one incoming reading: period, term, bounds, locks. No database, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from app.periods import Cadence, Period, PeriodError, is_aligned, parse


class MetricTarget(NamedTuple):
    """What the checks need to know about the metric a reading is for."""

    id: int
    code: str
    cadence: Cadence
    valid_min: Decimal | None
    valid_max: Decimal | None
    award_id: int | None
    term_start: date | None
    term_end: date | None


@dataclass(frozen=True)
class Rejection:
    field: str
    reason: str


def resolve_period(
    *, label: str | None, start: date | None, end: date | None, cadence: Cadence, fiscal_start_month: int
) -> Period | Rejection:
    if label is not None:
        if start is not None or end is not None:
            return Rejection("period", "give either a period label or period_start/period_end, not both")
        try:
            return parse(label, cadence, fiscal_start_month=fiscal_start_month)
        except PeriodError as error:
            return Rejection("period", str(error))
    if start is None or end is None:
        return Rejection("period", "give a period label (e.g. 2026-09) or both period_start and period_end")
    period = Period(start, end)
    if not is_aligned(period, cadence, fiscal_start_month=fiscal_start_month):
        return Rejection("period_start", f"{start}..{end} is not exactly one {cadence.value} period")
    return period


def is_provisional(period: Period, *, today: date) -> bool:
    """A period that has not ended yet (its last day is today or later): its figures are early ones."""
    return period.end >= today


def check_reading(
    metric: MetricTarget, period: Period, value: Decimal, *, today: date, provisional: bool = False
) -> Rejection | None:
    """Why this value cannot be recorded for this period, or None. A period that has not ended takes only a
    value marked `provisional` (an early figure, shown but not judged until the period is over)."""
    if metric.award_id is None:
        return Rejection("metric_id", "the metric belongs to a procurement; carry it into the award first")
    if period.start > today:
        return Rejection("period", f"{period.start}..{period.end} has not started yet")
    if not provisional and is_provisional(period, today=today):
        return Rejection(
            "period",
            f"{period.start}..{period.end} has not ended yet; send provisional: true to post an early figure "
            "(shown, but not judged until the period ends)",
        )
    if metric.term_start and metric.term_end and (period.end < metric.term_start or period.start > metric.term_end):
        return Rejection(
            "period", f"{period.start}..{period.end} is outside the term {metric.term_start}..{metric.term_end}"
        )
    if metric.valid_min is not None and value < metric.valid_min:
        return Rejection("value", f"{value} is below the metric's minimum {metric.valid_min}")
    if metric.valid_max is not None and value > metric.valid_max:
        return Rejection("value", f"{value} is above the metric's maximum {metric.valid_max}")
    return None


def check_lock(period: Period, locked_through: date | None, *, is_admin: bool, reason: str | None) -> Rejection | None:
    """A locked period rejects changes, except an admin correction that states a reason."""
    if locked_through is None or period.end > locked_through:
        return None
    if is_admin and reason:
        return None
    return Rejection(
        "period",
        f"periods through {locked_through} are locked; only an admin correction with a reason may change them",
    )
