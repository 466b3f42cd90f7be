from typing import Any

from fastapi import APIRouter

from app.goals.service import goal_resource
from app.metrics.service import metric_resource
from app.records.routes import mount_children, mount_crud

router = APIRouter(tags=["metrics"])
metrics = metric_resource()


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
