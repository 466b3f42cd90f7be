"""Performance meetings with a vendor (the action items that come out of them are in `app.actions`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.actions.models import Side
from app.db import UTCDateTime
from app.kit.fields import MAX_INT_ID, Day
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class Attendee(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    side: Side
    role: str | None = Field(default=None, max_length=200, description="e.g. 'contract manager', 'operations lead'")


class AgendaKind(StrEnum):
    """What an agenda item is about, in the order the agenda takes them up."""

    open_alert = "open_alert"
    overdue_data = "overdue_data"
    overdue_plan_step = "overdue_plan_step"
    overdue_action_item = "overdue_action_item"
    plan_step_due = "plan_step_due"
    action_item_due = "action_item_due"
    latest_reading = "latest_reading"


class AgendaItem(BaseModel):
    # A string, not the enum: agendas frozen before these kinds existed keep their own (new_reading, ...).
    kind: str = Field(
        description="open_alert, overdue_data, overdue_plan_step, overdue_action_item, plan_step_due, "
        "action_item_due or latest_reading (older meetings may show new_reading, status_change)"
    )
    text: str
    ref_id: int | None = Field(default=None, description="Id of the alert, metric, action item or reading")
    refs: dict[str, int] = Field(
        default_factory=dict, description="Every record the item is about, e.g. {alert_id, metric_id, plan_id}"
    )


class MeetingFields(SQLModel):
    held_on: Day
    title: str = Field(default="Monthly performance review", min_length=1, max_length=300)
    attendees: list[Attendee] = Field(default_factory=list, max_length=50, sa_type=JSON)
    notes: str | None = Field(default=None, max_length=20_000, description="Internal: never published")


class Meeting(MeetingFields, TableBase, table=True):
    award_id: int = Field(foreign_key="award.id", index=True)
    attendees: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)  # type: ignore[assignment]
    agenda: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    # Set when the meeting is held: from then on its agenda, date, title and attendees are the record of it.
    held_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    minutes: str | None = Field(default=None, max_length=20_000)


class MeetingCreate(MeetingFields):
    model_config = STRICT


MeetingUpdate = partial_model(MeetingCreate, "MeetingUpdate")


class MeetingPublic(MeetingFields, RecordPublic):
    award_id: int
    agenda: list[AgendaItem] = Field(
        description="Generated when the meeting is created; regenerated on request until it is held, then frozen"
    )
    held_at: datetime | None = Field(description="When the meeting was recorded as held (null: not yet)")
    minutes: str | None = Field(description="Internal: never published")


class MeetingHold(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    minutes: str = Field(min_length=1, max_length=20_000, description="What was discussed and agreed")


class MeetingQuery(ListQuery):
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
