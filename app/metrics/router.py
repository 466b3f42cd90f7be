from typing import Annotated, Any

from fastapi import APIRouter, Depends

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.db import SessionDep
from app.goals.service import goal_resource
from app.kit.params import WRITE_ERRORS, RecordId
from app.metrics.carry_over import carry_over_goals
from app.metrics.schemas import CarryOverResult
from app.metrics.service import metric_resource
from app.records import crud
from app.records.routes import mount_children, mount_crud

router = APIRouter(tags=["metrics"])
# Carrying goals over copies metrics too, so it lives here; it is published with the goals.
carry_over_router = APIRouter(tags=["goals"])
metrics = metric_resource()

GoalsWriter = Annotated[Principal, Depends(Authorize("goals", Action.write))]


def _owned_by_goal(goal: Any) -> dict[str, Any]:
    return {"goal_id": goal.id, "award_id": goal.award_id, "procurement_id": goal.procurement_id}


mount_children(
    router,
    parent=goal_resource(),
    parent_path="/goals",
    child=metrics,
    child_path="metrics",
    owner_fields=_owned_by_goal,
)
mount_crud(router, metrics, "/metrics", with_create=False)


def _mount_carry_over(kind: AwardKind) -> None:
    awards = award_resource(kind)

    def carry_over(session: SessionDep, principal: GoalsWriter, id: RecordId) -> Any:
        award = crud.get_record(session, awards, principal=principal, record_id=id)
        created, already = carry_over_goals(session, principal=principal, award=award)
        return {"created": created, "already_carried": already}

    carry_over_router.add_api_route(
        f"/{kind.value}s/{{id}}/goals/carry-over",
        carry_over,
        methods=["POST"],
        response_model=CarryOverResult,
        summary=f"Carry the procurement's goals and metrics into this {kind.value}",
        description="Copies goals not carried before; repeating the call creates nothing new.",
        responses=WRITE_ERRORS,
        name=f"carry_over_{kind.value}_goals",
    )


for _kind in AwardKind:
    _mount_carry_over(_kind)
