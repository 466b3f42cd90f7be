from __future__ import annotations

from app.departments.models import (
    Department,
    DepartmentCreate,
    DepartmentPublic,
    DepartmentQuery,
    DepartmentUpdate,
)
from app.records.resource import Dependent, Resource


def department_scope(department_ids: frozenset[int]):
    return Department.id.in_(department_ids)  # type: ignore[union-attr]


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
