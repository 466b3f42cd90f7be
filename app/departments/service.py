from __future__ import annotations

from app.departments.models import (
    Department,
    DepartmentCreate,
    DepartmentPublic,
    DepartmentQuery,
    DepartmentUpdate,
)
from app.records.resource import Resource


def department_scope(department_ids: frozenset[int]):
    return Department.id.in_(department_ids)  # type: ignore[union-attr]


def _dependents():
    # Imported late: those packages import this one for the scope function.
    from app.auth.models import UserDepartment
    from app.awards.models import Award
    from app.procurements.models import Procurement
    from app.records.resource import Dependent

    return (
        Dependent(Procurement, "department_id", "procurements"),
        Dependent(Award, "department_id", "contracts or grants"),
        # Deleting would cascade away the user's limit, and a user with no departments sees all of them.
        Dependent(UserDepartment, "department_id", "users limited to it"),
    )


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
        dependents=_dependents(),
        scope=department_scope,
        scoped_callers_create=False,
    )
