from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import Session, col, select

from app.auth.models import User
from app.auth.principal import Reach
from app.awards.models import Award, AwardCreate, AwardKind, AwardPublic, AwardQuery, AwardStatus, AwardUpdate
from app.departments.models import Department
from app.departments.service import department_scope
from app.events import service as events
from app.events.types import EventType
from app.jobs.refresh_queue import enqueue_award
from app.kit.problems import InvalidInput
from app.procurements.models import Procurement
from app.procurements.service import procurement_scope
from app.records.resource import Dependent, ReachScope, Reference, Resource
from app.vendors.models import Vendor


def award_scope(reach: Reach) -> ColumnElement[bool]:
    """The contracts and grants within `reach`: its departments, its vendor, its list, all that apply."""
    conditions: list[ColumnElement[bool]] = []
    if reach.department_ids is not None:
        conditions.append(col(Award.department_id).in_(reach.department_ids))
    if reach.vendor_id is not None:
        conditions.append(col(Award.vendor_id) == reach.vendor_id)
    if reach.award_ids is not None:
        conditions.append(col(Award.id).in_(reach.award_ids))
    return and_(true(), *conditions)


def award_owner_fields(award: Award) -> dict[str, Any]:
    """The columns that tie a child record (goal, action item) to its contract or grant."""
    return {"award_id": award.id}


def owned_by_award_in(award_id: Any) -> ReachScope:
    """The scope of records that belong to a contract or grant (meetings, action items), given their
    `award_id` column."""

    def scope(reach: Reach) -> ColumnElement[bool]:
        return award_id.in_(select(Award.id).where(award_scope(reach)))

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


def _on_change(session: Session, award: Award, before: dict[str, Any] | None) -> None:
    """A new term or status changes which periods count: queue the award's metrics for re-evaluation; and say
    what changed that others react to (its status, its manager)."""
    if award.id is None:
        return
    enqueue_award(session, award.id)
    if before is None:
        return
    changes = [
        (EventType.award_status_changed, "status", str(before.get("status")), award.status.value),
        (
            EventType.award_manager_changed,
            "contract_manager_id",
            before.get("contract_manager_id"),
            award.contract_manager_id,
        ),
    ]
    for type_, name, old, new in changes:
        if old != new:
            events.record(
                session,
                type_,
                subject_type=award.kind.value,
                subject_id=award.id,
                department_id=award.department_id,
                award_id=award.id,
                payload={
                    "award_id": award.id,
                    "kind": award.kind.value,
                    "number": award.number,
                    "field": name,
                    "from": old,
                    "to": new,
                },
            )


ENDING_NOTICES = (120, 60)  # days before an active contract's or grant's end date


def record_ending_events(session: Session, *, today: date) -> int:
    """`award.ending` once per award and notice (120 and 60 days before its end); the number recorded."""
    horizon = today + timedelta(days=max(ENDING_NOTICES))
    ending = session.exec(
        select(Award)
        .where(Award.status == AwardStatus.active, col(Award.end_date) >= today, col(Award.end_date) <= horizon)
        .order_by(col(Award.id))
    ).all()
    found = [
        events.NewEvent(
            type=EventType.award_ending,
            subject_type=award.kind.value,
            subject_id=award.id,
            department_id=award.department_id,
            award_id=award.id,
            payload={
                "award_id": award.id,
                "kind": award.kind.value,
                "number": award.number,
                "end_date": award.end_date.isoformat(),
                "days": notice,
                "days_left": (award.end_date - today).days,
            },
            once_key=f"award.ending:{award.id}:{notice}:{award.end_date.isoformat()}",
        )
        for award in ending
        for notice in ENDING_NOTICES
        # Only the nearest notice due: a contract found 50 days out gets the 60-day notice, not also the 120.
        if (award.end_date - today).days <= notice
        and not any((award.end_date - today).days <= n for n in ENDING_NOTICES if n < notice)
    ]
    events.record_all(session, found)
    return len(found)


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
        on_change=_on_change,
    )
