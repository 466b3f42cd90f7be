"""Performance meetings with a vendor, and the action items that come out of them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.db import choice, utcnow
from app.kit.fields import MAX_INT_ID, Day
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class Side(StrEnum):
    city = "city"
    vendor = "vendor"


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


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class ActionItemFields(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    owner_side: Side
    owner_name: str = Field(min_length=1, max_length=200)
    due_date: Day
    status: ActionStatus = Field(default=ActionStatus.open, sa_type=choice(ActionStatus))
    meeting_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="meeting.id", index=True)
    alert_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="alert.id", index=True)
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="metric.id", index=True)


class ActionItem(ActionItemFields, TableBase, table=True):
    __tablename__ = "action_item"

    award_id: int = Field(foreign_key="award.id", index=True)
    owner_side: Side = Field(sa_type=choice(Side))

    @property
    def overdue(self) -> bool:
        return self.status == ActionStatus.open and self.due_date < utcnow().date()


class ActionItemCreate(ActionItemFields):
    model_config = STRICT


ActionItemUpdate = partial_model(ActionItemCreate, "ActionItemUpdate")


class ActionItemPublic(ActionItemFields, RecordPublic):
    award_id: int
    overdue: bool


class ActionItemQuery(ListQuery):
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    status: ActionStatus | None = None
    owner_side: Side | None = None
    alert_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    overdue: bool | None = Field(default=None, description="Open and past the due date")
