"""Numbers, money and dates the way a person reads them: `84.8 %`, `$4.8 million`, `June 30, 2027`, `5 months ago`.

Jinja filters for every page; plain functions, so they are tested without a template.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PERCENT_UNITS = {"percent", "%", "pct"}
NONE = "\u2013"  # an en dash stands for a missing value
DASH = " \u2013 "  # between the ends of a span
CURRENCY_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£"}


def number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Thousands separated, with as few decimals as the size of the number needs (2 under 10, 1 under 100,
    none above), trailing zeros dropped: 84.765432 → 84.8, 1234.5 → 1,235, 0.125 → 0.13."""
    if value is None:
        return NONE
    exact = Decimal(str(value))
    if not exact.is_finite():
        return NONE
    if places is None:
        size = abs(exact)
        places = 2 if size < 10 else 1 if size < 100 else 0
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def measure(value: Decimal | int | float | None, unit: str | None) -> str:
    """A value with its unit: `84.8 %`, `120 placements`; a bare number when there is no unit."""
    if value is None:
        return NONE
    if unit is None or not unit.strip():
        return number(value)
    if unit.strip().lower() in PERCENT_UNITS:
        return f"{number(value)} %"
    return f"{number(value)} {unit.strip()}"


def money(value: Decimal | int | float | None, currency: str = "USD") -> str:
    """`$4.8 million`, `$960,000`: whole currency units, millions in words."""
    if value is None:
        return NONE
    amount = Decimal(str(value))
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if abs(amount) >= 1_000_000:
        text = f"{number(amount / 1_000_000, 1 if abs(amount) < 10_000_000 else 0)} million"
    else:
        text = number(amount, 0)
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def long_date(day: date | None) -> str:
    """`June 30, 2027`."""
    return f"{day:%B} {day.day}, {day.year}" if day else NONE


def month_year(day: date | None) -> str:
    """`September 2025`."""
    return f"{day:%B %Y}" if day else NONE


def span(start: date, end: date) -> str:
    """A period in words: `September 2025`, `July to September 2025` (with a dash), `the week of June 2, 2026`."""
    if (end - start).days < 7:
        return f"the week of {long_date(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return month_year(start)
    if start.year == end.year:
        return f"{start:%B}{DASH}{month_year(end)}"
    return f"{month_year(start)}{DASH}{month_year(end)}"


def ago(day: date | None, today: date) -> str:
    """How long ago, in the largest whole unit: `today`, `yesterday`, `12 days ago`, `3 weeks ago`, `5 months ago`,
    `2 years ago`."""
    if day is None:
        return "never"
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    months = (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day)
    for amount, unit in ((months // 12, "year"), (months, "month"), (days // 7, "week"), (days, "day")):
        if amount >= 1:
            return f"{amount} {unit}{'s' if amount != 1 else ''} ago"
    return "today"  # unreachable: days ≥ 2 above


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])\b")


def in_words(text: str) -> str:
    """Dates and months written the machine's way (`2027-06-30`, `2026-11`) in a sentence, the reader's way."""

    def day(found: re.Match[str]) -> str:
        try:
            return long_date(date(int(found[1]), int(found[2]), int(found[3])))
        except ValueError:
            return found[0]

    text = _ISO_DAY.sub(day, text)
    return _ISO_MONTH.sub(lambda found: month_year(date(int(found[1]), int(found[2]), 1)), text)


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`1 metric`, `3 metrics`."""
    return f"{count:,} {singular if count == 1 else many or singular + 's'}"


FILTERS = {
    "number": number,
    "measure": measure,
    "money": money,
    "long_date": long_date,
    "month_year": month_year,
    "span": span,
    "plural": plural,
    "in_words": in_words,
}
