"""City departments: the buyers, and the unit that scopes who may see and change what."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class DepartmentFields(SQLModel):
    name: str = Field(min_length=1, max_length=200, description="e.g. 'Department of Transportation'")
    code: str = Field(
        min_length=1,
        max_length=20,
        schema_extra={"pattern": r"^[A-Z0-9][A-Z0-9_-]*$"},
        description="Short code, e.g. 'DOT'",
    )
    description: str | None = Field(default=None, max_length=10_000)


class Department(DepartmentFields, TableBase, table=True):
    code: str = Field(max_length=20, unique=True, index=True)


class DepartmentCreate(DepartmentFields):
    model_config = STRICT


DepartmentUpdate = partial_model(DepartmentCreate, "DepartmentUpdate")


class DepartmentPublic(DepartmentFields, RecordPublic):
    pass


class DepartmentQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the name")
    code: str | None = Field(default=None, max_length=20)
