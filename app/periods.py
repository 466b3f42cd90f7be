"""Reporting periods: labels such as `2026-09`, `2026-Q3`, `FY2027-Q1`, `2026-W37`, `2026`, `FY2027`.

Pure functions. A fiscal year is named after the calendar year in which it ends (FY2027 starts on
1 July 2026 when the fiscal year starts in July).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

# Every date and instant the service accepts lies in this range: wide enough for any contract, baseline or
# "open-ended" end date a city records, narrow enough that period and deadline arithmetic never overflows.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


class Cadence(StrEnum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    annual = "annual"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class PeriodError(ValueError):
    pass


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(FY)?(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(FY)?(\d{4})$")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_span(first: date, months: int) -> Period:
    return Period(first, _add_months(first, months) - timedelta(days=1))


def fiscal_year_start(fiscal_year: int, start_month: int) -> date:
    return date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)


def parse(label: str, cadence: Cadence, *, fiscal_start_month: int = 7) -> Period:
    """The period a label names, checking that it fits the cadence and lies in the accepted range."""
    period = _parse(label.strip(), cadence, fiscal_start_month)
    if not (in_range(period.start) and in_range(period.end)):
        raise PeriodError(
            f"'{label}' lies outside the dates this service accepts "
            f"({EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()})"
        )
    return period


@lru_cache(maxsize=4096)  # a batch repeats the same few labels thousands of times
def _parse(label: str, cadence: Cadence, fiscal_start_month: int) -> Period:
    try:
        if cadence == Cadence.weekly and (match := _WEEK.match(label)):
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return Period(monday, monday + timedelta(days=6))
        if cadence == Cadence.monthly and (match := _MONTH.match(label)):
            return _month_span(date(int(match[1]), int(match[2]), 1), 1)
        if cadence == Cadence.quarterly and (match := _QUARTER.match(label)):
            year, quarter = int(match[2]), int(match[3])
            first = fiscal_year_start(year, fiscal_start_month) if match[1] else date(year, 1, 1)
            return _month_span(_add_months(first, 3 * (quarter - 1)), 3)
        if cadence == Cadence.annual and (match := _YEAR.match(label)):
            year = int(match[2])
            first = fiscal_year_start(year, fiscal_start_month) if match[1] else date(year, 1, 1)
            return _month_span(first, 12)
    except ValueError as error:  # e.g. week 54, month 13, year 0
        raise PeriodError(f"'{label}' is not a real {cadence.value} period: {error}") from None
    raise PeriodError(f"'{label}' is not a {cadence.value} period label; expected e.g. {EXAMPLES[cadence]}")


EXAMPLES = {
    Cadence.weekly: "2026-W37",
    Cadence.monthly: "2026-09",
    Cadence.quarterly: "2026-Q3 or FY2027-Q1",
    Cadence.annual: "2026 or FY2027",
}


def containing(day: date, cadence: Cadence, *, fiscal_start_month: int = 7) -> Period:
    """The period of `cadence` that contains `day` (quarters and years are fiscal)."""
    if cadence == Cadence.weekly:
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    if cadence == Cadence.monthly:
        return _month_span(day.replace(day=1), 1)
    months = 3 if cadence == Cadence.quarterly else 12
    offset = (day.month - fiscal_start_month) % months
    return _month_span(_add_months(day.replace(day=1), -offset), months)


def is_aligned(period: Period, cadence: Cadence, *, fiscal_start_month: int = 7) -> bool:
    """Whether explicit start/end dates are exactly one period of the cadence.

    Calendar quarters and years are accepted as well as fiscal ones.
    """
    if containing(period.start, cadence, fiscal_start_month=fiscal_start_month) == period:
        return True
    if cadence in (Cadence.quarterly, Cadence.annual):
        return containing(period.start, cadence, fiscal_start_month=1) == period
    return False


def label(period: Period, cadence: Cadence, *, fiscal_start_month: int = 7) -> str:
    return _label(period, cadence, fiscal_start_month)


@lru_cache(maxsize=8192)  # a portfolio shares a few hundred periods
def _label(period: Period, cadence: Cadence, fiscal_start_month: int) -> str:
    """The conventional label of a period: 2026-09, FY2027-Q1 (or 2026-Q3 for calendar years), 2026-W37."""
    if cadence == Cadence.weekly:
        year, week, _ = period.start.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence == Cadence.monthly:
        return f"{period.start.year}-{period.start.month:02d}"
    fiscal = fiscal_start_month != 1
    # A fiscal year is named after the calendar year in which it ends.
    fiscal_year = period.end.year + (1 if fiscal and period.end.month >= fiscal_start_month else 0)
    prefix = f"FY{fiscal_year}" if fiscal else f"{fiscal_year}"
    if cadence == Cadence.annual:
        return prefix
    months_in = (period.start.month - (fiscal_start_month if fiscal else 1)) % 12
    return f"{prefix}-Q{months_in // 3 + 1}"


def periods_between(first: date, last: date, cadence: Cadence, *, fiscal_start_month: int = 7) -> list[Period]:
    """The periods of `cadence` from the one containing `first` to the one containing `last`."""
    periods: list[Period] = []
    current = containing(first, cadence, fiscal_start_month=fiscal_start_month)
    while current.start <= last:
        periods.append(current)
        current = containing(current.end + timedelta(days=1), cadence, fiscal_start_month=fiscal_start_month)
    return periods
