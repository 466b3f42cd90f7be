"""Action items on a contract or grant, optionally tied to the meeting, alert or metric that called for them."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import choice, utcnow
from app.kit.fields import MAX_INT_ID, Day
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class Side(StrEnum):
    city = "city"
    vendor = "vendor"


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
