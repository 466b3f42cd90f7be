"""Numbers and dates on the pages read the way a person says them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.web.format import ago, in_words, long_date, measure, money, number, plural, span


def test_numbers_keep_as_many_decimals_as_their_size_needs() -> None:
    assert number(Decimal("84.765432")) == "84.8"
    assert number(Decimal("1234.5")) == "1,235"
    assert number(Decimal("0.125")) == "0.13"
    assert number(Decimal("90.000000")) == "90"
    assert number(Decimal("-0.001")) == "0"
    assert number(None) == "\u2013"


def test_a_value_comes_with_its_unit() -> None:
    assert measure(Decimal("84.765432"), "percent") == "84.8 %"
    assert measure(Decimal(120), "placements") == "120 placements"
    assert measure(Decimal("3.5"), None) == "3.5"


def test_money_is_in_whole_units_and_millions_in_words() -> None:
    assert money(Decimal("4800000.00"), "USD") == "$4.8 million"
    assert money(Decimal("960000"), "USD") == "$960,000"
    assert money(Decimal("12500000"), "EUR") == "€13 million"
    assert money(Decimal("5000"), "CHF") == "5,000 CHF"


def test_dates_and_periods_are_in_words() -> None:
    assert long_date(date(2027, 6, 30)) == "June 30, 2027"
    assert span(date(2025, 9, 1), date(2025, 9, 30)) == "September 2025"
    assert span(date(2025, 7, 1), date(2025, 9, 30)) == "July \u2013 September 2025"
    assert span(date(2025, 7, 1), date(2026, 6, 30)) == "July 2025 \u2013 June 2026"
    assert span(date(2026, 6, 1), date(2026, 6, 7)) == "the week of June 1, 2026"


def test_how_long_ago_uses_the_largest_whole_unit() -> None:
    today = date(2026, 12, 1)
    assert ago(date(2025, 9, 30), today) == "1 year ago"
    assert ago(date(2026, 6, 30), today) == "5 months ago"
    assert ago(date(2026, 11, 10), today) == "3 weeks ago"
    assert ago(date(2026, 11, 28), today) == "3 days ago"
    assert ago(date(2026, 11, 30), today) == "yesterday"
    assert ago(today, today) == "today"
    assert ago(None, today) == "never"
    assert plural(1, "result") == "1 result" and plural(1200, "result") == "1,200 results"


def test_dates_in_a_sentence_are_rewritten_in_words() -> None:
    assert in_words("2026-11: no reading, due by 2026-12-15.") == "November 2026: no reading, due by December 15, 2026."
    assert in_words("FY2027-Q1 and 2026-13 stay as they are") == "FY2027-Q1 and 2026-13 stay as they are"
