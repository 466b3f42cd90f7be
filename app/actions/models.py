"""Action items on a contract or grant, optionally tied to the meeting, alert or metric that called for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, choice, utcnow
from app.kit.fields import MAX_INT_ID, Day, Instant, RecordRef
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
    due_date: Day
    status: ActionStatus = Field(default=ActionStatus.open, sa_type=choice(ActionStatus))
    meeting_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="meeting.id", index=True)
    alert_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="alert.id", index=True)
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="metric.id", index=True)


class ActionItem(ActionItemFields, TableBase, table=True):
    __tablename__ = "action_item"

    award_id: int = Field(foreign_key="award.id", index=True)
    owner_side: Side = Field(sa_type=choice(Side))
    owner_name: str = Field(max_length=200)
    owner_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set on the steps of a corrective plan.
    plan_id: int | None = Field(default=None, foreign_key="corrective_plan.id", index=True)

    @property
    def overdue(self) -> bool:
        return self.status == ActionStatus.open and self.due_date < utcnow().date()


class ActionItemCreate(ActionItemFields):
    model_config = STRICT

    owner_user_id: RecordRef | None = Field(
        default=None,
        description="The person who owns it: city staff of the contract's department, or the vendor's people. "
        "owner_side and owner_name follow from them.",
    )
    owner_side: Side | None = Field(default=None, description="Required without owner_user_id")
    owner_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Required without owner_user_id"
    )
    completed_at: Instant | None = Field(
        default=None,
        description="When a done item was done, if not now (recording work done earlier); never in the future",
    )

    def field_problems(self) -> list[tuple[str, str]]:
        if self.owner_user_id is not None:
            return []
        return [
            (name, "is required without owner_user_id")
            for name in ("owner_side", "owner_name")
            if not getattr(self, name)
        ]


ActionItemUpdate = partial_model(ActionItemCreate, "ActionItemUpdate")


class ActionItemPublic(ActionItemFields, RecordPublic):
    award_id: int
    owner_side: Side
    owner_name: str
    owner_user_id: int | None
    completed_at: datetime | None
    plan_id: int | None
    overdue: bool


class ActionItemQuery(ListQuery):
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    status: ActionStatus | None = None
    owner_side: Side | None = None
    alert_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    overdue: bool | None = Field(default=None, description="Open and past the due date")
