from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlmodel import select

from app.awards.models import Award
from app.goals.models import Goal, GoalCreate, GoalPublic, GoalQuery, GoalUpdate
from app.priorities.models import Priority
from app.procurements.models import Procurement
from app.records.resource import Dependent, Reference, Resource


def owned_by_departments(
    award_id: ColumnElement[int | None],
    procurement_id: ColumnElement[int | None],
    departments: frozenset[int],
) -> ColumnElement[bool]:
    """Records (goals, metrics) whose contract/grant or procurement belongs to one of `departments`."""
    return or_(
        award_id.in_(select(Award.id).where(Award.department_id.in_(departments))),  # type: ignore[attr-defined]
        procurement_id.in_(select(Procurement.id).where(Procurement.department_id.in_(departments))),  # type: ignore[attr-defined]
    )


def goal_scope(departments: frozenset[int]) -> ColumnElement[bool]:
    return owned_by_departments(Goal.award_id, Goal.procurement_id, departments)  # type: ignore[arg-type]


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
