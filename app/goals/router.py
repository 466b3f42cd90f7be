from typing import Any

from fastapi import APIRouter

from app.awards.models import AwardKind
from app.awards.service import award_owner_fields, award_resource
from app.goals.service import goal_resource
from app.procurements.service import procurement_resource
from app.records.routes import mount_children, mount_crud

router = APIRouter(tags=["goals"])
goals = goal_resource()


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
    mount_children(
        router,
        parent=award_resource(kind),
        parent_path=f"/{kind.value}s",
        child=goals,
        child_path="goals",
        owner_fields=award_owner_fields,
    )


for _kind in AwardKind:
    _mount_award_goals(_kind)

mount_crud(router, goals, "/goals", with_create=False)
