from __future__ import annotations

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import col

from app.auth.principal import Reach
from app.departments.models import (
    Department,
    DepartmentCreate,
    DepartmentPublic,
    DepartmentQuery,
    DepartmentUpdate,
)
from app.records.resource import Dependent, Resource, awards_within


def department_scope(reach: Reach) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if reach.department_ids is not None:
        conditions.append(col(Department.id).in_(reach.department_ids))
    if reach.by_award:  # the departments of the contracts and grants in reach (the award table is a floor above)
        conditions.append(col(Department.id).in_(awards_within(reach, "department_id")))
    return and_(true(), *conditions)


def department_resource() -> Resource:
    return Resource(
        name="department",
        area="departments",
        model=Department,
        create_schema=DepartmentCreate,
        update_schema=DepartmentUpdate,
        public_schema=DepartmentPublic,
        query_schema=DepartmentQuery,
        sortable=("id", "name", "code", "created_at", "updated_at"),
        search_columns=("name",),
        unique=(("code",),),
        dependents=(
            Dependent("procurement", "department_id", "procurements"),
            Dependent("award", "department_id", "contracts or grants"),
            # Deleting would cascade away the user's limit, and a user with no departments sees all of them.
            Dependent("user_department", "department_id", "users limited to it"),
        ),
        scope=department_scope,
        scoped_callers_create=False,
    )
