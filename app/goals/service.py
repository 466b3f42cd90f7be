from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlmodel import select

from app.auth.principal import Reach
from app.awards.models import Award
from app.awards.service import award_scope
from app.goals.models import Goal, GoalCreate, GoalPublic, GoalQuery, GoalUpdate
from app.priorities.models import Priority
from app.procurements.models import Procurement
from app.procurements.service import procurement_scope
from app.records.resource import Dependent, Reference, Resource


def owned_within(
    award_id: ColumnElement[int | None],
    procurement_id: ColumnElement[int | None],
    reach: Reach,
) -> ColumnElement[bool]:
    """Records (goals, metrics) whose contract/grant or procurement lies within `reach`."""
    owned_by_award = award_id.in_(select(Award.id).where(award_scope(reach)))
    if reach.by_award:
        return owned_by_award
    return or_(owned_by_award, procurement_id.in_(select(Procurement.id).where(procurement_scope(reach))))


def goal_scope(reach: Reach) -> ColumnElement[bool]:
    return owned_within(Goal.award_id, Goal.procurement_id, reach)  # type: ignore[arg-type]


def goal_resource() -> Resource:
    return Resource(
        name="goal",
        area="goals",
        model=Goal,
        create_schema=GoalCreate,
        update_schema=GoalUpdate,
        public_schema=GoalPublic,
        query_schema=GoalQuery,
        sortable=("id", "title", "created_at", "updated_at"),
        search_columns=("title",),
        references=(Reference("priority_id", Priority, "priority"),),
        dependents=(
            Dependent("metric", "goal_id", "metrics"),
            Dependent("goal", "source_goal_id", "copies carried over into contracts or grants"),
        ),
        scope=goal_scope,
    )
