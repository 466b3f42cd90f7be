from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, select

from app.auth.models import User
from app.awards.models import Award, AwardCreate, AwardKind, AwardPublic, AwardQuery, AwardUpdate
from app.departments.models import Department
from app.departments.service import department_scope
from app.jobs.refresh_queue import enqueue_award
from app.kit.problems import InvalidInput
from app.procurements.models import Procurement
from app.procurements.service import procurement_scope
from app.records.resource import DepartmentScope, Dependent, Reference, Resource
from app.vendors.models import Vendor


def award_scope(department_ids: frozenset[int]) -> ColumnElement[bool]:
    return Award.department_id.in_(department_ids)  # type: ignore[attr-defined]


def award_owner_fields(award: Award) -> dict[str, Any]:
    """The columns that tie a child record (goal, action item) to its contract or grant."""
    return {"award_id": award.id}


def owned_by_award_in(award_id: Any) -> DepartmentScope:
    """The department scope of records that belong to a contract or grant (meetings, action items), given
    their `award_id` column."""

    def scope(department_ids: frozenset[int]) -> ColumnElement[bool]:
        return award_id.in_(select(Award.id).where(award_scope(department_ids)))

    return scope


def _check_procurement_department(session: Session, award: Award) -> None:
    """An award made from a procurement belongs to the department that ran it."""
    if award.procurement_id is None:
        return
    procurement = session.get(Procurement, award.procurement_id)
    if procurement is not None and procurement.department_id != award.department_id:
        raise InvalidInput.on(
            "body.procurement_id",
            f"procurement {procurement.id} belongs to department {procurement.department_id}, "
            f"not {award.department_id}",
            "department_mismatch",
        )


def _queue_refresh(session: Session, award: Award) -> None:
    """A new term or status changes which periods count: queue the award's metrics for re-evaluation."""
    if award.id is not None:
        enqueue_award(session, award.id)


def award_resource(kind: AwardKind) -> Resource:
    area = f"{kind.value}s"
    return Resource(
        name=kind.value,
        area=area,
        model=Award,
        create_schema=AwardCreate,
        update_schema=AwardUpdate,
        public_schema=AwardPublic,
        query_schema=AwardQuery,
        sortable=(
            "id",
            "number",
            "title",
            "value",
            "start_date",
            "end_date",
            "status",
            "created_at",
            "updated_at",
        ),
        search_columns=("title", "number"),
        fixed={"kind": kind},
        unique=(("number",), ("external_id",)),
        references=(
            Reference("department_id", Department, "department", department_scope),
            Reference("vendor_id", Vendor, "vendor" if kind == AwardKind.contract else "grantee (vendor)"),
            Reference("procurement_id", Procurement, "procurement", procurement_scope),
            Reference("contract_manager_id", User, "user"),
        ),
        dependents=(Dependent("goal", "award_id", "goals"),),
        scope=award_scope,
        check=_check_procurement_department,
        on_change=_queue_refresh,
    )
