"""Performance meetings with a vendor (the action items that come out of them are in `app.actions`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.actions.models import Side
from app.kit.fields import MAX_INT_ID, Day
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class Attendee(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    side: Side
    role: str | None = Field(default=None, max_length=200, description="e.g. 'contract manager', 'operations lead'")


class AgendaItem(BaseModel):
    kind: str = Field(description="open_alert, overdue_action_item, new_reading or status_change")
    text: str
    ref_id: int | None = Field(default=None, description="Id of the alert, action item, reading or metric")


class MeetingFields(SQLModel):
    held_on: Day
    title: str = Field(default="Monthly performance review", min_length=1, max_length=300)
    attendees: list[Attendee] = Field(default_factory=list, max_length=50, sa_type=JSON)
    notes: str | None = Field(default=None, max_length=20_000, description="Internal: never published")


class Meeting(MeetingFields, TableBase, table=True):
    award_id: int = Field(foreign_key="award.id", index=True)
    attendees: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)  # type: ignore[assignment]
    agenda: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)


class MeetingCreate(MeetingFields):
    model_config = STRICT


MeetingUpdate = partial_model(MeetingCreate, "MeetingUpdate")


class MeetingPublic(MeetingFields, RecordPublic):
    award_id: int
    agenda: list[AgendaItem] = Field(description="Generated when the meeting is created")


class MeetingQuery(ListQuery):
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
