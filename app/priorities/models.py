"""Citywide strategic priorities that goals ladder up to, e.g. 'Vision Zero by 2030'."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from app.kit.fields import Flag
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class PriorityFields(SQLModel):
    code: str = Field(min_length=1, max_length=40, schema_extra={"pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*$"})
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    target_year: int | None = Field(default=None, ge=2000, le=2100)
    is_public: Flag = True


class Priority(PriorityFields, TableBase, table=True):
    code: str = Field(max_length=40, unique=True)


class PriorityCreate(PriorityFields):
    model_config = STRICT


PriorityUpdate = partial_model(PriorityCreate, "PriorityUpdate")


class PriorityPublic(PriorityFields, RecordPublic):
    pass


class PriorityQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the title")
    is_public: bool | None = None
