"""Field types shared by request schemas: bounded, so nothing unbounded reaches the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field

MAX_INT_ID = 2_147_483_647

RefId = Annotated[int, Field(ge=1, le=MAX_INT_ID)]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=10_000)]
ExternalId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$",
        description="The ERP's own key for this record",
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code", examples=["USD"])]
# Up to 10^16 - 0.01 in any currency, exactly.
MoneyAmount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False)]
# Metric values: up to 12 integer digits and 6 decimals, exactly.
MetricValue = Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=1000, max_digits=9, decimal_places=4, allow_inf_nan=False)]


def _not_a_number(value: Any) -> Any:
    # pydantic would read "0.5" as seconds since 1970; an instant must be written as a date-time.
    if isinstance(value, int | float) or (isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit()):
        raise ValueError("give an ISO 8601 date-time with a time zone, e.g. 2026-10-01T00:00:00Z")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
