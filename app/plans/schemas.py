"""Request and response schemas of corrective action plans."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from app.actions.models import ActionItemPublic, Side
from app.kit.fields import MAX_INT_ID, NOT_BLANK, Day, RecordRef
from app.kit.models import STRICT
from app.kit.pagination import PageQuery
from app.plans.models import PlanStatus

MAX_STEPS = 50


class StepCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300, pattern=NOT_BLANK)
    owner_user_id: RecordRef = Field(
        description="Who does it: city staff of the contract's department, or one of the vendor's people"
    )
    due_date: Day
    meeting_id: RecordRef | None = Field(
        default=None, description="The performance meeting where the step was agreed (city staff only)"
    )


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300, pattern=NOT_BLANK)
    description: str | None = Field(default=None, max_length=5000)
    steps: list[StepCreate] = Field(default_factory=list, max_length=MAX_STEPS, description="Become action items")


class PlanUpdate(SQLModel):
    """Fields left out are unchanged (a title cannot be removed); only while the plan is proposed."""

    model_config = STRICT

    title: str = SQLField(default=None, min_length=1, max_length=300, regex=NOT_BLANK)
    description: str | None = SQLField(default=None, max_length=5000)


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=2000)


class PlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    award_id: int
    alert_id: int | None
    metric_id: int | None
    title: str
    description: str | None
    status: PlanStatus
    proposed_by: str
    proposed_side: Side
    agreed_at: datetime | None
    agreed_by: str | None
    completed_at: datetime | None = Field(description="When its last step was done")
    created_at: datetime
    updated_at: datetime
    version: int


class PlanDetail(PlanPublic):
    steps: list[ActionItemPublic]


class PlanQuery(PageQuery):
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    alert_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    status: PlanStatus | None = None
