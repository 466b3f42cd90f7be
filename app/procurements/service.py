from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, true

from app.auth.principal import Reach
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


def procurement_scope(reach: Reach) -> ColumnElement[bool]:
    if reach.by_award:  # a procurement is the city's own business until it is awarded
        return false()
    if reach.department_ids is None:
        return true()
    return and_(Procurement.department_id.in_(reach.department_ids))  # type: ignore[attr-defined]


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
