"""Field types shared by request schemas: bounded, so nothing unbounded reaches the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

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
