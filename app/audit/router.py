from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.audit import service
from app.audit.models import AuditEntryPublic
from app.audit.schemas import AuditQuery
from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.db import SessionDep
from app.kit.pagination import Page
from app.kit.params import ERRORS

router = APIRouter(tags=["audit"])

AuditReader = Annotated[Principal, Depends(Authorize("audit", Action.read))]


@router.get(
    "/audit",
    response_model=Page[AuditEntryPublic],
    responses=ERRORS,
    name="list_audit_entries",
    summary="The audit log, newest first",
)
def list_audit_entries(
    session: SessionDep,
    _: AuditReader,
    query: Annotated[AuditQuery, Query()],
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
