"""Reporting periods: what a label such as `FY2027-Q1` means, for a city whose fiscal year starts in July."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.periods import (
    EARLIEST_DAY,
    LATEST_DAY,
    Cadence,
    Period,
    PeriodError,
    containing,
    fiscal_year_start,
    is_aligned,
    parse,
)

JULY = 7
# Days whose periods (up to a year long) lie inside the accepted range; `parse` refuses labels beyond it.
days = st.dates(min_value=EARLIEST_DAY + timedelta(days=366), max_value=LATEST_DAY - timedelta(days=366))
cadences = st.sampled_from(list(Cadence))
fiscal_starts = st.integers(min_value=1, max_value=12)


@pytest.mark.parametrize(
    ("label", "cadence", "start", "end"),
    [
        ("2026-09", Cadence.monthly, date(2026, 9, 1), date(2026, 9, 30)),
        ("2024-02", Cadence.monthly, date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-12", Cadence.monthly, date(2025, 12, 1), date(2025, 12, 31)),
        ("2026-Q3", Cadence.quarterly, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", Cadence.quarterly, date(2026, 10, 1), date(2026, 12, 31)),
        ("FY2027-Q1", Cadence.quarterly, date(2026, 7, 1), date(2026, 9, 30)),
        ("FY2027-Q3", Cadence.quarterly, date(2027, 1, 1), date(2027, 3, 31)),
        ("FY2027-Q4", Cadence.quarterly, date(2027, 4, 1), date(2027, 6, 30)),
        ("2026", Cadence.annual, date(2026, 1, 1), date(2026, 12, 31)),
        ("FY2027", Cadence.annual, date(2026, 7, 1), date(2027, 6, 30)),
        ("2026-W37", Cadence.weekly, date(2026, 9, 7), date(2026, 9, 13)),
        ("2026-W01", Cadence.weekly, date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-W53", Cadence.weekly, date(2026, 12, 28), date(2027, 1, 3)),
        ("  2026-09 ", Cadence.monthly, date(2026, 9, 1), date(2026, 9, 30)),
    ],
)
def test_a_label_names_one_period_of_its_cadence(label: str, cadence: Cadence, start: date, end: date) -> None:
    assert parse(label, cadence, fiscal_start_month=JULY) == Period(start, end)


def test_a_federal_fiscal_year_starts_in_october() -> None:
    assert parse("FY2027", Cadence.annual, fiscal_start_month=10) == Period(date(2026, 10, 1), date(2027, 9, 30))
    assert parse("FY2027-Q1", Cadence.quarterly, fiscal_start_month=10) == Period(date(2026, 10, 1), date(2026, 12, 31))


def test_a_fiscal_year_starting_in_january_is_the_calendar_year() -> None:
    assert fiscal_year_start(2026, 1) == date(2026, 1, 1)
    assert parse("FY2026", Cadence.annual, fiscal_start_month=1) == parse("2026", Cadence.annual)
    assert parse("FY2026-Q2", Cadence.quarterly, fiscal_start_month=1) == parse("2026-Q2", Cadence.quarterly)


def test_a_fiscal_year_is_named_after_the_year_it_ends_in() -> None:
    assert fiscal_year_start(2027, JULY) == date(2026, 7, 1)
    assert fiscal_year_start(2027, 10) == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("label", "cadence"),
    [
        ("2026-09", Cadence.quarterly),
        ("2026-Q3", Cadence.monthly),
        ("2026-W37", Cadence.monthly),
        ("FY2027", Cadence.quarterly),
        ("2026", Cadence.weekly),
        ("2026-9", Cadence.monthly),
        ("26-09", Cadence.monthly),
        ("2026-Q5", Cadence.quarterly),
        ("fy2027", Cadence.annual),
        ("FY2027-Q1", Cadence.annual),
        ("September 2026", Cadence.monthly),
        ("", Cadence.monthly),
    ],
)
def test_a_label_of_another_shape_is_refused_with_an_example(label: str, cadence: Cadence) -> None:
    with pytest.raises(PeriodError) as error:
        parse(label, cadence)

    assert "expected e.g." in str(error.value)


@pytest.mark.parametrize(
    ("label", "cadence"),
    [
        ("2026-13", Cadence.monthly),
        ("2026-00", Cadence.monthly),
        ("2025-W53", Cadence.weekly),
        ("2026-W00", Cadence.weekly),
        ("0000", Cadence.annual),
        ("FY0001", Cadence.annual),
        ("0000-Q1", Cadence.quarterly),
    ],
)
def test_a_well_formed_label_for_a_period_that_does_not_exist_is_refused(label: str, cadence: Cadence) -> None:
    with pytest.raises(PeriodError) as error:
        parse(label, cadence, fiscal_start_month=JULY)

    assert "not a real" in str(error.value)


def test_the_same_quarter_can_be_named_two_ways() -> None:
    assert parse("2026-Q3", Cadence.quarterly, fiscal_start_month=JULY) == parse(
        "FY2027-Q1", Cadence.quarterly, fiscal_start_month=JULY
    )


@pytest.mark.parametrize(
    ("day", "cadence", "start", "end"),
    [
        (date(2026, 9, 17), Cadence.weekly, date(2026, 9, 14), date(2026, 9, 20)),
        (date(2026, 9, 14), Cadence.weekly, date(2026, 9, 14), date(2026, 9, 20)),
        (date(2026, 9, 20), Cadence.weekly, date(2026, 9, 14), date(2026, 9, 20)),
        (date(2026, 9, 17), Cadence.monthly, date(2026, 9, 1), date(2026, 9, 30)),
        (date(2026, 8, 31), Cadence.quarterly, date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 6, 30), Cadence.quarterly, date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 1, 15), Cadence.annual, date(2025, 7, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), Cadence.annual, date(2026, 7, 1), date(2027, 6, 30)),
    ],
)
def test_the_period_containing_a_day(day: date, cadence: Cadence, start: date, end: date) -> None:
    assert containing(day, cadence, fiscal_start_month=JULY) == Period(start, end)


def test_quarters_follow_the_fiscal_year_when_it_starts_off_quarter() -> None:
    assert containing(date(2026, 1, 10), Cadence.quarterly, fiscal_start_month=2) == Period(
        date(2025, 11, 1), date(2026, 1, 31)
    )


def test_a_period_contains_both_its_first_and_last_day() -> None:
    september = Period(date(2026, 9, 1), date(2026, 9, 30))

    assert september.contains(date(2026, 9, 1))
    assert september.contains(date(2026, 9, 30))
    assert not september.contains(date(2026, 8, 31))
    assert not september.contains(date(2026, 10, 1))


@pytest.mark.parametrize(
    ("start", "end", "cadence", "fiscal_start", "aligned"),
    [
        (date(2026, 9, 1), date(2026, 9, 30), Cadence.monthly, JULY, True),
        (date(2026, 9, 1), date(2026, 10, 31), Cadence.monthly, JULY, False),
        (date(2026, 9, 2), date(2026, 10, 1), Cadence.monthly, JULY, False),
        (date(2026, 9, 14), date(2026, 9, 20), Cadence.weekly, JULY, True),
        (date(2026, 9, 15), date(2026, 9, 21), Cadence.weekly, JULY, False),
        (date(2026, 7, 1), date(2026, 9, 30), Cadence.quarterly, JULY, True),
        (date(2026, 8, 1), date(2026, 10, 31), Cadence.quarterly, JULY, False),
        (date(2026, 1, 1), date(2026, 3, 31), Cadence.quarterly, 2, True),  # calendar quarter, fiscal year from Feb
        (date(2025, 11, 1), date(2026, 1, 31), Cadence.quarterly, 2, True),  # fiscal quarter
        (date(2026, 1, 1), date(2026, 12, 31), Cadence.annual, JULY, True),  # calendar year
        (date(2026, 7, 1), date(2027, 6, 30), Cadence.annual, JULY, True),  # fiscal year
        (date(2026, 4, 1), date(2027, 3, 31), Cadence.annual, JULY, False),
    ],
)
def test_explicit_dates_must_span_exactly_one_period(
    start: date, end: date, cadence: Cadence, fiscal_start: int, aligned: bool
) -> None:
    assert is_aligned(Period(start, end), cadence, fiscal_start_month=fiscal_start) is aligned


LENGTHS = {Cadence.weekly: (7, 7), Cadence.monthly: (28, 31), Cadence.quarterly: (89, 92), Cadence.annual: (365, 366)}


@given(day=days, cadence=cadences, fiscal_start=fiscal_starts)
def test_every_day_lies_in_exactly_one_aligned_period(day: date, cadence: Cadence, fiscal_start: int) -> None:
    period = containing(day, cadence, fiscal_start_month=fiscal_start)

    assert period.contains(day)
    assert is_aligned(period, cadence, fiscal_start_month=fiscal_start)
    shortest, longest = LENGTHS[cadence]
    assert shortest <= (period.end - period.start).days + 1 <= longest
    following = containing(period.end + timedelta(days=1), cadence, fiscal_start_month=fiscal_start)
    assert following.start == period.end + timedelta(days=1)
    assert containing(period.start, cadence, fiscal_start_month=fiscal_start) == period
    assert containing(period.end, cadence, fiscal_start_month=fiscal_start) == period


@given(day=days)
def test_month_and_week_labels_name_the_period_containing_their_days(day: date) -> None:
    month = parse(f"{day.year:04d}-{day.month:02d}", Cadence.monthly)
    iso_year, iso_week, _ = day.isocalendar()
    week = parse(f"{iso_year:04d}-W{iso_week:02d}", Cadence.weekly)

    assert month == containing(day, Cadence.monthly)
    assert week == containing(day, Cadence.weekly)


@given(year=st.integers(min_value=1901, max_value=2199), fiscal_start=fiscal_starts)
def test_four_fiscal_quarters_tile_their_fiscal_year(year: int, fiscal_start: int) -> None:
    fiscal_year = parse(f"FY{year}", Cadence.annual, fiscal_start_month=fiscal_start)
    quarters = [parse(f"FY{year}-Q{q}", Cadence.quarterly, fiscal_start_month=fiscal_start) for q in (1, 2, 3, 4)]

    assert quarters[0].start == fiscal_year.start == fiscal_year_start(year, fiscal_start)
    assert quarters[-1].end == fiscal_year.end
    for earlier, later in pairwise(quarters):
        assert later.start == earlier.end + timedelta(days=1)
    assert fiscal_year.end.year == year
    assert all(is_aligned(quarter, Cadence.quarterly, fiscal_start_month=fiscal_start) for quarter in quarters)


@pytest.mark.parametrize(
    ("label", "cadence"),
    [
        ("1899-12", Cadence.monthly),
        ("2200-01", Cadence.monthly),
        ("FY2200", Cadence.annual),
        ("FY2201-Q1", Cadence.quarterly),
    ],
)
def test_labels_beyond_the_accepted_range_are_refused(label: str, cadence: Cadence) -> None:
    with pytest.raises(PeriodError, match="outside the dates"):
        parse(label, cadence, fiscal_start_month=JULY)
