from __future__ import annotations

from sqlalchemy import ColumnElement

from app.departments.models import Department
from app.departments.service import department_scope
from app.procurements.models import (
    Procurement,
    ProcurementCreate,
    ProcurementPublic,
    ProcurementQuery,
    ProcurementUpdate,
)
from app.records.resource import Dependent, Reference, Resource


def procurement_scope(department_ids: frozenset[int]) -> ColumnElement[bool]:
    return Procurement.department_id.in_(department_ids)  # type: ignore[attr-defined]


def procurement_resource() -> Resource:
    return Resource(
        name="procurement",
        area="procurements",
        model=Procurement,
        create_schema=ProcurementCreate,
        update_schema=ProcurementUpdate,
        public_schema=ProcurementPublic,
        query_schema=ProcurementQuery,
        sortable=("id", "title", "status", "estimated_value", "release_date", "created_at", "updated_at"),
        search_columns=("title",),
        unique=(("external_id",),),
        references=(Reference("department_id", Department, "department", department_scope),),
        dependents=(
            Dependent("award", "procurement_id", "contracts or grants"),
            Dependent("goal", "procurement_id", "goals"),
        ),
        scope=procurement_scope,
    )
