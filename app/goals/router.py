from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from app.auth.dependencies import SessionDep
from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.goals.models import GoalPublic
from app.goals.service import carry_over_goals, goal_resource
from app.kit.params import WRITE_ERRORS, RecordId
from app.procurements.service import procurement_resource
from app.records import crud
from app.records.routes import mount_children, mount_crud, writer

router = APIRouter(tags=["goals"])
goals = goal_resource()


class CarryOverResult(BaseModel):
    created: list[GoalPublic]
    already_carried: list[int]


def _owned_by_award(award: Any) -> dict[str, Any]:
    return {"award_id": award.id}


def _owned_by_procurement(procurement: Any) -> dict[str, Any]:
    return {"procurement_id": procurement.id}


mount_children(
    router,
    parent=procurement_resource(),
    parent_path="/procurements",
    child=goals,
    child_path="goals",
    owner_fields=_owned_by_procurement,
)


def _mount_award_goals(kind: AwardKind) -> None:
    awards = award_resource(kind)
    path = f"/{kind.value}s"
    mount_children(
        router, parent=awards, parent_path=path, child=goals, child_path="goals", owner_fields=_owned_by_award
    )

    def carry_over(session: SessionDep, principal: writer(goals), id: RecordId) -> Any:  # type: ignore[valid-type]
        award = crud.get_record(session, awards, principal=principal, record_id=id)
        created, already = carry_over_goals(session, principal=principal, award=award)
        return {"created": created, "already_carried": already}

    router.add_api_route(
        f"{path}/{{id}}/goals/carry-over",
        carry_over,
        methods=["POST"],
        response_model=CarryOverResult,
        summary=f"Carry the procurement's goals and metrics into this {kind.value}",
        description="Copies goals not carried before; repeating the call creates nothing new.",
        responses=WRITE_ERRORS,
        name=f"carry_over_{kind.value}_goals",
    )


for _kind in AwardKind:
    _mount_award_goals(_kind)

mount_crud(router, goals, "/goals", with_create=False)
