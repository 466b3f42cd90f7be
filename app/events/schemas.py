"""The feed's query and page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.events.types import EventType
from app.kit.fields import MAX_INT_ID

CURSOR_PATTERN = r"^[0-9]{1,19}-[0-9]{1,19}$"


class EventQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: str | None = Field(
        default=None,
        pattern=CURSOR_PATTERN,
        description="The `next` cursor of the previous page; absent: from the oldest event kept. "
        "`now`-style following: start from the `next` of an empty page.",
    )
    type: list[EventType] = Field(default_factory=list, description="Only these event types (repeatable)")
    department_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    limit: int = Field(default=100, ge=1, le=1000)


class EventPublic(BaseModel):
    id: str = Field(description="Stable event id (the `webhook-id` of its deliveries)")
    type: EventType
    occurred_at: datetime
    department_id: int | None
    award_id: int | None
    subject_type: str
    subject_id: int | None
    data: dict[str, Any]
    position: str = Field(description="This event's cursor: `after=<position>` continues after it")


class EventPage(BaseModel):
    items: list[EventPublic]
    next: str = Field(description="Pass as `after` to get the events that follow (the same value if none yet)")


class EventTypeInfo(BaseModel):
    type: EventType
    description: str
