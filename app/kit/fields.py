"""Field types shared by request schemas."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

MAX_INT_ID = 2_147_483_647  # ids are 32-bit on PostgreSQL: larger ones are a 422, never a database error


def _not_a_number(value: Any) -> Any:
    # pydantic would read "0.5" as seconds since 1970; an instant must be written as a date-time.
    if isinstance(value, int | float) or (isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit()):
        raise ValueError("give an ISO 8601 date-time with a time zone, e.g. 2026-10-01T00:00:00Z")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
