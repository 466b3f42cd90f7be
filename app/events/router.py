"""`GET /events`: the changes feed for integrations, department-scoped like everything else."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.db import SessionDep
from app.events import service
from app.events.schemas import EventPage, EventPublic, EventQuery, EventTypeInfo
from app.events.types import DESCRIPTIONS, EventType
from app.kit.params import ERRORS

router = APIRouter(tags=["events"])

EventsReader = Annotated[Principal, Depends(Authorize("events", Action.read))]


@router.get(
    "/events",
    response_model=EventPage,
    responses=ERRORS,
    name="list_events",
    summary="The changes feed: events after a cursor, in commit order",
    description="Follow it by passing each page's `next` as `after`. Under concurrent writers no event is skipped "
    "or repeated: an event appears once every transaction that started before it has finished.",
)
def list_events(session: SessionDep, principal: EventsReader, query: Annotated[EventQuery, Query()]) -> Any:
    after = service.Cursor.parse(query.after) if query.after else service.START
    rows, next_cursor = service.feed(
        session,
        after=after,
        reach=principal.reach,
        types=[t.value for t in query.type],
        department_id=query.department_id,
        award_id=query.award_id,
        limit=query.limit,
    )
    items = [
        EventPublic(
            id=e.uid,
            type=EventType(e.type),
            occurred_at=e.occurred_at,
            department_id=e.department_id,
            award_id=e.award_id,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            data=e.payload,
            position=str(service.position(e)),
        )
        for e in rows
    ]
    return EventPage(items=items, next=str(next_cursor))


@router.get(
    "/events/types",
    response_model=list[EventTypeInfo],
    responses=ERRORS,
    name="list_event_types",
    summary="The published list of event types",
)
def list_event_types(principal: EventsReader) -> Any:
    return [EventTypeInfo(type=t, description=DESCRIPTIONS[t]) for t in EventType]
