"""The pure checks on one incoming reading (app/readings/rules.py): no database, no HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.periods import Cadence, Period
from app.readings.rules import MetricTarget, Rejection, check_lock, check_reading, resolve_period

TODAY = date(2026, 11, 24)

POTHOLES = MetricTarget(
    id=1,
    code="POT-48H",
    cadence=Cadence.monthly,
    valid_min=Decimal(0),
    valid_max=Decimal(100),
    award_id=10,
    term_start=date(2025, 7, 1),
    term_end=date(2027, 6, 30),
)


def resolve(
    cadence: Cadence,
    label: str | None = None,
    start: date | None = None,
    end: date | None = None,
    fiscal_start_month: int = 7,
) -> Period | Rejection:
    return resolve_period(label=label, start=start, end=end, cadence=cadence, fiscal_start_month=fiscal_start_month)


# --- period labels and the metric's cadence ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "label", "start", "end"),
    [
        (Cadence.monthly, "2026-09", date(2026, 9, 1), date(2026, 9, 30)),
        (Cadence.monthly, "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (Cadence.monthly, " 2026-02 ", date(2026, 2, 1), date(2026, 2, 28)),
        (Cadence.quarterly, "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        (Cadence.quarterly, "FY2027-Q1", date(2026, 7, 1), date(2026, 9, 30)),
        (Cadence.quarterly, "FY2027-Q3", date(2027, 1, 1), date(2027, 3, 31)),
        (Cadence.weekly, "2026-W37", date(2026, 9, 7), date(2026, 9, 13)),
        (Cadence.annual, "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (Cadence.annual, "FY2027", date(2026, 7, 1), date(2027, 6, 30)),
    ],
)
def test_a_label_matching_the_cadence_names_exactly_one_period(
    cadence: Cadence, label: str, start: date, end: date
) -> None:
    assert resolve(cadence, label) == Period(start, end)


def test_fiscal_labels_follow_the_city_fiscal_year_start() -> None:
    assert resolve(Cadence.quarterly, "FY2027-Q1", fiscal_start_month=10) == Period(
        date(2026, 10, 1), date(2026, 12, 31)
    )
    assert resolve(Cadence.annual, "FY2027", fiscal_start_month=1) == Period(date(2027, 1, 1), date(2027, 12, 31))


@pytest.mark.parametrize(
    ("cadence", "label"),
    [
        (Cadence.monthly, "2026-Q3"),  # a quarter sent for a monthly metric
        (Cadence.monthly, "2026"),
        (Cadence.monthly, "2026-9"),
        (Cadence.monthly, "Sep 2026"),
        (Cadence.quarterly, "2026-09"),  # a month sent for a quarterly metric
        (Cadence.quarterly, "2026-Q5"),
        (Cadence.weekly, "2026-09"),
        (Cadence.annual, "2026-Q1"),
        (Cadence.monthly, ""),
    ],
)
def test_a_label_of_another_cadence_is_rejected_on_period(cadence: Cadence, label: str) -> None:
    result = resolve(cadence, label)
    assert isinstance(result, Rejection)
    assert result.field == "period"
    assert cadence.value in result.reason


@pytest.mark.parametrize(("cadence", "label"), [(Cadence.monthly, "2026-13"), (Cadence.weekly, "2026-W54")])
def test_a_label_naming_no_real_period_is_rejected_on_period(cadence: Cadence, label: str) -> None:
    result = resolve(cadence, label)
    assert isinstance(result, Rejection)
    assert result.field == "period"
    assert "not a real" in result.reason


# --- explicit start and end dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "start", "end"),
    [
        (Cadence.monthly, date(2026, 2, 1), date(2026, 2, 28)),
        (Cadence.monthly, date(2026, 12, 1), date(2026, 12, 31)),
        (Cadence.weekly, date(2026, 9, 7), date(2026, 9, 13)),  # Monday to Sunday
        (Cadence.quarterly, date(2026, 7, 1), date(2026, 9, 30)),  # fiscal Q1 and calendar Q3 at once
        (Cadence.quarterly, date(2026, 1, 1), date(2026, 3, 31)),
        (Cadence.annual, date(2026, 7, 1), date(2027, 6, 30)),  # fiscal year
        (Cadence.annual, date(2026, 1, 1), date(2026, 12, 31)),  # calendar year
    ],
)
def test_explicit_dates_aligned_to_the_cadence_are_accepted(cadence: Cadence, start: date, end: date) -> None:
    assert resolve(cadence, start=start, end=end) == Period(start, end)


@pytest.mark.parametrize(
    ("cadence", "start", "end"),
    [
        (Cadence.monthly, date(2026, 2, 1), date(2026, 2, 27)),  # a day short
        (Cadence.monthly, date(2026, 2, 1), date(2026, 3, 1)),  # a day long
        (Cadence.monthly, date(2026, 2, 15), date(2026, 3, 14)),  # a month, but not a calendar month
        (Cadence.monthly, date(2026, 1, 1), date(2026, 3, 31)),  # a quarter for a monthly metric
        (Cadence.monthly, date(2026, 3, 31), date(2026, 3, 1)),  # end before start
        (Cadence.weekly, date(2026, 9, 8), date(2026, 9, 14)),  # Tuesday to Monday
        (Cadence.quarterly, date(2026, 2, 1), date(2026, 4, 30)),
        (Cadence.annual, date(2026, 4, 1), date(2027, 3, 31)),  # neither a fiscal nor a calendar year
    ],
)
def test_misaligned_explicit_dates_are_rejected_on_period_start(cadence: Cadence, start: date, end: date) -> None:
    result = resolve(cadence, start=start, end=end)
    assert isinstance(result, Rejection)
    assert result.field == "period_start"
    assert f"{start}..{end}" in result.reason


def test_a_label_and_dates_together_are_ambiguous() -> None:
    both = resolve(Cadence.monthly, "2026-02", start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert both == Rejection("period", "give either a period label or period_start/period_end, not both")
    label_and_end = resolve(Cadence.monthly, "2026-02", end=date(2026, 2, 28))
    assert isinstance(label_and_end, Rejection)
    assert label_and_end.field == "period"


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (date(2026, 2, 1), None), (None, date(2026, 2, 28))],
    ids=["none", "no-end", "no-start"],
)
def test_a_reading_needs_a_label_or_both_dates(start: date | None, end: date | None) -> None:
    result = resolve(Cadence.monthly, start=start, end=end)
    assert isinstance(result, Rejection)
    assert result.field == "period"


# --- the value, the period and the metric's contract -----------------------------------------------

SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))


def test_a_sound_reading_passes_every_check() -> None:
    assert check_reading(POTHOLES, SEPTEMBER, Decimal("87.5"), today=TODAY) is None


def test_the_current_period_takes_only_a_provisional_figure_and_a_future_one_nothing() -> None:
    november = Period(date(2026, 11, 1), date(2026, 11, 30))
    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    for today in (TODAY, date(2026, 11, 1), date(2026, 11, 30)):  # on its last day November has not ended yet
        early = check_reading(POTHOLES, november, Decimal(80), today=today)
        assert early is not None
        assert early.field == "period"
        assert "has not ended yet; send provisional: true" in early.reason
        assert check_reading(POTHOLES, november, Decimal(80), today=today, provisional=True) is None
    assert check_reading(POTHOLES, november, Decimal(80), today=date(2026, 12, 1)) is None  # over: a final figure
    assert check_reading(POTHOLES, november, Decimal(80), today=date(2026, 12, 1), provisional=True) is None
    for provisional in (False, True):
        future = check_reading(POTHOLES, december, Decimal(80), today=TODAY, provisional=provisional)
        assert future is not None
        assert future.field == "period"
        assert "has not started yet" in future.reason


@pytest.mark.parametrize(
    "period",
    [
        Period(date(2025, 6, 1), date(2025, 6, 30)),  # the month before the contract started
        Period(date(2027, 7, 1), date(2027, 7, 31)),  # the month after it ended
    ],
)
def test_a_period_outside_the_contract_term_is_rejected(period: Period) -> None:
    late_today = date(2030, 1, 1)  # so that the future check does not hide the term check
    result = check_reading(POTHOLES, period, Decimal(80), today=late_today)
    assert result is not None
    assert result.field == "period"
    assert "outside the term 2025-07-01..2027-06-30" in result.reason


def test_the_first_and_last_periods_of_the_term_are_accepted() -> None:
    late_today = date(2030, 1, 1)
    first = Period(date(2025, 7, 1), date(2025, 7, 31))
    last = Period(date(2027, 6, 1), date(2027, 6, 30))
    assert check_reading(POTHOLES, first, Decimal(80), today=late_today) is None
    assert check_reading(POTHOLES, last, Decimal(80), today=late_today) is None
    mid_month_start = POTHOLES._replace(term_start=date(2025, 7, 15))
    assert check_reading(mid_month_start, first, Decimal(80), today=late_today) is None  # the term overlaps it


def test_a_metric_without_a_term_accepts_any_past_period() -> None:
    open_ended = POTHOLES._replace(term_start=None, term_end=None)
    assert check_reading(open_ended, Period(date(2001, 1, 1), date(2001, 1, 31)), Decimal(1), today=TODAY) is None


@pytest.mark.parametrize(
    ("value", "word"), [(Decimal("100.000001"), "above"), (Decimal(101), "above"), (Decimal("-0.5"), "below")]
)
def test_a_value_outside_the_metric_bounds_is_rejected_on_value(value: Decimal, word: str) -> None:
    result = check_reading(POTHOLES, SEPTEMBER, value, today=TODAY)
    assert result is not None
    assert result.field == "value"
    assert word in result.reason
    assert str(value) in result.reason


@pytest.mark.parametrize("value", [Decimal(0), Decimal(100), Decimal("100.000000")])
def test_the_bounds_themselves_are_valid_values(value: Decimal) -> None:
    assert check_reading(POTHOLES, SEPTEMBER, value, today=TODAY) is None


def test_a_metric_without_bounds_accepts_any_value() -> None:
    unbounded = POTHOLES._replace(valid_min=None, valid_max=None)
    assert check_reading(unbounded, SEPTEMBER, Decimal("-1e6"), today=TODAY) is None
    assert check_reading(unbounded, SEPTEMBER, Decimal("123456789012.5"), today=TODAY) is None


def test_a_metric_of_a_procurement_takes_no_readings() -> None:
    not_awarded = POTHOLES._replace(award_id=None, term_start=None, term_end=None)
    result = check_reading(not_awarded, SEPTEMBER, Decimal(80), today=TODAY)
    assert result is not None
    assert result.field == "metric_id"
    assert "procurement" in result.reason


# --- period locks ----------------------------------------------------------------------------------

DECEMBER_2025 = Period(date(2025, 12, 1), date(2025, 12, 31))
JANUARY_2026 = Period(date(2026, 1, 1), date(2026, 1, 31))


def test_without_a_lock_every_period_is_open() -> None:
    assert check_lock(DECEMBER_2025, None, is_admin=False, reason=None) is None


def test_a_lock_closes_periods_ending_on_or_before_its_date() -> None:
    through = date(2025, 12, 31)
    locked = check_lock(DECEMBER_2025, through, is_admin=False, reason=None)
    assert locked is not None
    assert locked.field == "period"
    assert "2025-12-31" in locked.reason
    assert check_lock(JANUARY_2026, through, is_admin=False, reason=None) is None
    mid_month = check_lock(DECEMBER_2025, date(2025, 12, 15), is_admin=False, reason=None)
    assert mid_month is None  # December has not ended by the 15th, so it is still open


@pytest.mark.parametrize(
    ("is_admin", "reason"),
    [(False, None), (False, "ERP re-run after audit"), (True, None), (True, "")],
    ids=["manager", "manager-with-reason", "admin-without-reason", "admin-with-empty-reason"],
)
def test_a_locked_period_rejects_changes(is_admin: bool, reason: str | None) -> None:
    result = check_lock(DECEMBER_2025, date(2026, 6, 30), is_admin=is_admin, reason=reason)
    assert result is not None
    assert result.field == "period"


def test_an_admin_stating_a_reason_may_correct_a_locked_period() -> None:
    assert check_lock(DECEMBER_2025, date(2026, 6, 30), is_admin=True, reason="Auditor found a keying error") is None
