"""Field types shared by request schemas."""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import email_validator
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, PlainSerializer, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.periods import EARLIEST_DAY, LATEST_DAY, in_range

MAX_INT_ID = 2_147_483_647  # ids are 32-bit on PostgreSQL: larger ones are a 422, never a database error

# Text: PostgreSQL cannot store NUL (refused everywhere, see kit.input_guards); required text is not blank.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"

# In a JSON body, true/false only: pydantic would otherwise read 0, 1 or "yes" as a boolean.
Flag = Annotated[bool, Strict()]
RecordRef = Annotated[int, Field(ge=1, le=MAX_INT_ID)]


def _not_a_number(value: Any) -> Any:
    # pydantic would read "0.5" as seconds since 1970; an instant must be written as a date-time.
    if isinstance(value, int | float) or (isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit()):
        raise ValueError("give an ISO 8601 date-time with a time zone, e.g. 2026-10-01T00:00:00Z")
    return value


# Dates and instants: years 1900 to 2199 (`periods.EARLIEST_DAY` to `LATEST_DAY`), in the validators and in the
# published contract (a pattern on the year), so that no stored date can make a later computation overflow.
_YEAR = "(19[0-9]{2}|2[01][0-9]{2})"
_CALENDAR_DAY = rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
# Whole patterns (with the format) so that clients and fuzzers can generate valid values without guessing.
DAY_PATTERN = rf"^{_CALENDAR_DAY}$"
INSTANT_PATTERN = rf"^{_CALENDAR_DAY}T{_TIME}{_OFFSET}$"
RANGE_TEXT = f"from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"


def _instant_in_range(value: datetime) -> datetime:
    # Judged by the calendar date as written, before any conversion to UTC (which could overflow at the edges).
    if not in_range(value.date()):
        raise PydanticCustomError("date_out_of_range", f"Input should be a date-time {RANGE_TEXT}")
    return value


Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_not_a_number),
    AfterValidator(_instant_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": INSTANT_PATTERN}),
]


def _date_as_text(value: Any) -> Any:
    # pydantic would read 0 as 1970-01-01; a calendar date must be written out.
    if isinstance(value, int | float):
        raise ValueError("give an ISO 8601 date, e.g. 2026-10-01")
    return value


def _day_in_range(value: date) -> date:
    if not in_range(value):
        raise PydanticCustomError("date_out_of_range", f"Input should be a date {RANGE_TEXT}")
    return value


Day = Annotated[
    date,
    BeforeValidator(_date_as_text),
    AfterValidator(_day_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]


# Syntax only: a city's test systems use reserved names (example.test, intranet.local) that EmailStr refuses.
email_validator.SPECIAL_USE_DOMAIN_NAMES = []


def _email_address(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False, globally_deliverable=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"not a valid email address: {error}") from None


Email = Annotated[str, AfterValidator(_email_address), WithJsonSchema({"type": "string", "format": "email"})]


# --- exact numbers -----------------------------------------------------------------------------------
# The published schema and the validators below accept exactly the same inputs, so that clients and
# fuzzers can trust the contract: money is a string (a JSON number is a binary float and can lose
# cents); a measured value is a string or a JSON number (rounded to the 6 decimal places stored).

MONEY_PATTERN = r"^[0-9]{1,16}(\.[0-9]{1,2})?$"
MEASURE_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"
MEASURE_LIMIT = 10**12 - 1
_MEASURE_PLACES = Decimal("0.000001")
_PLAIN_DECIMAL = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")
_plain = PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json")


def _decimal_text(text: str, *, whole_digits: int, places: int, signed: bool) -> Decimal:
    """`text` as a Decimal if it is written exactly as the published pattern says; the error names the rule."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        number = None
    if number is not None and not number.is_finite():
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    written = _PLAIN_DECIMAL.fullmatch(text)
    if number is None or written is None:
        raise PydanticCustomError("decimal_parsing", "Input should be a decimal written out, e.g. 1250.50")
    if text.startswith("-") and not signed:
        raise PydanticCustomError("greater_than_equal", "Input should be greater than or equal to 0")
    if len(written.group(1)) > whole_digits:
        raise PydanticCustomError("decimal_whole_digits", f"Input should have at most {whole_digits} whole digits")
    if len(written.group(2) or "") > places:
        raise PydanticCustomError("decimal_max_places", f"Input should have at most {places} decimal places")
    return number


def _money(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "money_type", 'Write money as a string, e.g. "1250000.00": a JSON number can lose cents'
        )
    return _decimal_text(value, whole_digits=16, places=2, signed=False)


def _measure(value: Any, *, signed: bool = True) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return _decimal_text(value, whole_digits=12, places=6, signed=signed)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("decimal_type", 'Input should be a number or a decimal string, e.g. 92.5 or "92.5"')
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    if abs(value) > MEASURE_LIMIT:
        raise PydanticCustomError(
            "decimal_whole_digits", f"Input should lie between -{MEASURE_LIMIT} and {MEASURE_LIMIT}"
        )
    if isinstance(value, int):
        return Decimal(value)
    # The shortest decimal that reads back as this float, to 6 places (drops binary noise such as 0.1 + 0.2),
    # then without trailing zeros: 80.0 is stored and shown as 80.
    number = Decimal(repr(value)).quantize(_MEASURE_PLACES).normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _measure_schema(*, signed: bool) -> dict[str, Any]:
    pattern = MEASURE_PATTERN if signed else MEASURE_PATTERN.replace("^-?", "^")
    return {
        "anyOf": [
            {"type": "number", "minimum": -MEASURE_LIMIT if signed else 0, "maximum": MEASURE_LIMIT},
            {"type": "string", "pattern": pattern},
        ],
        "description": "A number, or a string for an exact decimal; at most 6 decimal places",
    }


MoneyAmount = Annotated[
    Decimal,
    BeforeValidator(_money),
    _plain,
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1250000.00"]}),
]
Measure = Annotated[Decimal, BeforeValidator(_measure), _plain, WithJsonSchema(_measure_schema(signed=True))]
NonNegativeMeasure = Annotated[
    Decimal,
    BeforeValidator(functools.partial(_measure, signed=False)),
    _plain,
    WithJsonSchema(_measure_schema(signed=False)),
]
