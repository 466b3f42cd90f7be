from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from app.audit import service
from app.audit.models import AuditEntryPublic
from app.auth.dependencies import SessionDep, can
from app.auth.roles import Action
from app.kit.fields import MAX_INT_ID, Instant
from app.kit.pagination import Page, PageQuery
from app.kit.params import ERRORS

router = APIRouter(tags=["audit"])


class AuditQuery(PageQuery):
    entity: str | None = Field(default=None, max_length=60, description="e.g. contract, metric, user")
    entity_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    actor: str | None = Field(default=None, max_length=200, description="e.g. user:12, service_account:3")
    since: Instant | None = Field(default=None, description="Entries at or after this instant")
    until: Instant | None = Field(default=None, description="Entries before this instant")


@router.get(
    "/audit",
    response_model=Page[AuditEntryPublic],
    responses=ERRORS,
    name="list_audit_entries",
    summary="The audit log, newest first",
)
def list_audit_entries(
    session: SessionDep,
    _: can("audit", Action.read),
    query: Annotated[AuditQuery, Query()],  # type: ignore[valid-type]
) -> Any:
    rows, total = service.search(
        session,
        entity=query.entity,
        entity_id=query.entity_id,
        actor=query.actor,
        since=query.since,
        until=query.until,
        limit=query.limit,
        offset=query.offset,
    )
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}
