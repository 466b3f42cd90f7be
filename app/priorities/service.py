from __future__ import annotations

from app.priorities.models import Priority, PriorityCreate, PriorityPublic, PriorityQuery, PriorityUpdate
from app.records.resource import Dependent, Resource


def priority_resource() -> Resource:
    return Resource(
        name="priority",
        area="priorities",
        model=Priority,
        create_schema=PriorityCreate,
        update_schema=PriorityUpdate,
        public_schema=PriorityPublic,
        query_schema=PriorityQuery,
        sortable=("id", "code", "title", "target_year", "created_at", "updated_at"),
        search_columns=("title",),
        unique=(("code",),),
        dependents=(Dependent("goal", "priority_id", "goals"),),
    )
