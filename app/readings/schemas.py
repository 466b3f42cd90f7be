"""Request and response schemas of the readings API."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from app.kit.fields import MAX_INT_ID, Day, Flag, Measure
from app.kit.models import RecordPublic
from app.readings.models import Outcome, ReadingSource

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadingValues(BaseModel):
    """What a reading says, whichever way its metric is named."""

    model_config = _STRICT

    period: str | None = Field(
        default=None,
        max_length=20,
        description="Label matching the metric's cadence: 2026-09, 2026-Q3, FY2027-Q1, 2026-W37, 2026, FY2027",
    )
    period_start: Day | None = Field(default=None, description="Explicit period (with period_end) instead of a label")
    period_end: Day | None = None
    value: Measure = Field(max_digits=18, decimal_places=6)
    note: str | None = Field(default=None, max_length=2000)
    provisional: Flag = Field(
        default=False,
        description="An early figure for a period that has not ended yet (refused otherwise): shown in the status, "
        "but not judged until the period ends",
    )
    source: ReadingSource = Field(
        default=ReadingSource.manual,
        description="Set from the credential: erp for a service account, vendor for a vendor's people and feeds, "
        "manual for city staff. It cannot be claimed: if sent, it must be that value.",
    )
    reason: str | None = Field(
        default=None, max_length=2000, description="Required for an admin correction inside a locked period"
    )


class ReadingCreate(ReadingValues):
    pass


@dataclass(frozen=True)
class InvalidItem:
    """A batch item that failed validation; kept so the rest of the batch can still be judged."""

    field: str
    reason: str
    raw: Any = None  # the item as sent, so that two different bad items do not look alike to Idempotency-Key


def invalid_item(error: ValidationError, raw: Any = None) -> InvalidItem:
    first = error.errors()[0]
    return InvalidItem(field=".".join(str(part) for part in first["loc"]) or "item", reason=first["msg"], raw=raw)


def _keep_invalid(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError as error:
        return invalid_item(error, raw=value)


def canonical_items(items: Sequence[BatchItem | InvalidItem]) -> str:
    """The batch as JSON, invalid items as they were sent: what an Idempotency-Key fingerprint covers."""
    return json.dumps(
        [item.model_dump(mode="json") if isinstance(item, BatchItem) else item.raw for item in items],
        sort_keys=True,
        default=str,
    )


class Mode(StrEnum):  # how a batch treats invalid items
    all_or_nothing = "all_or_nothing"
    accept_valid = "accept_valid"


class BatchItem(ReadingValues):
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    contract_external_id: str | None = Field(default=None, max_length=100)
    grant_external_id: str | None = Field(default=None, max_length=100)
    metric_code: str | None = Field(default=None, max_length=40)


MAX_BATCH = 10_000


def _any_item_is_answered(schema: dict[str, Any]) -> None:
    # The contract as it is: an item that is not a valid reading does not fail the request's validation; it
    # is reported rejected (accept_valid) or fails the whole batch with its index (all_or_nothing).
    schema["items"] = {
        "anyOf": [
            schema["items"],
            {"description": "Anything else is answered per item: rejected, with the failing field and reason"},
        ]
    }


class BatchRequest(BaseModel):
    model_config = _STRICT

    readings: list[Annotated[BatchItem, WrapValidator(_keep_invalid)]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"At most {MAX_BATCH} readings",
        json_schema_extra=_any_item_is_answered,
    )


class ItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request (0-based)")
    outcome: Outcome
    reading_id: int | None = None
    metric_id: int | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    field: str | None = Field(default=None, description="For rejections: the failing field")
    reason: str | None = None


class BatchSummary(BaseModel):
    created: int = 0
    unchanged: int = 0
    corrected: int = 0
    rejected: int = 0


class BatchResult(BaseModel):
    committed: bool = Field(description="False for a dry run")
    summary: BatchSummary
    items: list[ItemResult]


class RevisionPublic(BaseModel):
    revision: int
    value: Decimal
    source: ReadingSource
    note: str | None
    reason: str | None
    provisional: bool = Field(default=False, description="This value was sent before its period ended")
    recorded_by: str
    recorded_at: datetime


class ReadingPublic(RecordPublic):
    metric_id: int
    period_start: Day
    period_end: Day
    value: Decimal
    note: str | None
    source: ReadingSource
    revision: int
    provisional: bool = Field(
        description="The current value was sent before its period ended; it counts once the period is over"
    )
    recorded_by: str
    verified_at: datetime | None
    verified_by: str | None


class ReadingDetail(ReadingPublic):
    history: list[RevisionPublic]


class ReadingWriteResult(ReadingPublic):
    outcome: Outcome


class PeriodLockCreate(BaseModel):
    model_config = _STRICT

    award_id: Annotated[int, Strict()] | None = Field(
        default=None, ge=1, le=MAX_INT_ID, description="Contract or grant; omit for all"
    )
    locked_through: Day = Field(description="Periods ending on or before this date are closed")
    reason: str = Field(min_length=1, max_length=2000)


class PeriodLockPublic(RecordPublic):
    award_id: int | None
    locked_through: Day
    reason: str
    locked_by: str
