"""Corrective action plans on an alert: proposed by either side, agreed or rejected by the city."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import Session

from app.actions.models import ActionItemPublic
from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.db import SessionDep
from app.kit.pagination import Page
from app.kit.params import ERRORS, WRITE_ERRORS, IfMatch, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.plans import service
from app.plans.models import CorrectivePlan
from app.plans.schemas import DecisionBody, PlanCreate, PlanDetail, PlanPublic, PlanQuery, PlanUpdate, StepCreate

router = APIRouter(tags=["corrective action plans"])

PlanReader = Annotated[Principal, Depends(Authorize("plans", Action.read))]
PlanWriter = Annotated[Principal, Depends(Authorize("plans", Action.write))]
PlanDecider = Annotated[Principal, Depends(Authorize("plan_decisions", Action.write))]


def _detailed(session: Session, plans: list[CorrectivePlan]) -> list[dict[str, Any]]:
    steps = service.steps_of(session, [plan.id for plan in plans if plan.id is not None])
    return [
        PlanPublic.model_validate(plan).model_dump()
        | {"steps": [ActionItemPublic.model_validate(item) for item in steps[plan.id or 0]]}
        for plan in plans
    ]


def _one(session: Session, plan: CorrectivePlan, response: Response) -> dict[str, Any]:
    response.headers["ETag"] = etag(plan)
    [detail] = _detailed(session, [plan])
    return detail


@router.post(
    "/alerts/{id}/plans",
    response_model=PlanDetail,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="propose_plan",
    summary="Propose a corrective action plan for an alert; its steps become action items",
)
def propose(
    session: SessionDep, principal: PlanWriter, id: RecordId, body: PlanCreate, request: Request, response: Response
) -> Any:
    plan = service.propose(session, principal=principal, alert_id=id, data=body)
    response.headers["Location"] = request.url_for("read_plan", id=plan.id).path
    return _one(session, plan, response)


@router.get(
    "/plans",
    response_model=Page[PlanDetail],
    responses=ERRORS,
    name="list_plans",
    summary="Corrective action plans, oldest first, with their steps",
)
def list_plans(session: SessionDep, principal: PlanReader, query: Annotated[PlanQuery, Query()]) -> Any:
    rows, total = service.search(session, principal=principal, query=query)
    return {"items": _detailed(session, rows), "total": total, "limit": query.limit, "offset": query.offset}


@router.get(
    "/plans/{id}", response_model=PlanDetail, responses=ERRORS, name="read_plan", summary="A plan and its steps"
)
def read_plan(session: SessionDep, principal: PlanReader, id: RecordId, response: Response) -> Any:
    return _one(session, service.visible_plan(session, principal=principal, plan_id=id), response)


@router.patch(
    "/plans/{id}",
    response_model=PlanDetail,
    responses=WRITE_ERRORS,
    name="update_plan",
    summary="Change a proposed plan's title or description (If-Match required)",
)
def update_plan(
    session: SessionDep, principal: PlanWriter, id: RecordId, body: PlanUpdate, if_match: IfMatch, response: Response
) -> Any:
    plan = service.update(session, principal=principal, plan_id=id, data=body, if_match=if_match)
    return _one(session, plan, response)


@router.post(
    "/plans/{id}/steps",
    response_model=ActionItemPublic,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="add_plan_step",
    summary="Add a step (an action item) to a proposed or agreed plan",
)
def add_step(
    session: SessionDep, principal: PlanWriter, id: RecordId, body: StepCreate, request: Request, response: Response
) -> Any:
    step = service.add_step(session, principal=principal, plan_id=id, data=body)
    response.headers["ETag"] = etag(step)
    response.headers["Location"] = request.url_for("read_action_item", id=step.id).path
    return step


@router.post(
    "/plans/{id}/agree",
    response_model=PlanDetail,
    responses=WRITE_ERRORS,
    name="agree_plan",
    summary="Agree a proposed plan (the city)",
)
def agree(
    session: SessionDep,
    principal: PlanDecider,
    id: RecordId,
    response: Response,
    body: DecisionBody | None = None,
    if_match: OptionalIfMatch = None,
) -> Any:
    note = body.note if body else None
    plan = service.agree(session, principal=principal, plan_id=id, note=note, if_match=if_match)
    return _one(session, plan, response)


@router.post(
    "/plans/{id}/reject",
    response_model=PlanDetail,
    responses=WRITE_ERRORS,
    name="reject_plan",
    summary="Reject a proposed plan (the city); its open steps are cancelled",
)
def reject(
    session: SessionDep,
    principal: PlanDecider,
    id: RecordId,
    response: Response,
    body: DecisionBody | None = None,
    if_match: OptionalIfMatch = None,
) -> Any:
    note = body.note if body else None
    plan = service.reject(session, principal=principal, plan_id=id, note=note, if_match=if_match)
    return _one(session, plan, response)
