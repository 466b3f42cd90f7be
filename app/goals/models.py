"""Goals: what a contract, grant or procurement is meant to achieve, optionally tied to a priority."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.kit.fields import MAX_INT_ID, Flag
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class GoalFields(SQLModel):
    title: str = Field(min_length=1, max_length=300, description="e.g. 'Repair potholes within 48 hours'")
    description: str | None = Field(default=None, max_length=10_000)
    priority_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="priority.id", index=True)
    is_public: Flag = Field(default=True, description="Published on the transparency API")


class Goal(GoalFields, TableBase, table=True):
    __table_args__ = (
        CheckConstraint("(award_id IS NULL) <> (procurement_id IS NULL)", name="ck_goal_exactly_one_owner"),
        UniqueConstraint("award_id", "source_goal_id", name="uq_goal_award_source"),
    )

    award_id: int | None = Field(default=None, foreign_key="award.id", index=True)
    procurement_id: int | None = Field(default=None, foreign_key="procurement.id", index=True)
    # The procurement goal this one was carried over from, so that carrying over twice is harmless.
    source_goal_id: int | None = Field(default=None, foreign_key="goal.id")


class GoalCreate(GoalFields):
    model_config = STRICT


GoalUpdate = partial_model(GoalCreate, "GoalUpdate")


class GoalPublic(GoalFields, RecordPublic):
    award_id: int | None
    procurement_id: int | None
    source_goal_id: int | None


class GoalQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the title")
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    procurement_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    priority_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    is_public: bool | None = None
