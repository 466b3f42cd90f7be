"""Did the actions work? Before-and-after on a plan or action item, reports on an alert, a contract or grant, and
rollups per vendor and department; everything within the caller's reach (404 outside it)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.config import SettingsDep
from app.db import SessionDep
from app.effectiveness import service
from app.effectiveness.schemas import EffectivenessOut, EffectivenessReport
from app.kit.params import ERRORS, RecordId
from app.records import crud

router = APIRouter(tags=["action effectiveness"])
EffectivenessReader = Annotated[Principal, Depends(Authorize("effectiveness", Action.read))]

_ONE = "the same number of periods on each side (up to 6), the completion's own period left out"


@router.get(
    "/plans/{id}/effectiveness",
    response_model=EffectivenessOut,
    responses=ERRORS,
    name="read_plan_effectiveness",
    summary=f"Did a completed plan move its metric: shortfall and trend before and after, {_ONE}",
)
def plan_effectiveness(session: SessionDep, settings: SettingsDep, principal: EffectivenessReader, id: RecordId) -> Any:
    return service.of_plan(
        session, principal=principal, plan_id=id, fiscal_start_month=settings.fiscal_year_start_month
    )


@router.get(
    "/action-items/{id}/effectiveness",
    response_model=EffectivenessOut,
    responses=ERRORS,
    name="read_action_item_effectiveness",
    summary=f"Did a completed action item move its metric: shortfall and trend before and after, {_ONE}",
)
def action_item_effectiveness(
    session: SessionDep, settings: SettingsDep, principal: EffectivenessReader, id: RecordId
) -> Any:
    return service.of_action_item(
        session, principal=principal, item_id=id, fiscal_start_month=settings.fiscal_year_start_month
    )


@router.get(
    "/alerts/{id}/effectiveness",
    response_model=EffectivenessReport,
    responses=ERRORS,
    name="read_alert_effectiveness",
    summary="The effectiveness of an alert's completed plans and action items",
)
def alert_effectiveness(
    session: SessionDep, settings: SettingsDep, principal: EffectivenessReader, id: RecordId
) -> Any:
    return service.of_alert(
        session, principal=principal, alert_id=id, fiscal_start_month=settings.fiscal_year_start_month
    )


def _mount_award_effectiveness(kind: AwardKind) -> None:
    awards = award_resource(kind)

    def award_effectiveness(
        session: SessionDep, settings: SettingsDep, principal: EffectivenessReader, id: RecordId
    ) -> Any:
        award = crud.get_record(session, awards, principal=principal, record_id=id)
        return service.of_award(
            session, principal=principal, award=award, fiscal_start_month=settings.fiscal_year_start_month
        )

    router.add_api_route(
        f"/{kind.value}s/{{id}}/effectiveness",
        award_effectiveness,
        methods=["GET"],
        response_model=EffectivenessReport,
        responses=ERRORS,
        name=f"read_{kind.value}_effectiveness",
        summary=f"The effectiveness of a {kind.value}'s completed plans and action items",
    )


for _kind in AwardKind:
    _mount_award_effectiveness(_kind)


@router.get(
    "/vendors/{id}/effectiveness",
    response_model=EffectivenessReport,
    responses=ERRORS,
    name="read_vendor_effectiveness",
    summary="Rollup over a vendor's contracts and grants, e.g. '4 of 6 plans improved their metric'",
)
def vendor_effectiveness(
    session: SessionDep, settings: SettingsDep, principal: EffectivenessReader, id: RecordId
) -> Any:
    return service.of_vendor(
        session, principal=principal, vendor_id=id, fiscal_start_month=settings.fiscal_year_start_month
    )


@router.get(
    "/departments/{id}/effectiveness",
    response_model=EffectivenessReport,
    responses=ERRORS,
    name="read_department_effectiveness",
    summary="Rollup over a department's contracts and grants, e.g. '4 of 6 plans improved their metric'",
)
def department_effectiveness(
    session: SessionDep, settings: SettingsDep, principal: EffectivenessReader, id: RecordId
) -> Any:
    return service.of_department(
        session, principal=principal, department_id=id, fiscal_start_month=settings.fiscal_year_start_month
    )
