"""Response schemas of the metric endpoints that are not a metric record (those are in app.metrics.models)."""

from pydantic import BaseModel

from app.goals.models import GoalPublic


class CarryOverResult(BaseModel):
    created: list[GoalPublic]
    already_carried: list[int]
