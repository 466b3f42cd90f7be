"""The alert list for contract managers, and the alert lifecycle: open -> acknowledged -> resolved."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from app.alerts import service
from app.alerts.schemas import (
    AlertDetail,
    AlertPublic,
    AlertQuery,
    AssignBody,
    NoteBody,
    OptionalNoteBody,
    ResolveBody,
)
from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.db import SessionDep, utcnow
from app.kit.pagination import Page
from app.kit.params import ERRORS, WRITE_ERRORS, OptionalIfMatch, RecordId
from app.kit.preconditions import etag

router = APIRouter(tags=["alerts"])

AlertsReader = Annotated[Principal, Depends(Authorize("alerts", Action.read))]
AlertsWriter = Annotated[Principal, Depends(Authorize("alerts", Action.write))]


@router.get(
    "/alerts",
    response_model=Page[AlertPublic],
    responses=ERRORS,
    name="list_alerts",
    summary="Alerts, most severe first, then oldest first",
)
def list_alerts(session: SessionDep, principal: AlertsReader, query: Annotated[AlertQuery, Query()]) -> Any:
    rows, total = service.search(session, principal=principal, filters=query)
    items = service.shown_to(session, principal=principal, alerts=rows)
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


@router.get(
    "/alerts/{id}",
    response_model=AlertDetail,
    responses=ERRORS,
    name="read_alert",
    summary="An alert with its history and the dialogue with the vendor about it",
)
def read_alert(session: SessionDep, principal: AlertsReader, id: RecordId, response: Response) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    response.headers["ETag"] = etag(alert)
    [shown] = service.shown_to(session, principal=principal, alerts=[alert])
    return shown | {
        "history": service.history(session, principal=principal, alert_id=id),
        "conversation": service.conversation(session, alert_id=id, today=utcnow().date()),
    }


@router.post(
    "/alerts/{id}/acknowledge",
    response_model=AlertPublic,
    responses=WRITE_ERRORS,
    name="acknowledge_alert",
    summary="Acknowledge an open alert",
)
def acknowledge(
    session: SessionDep,
    principal: AlertsWriter,
    id: RecordId,
    body: OptionalNoteBody | None = None,
    if_match: OptionalIfMatch = None,
) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    return service.acknowledge(
        session, principal=principal, alert=alert, note=body.note if body else None, if_match=if_match
    )


@router.post(
    "/alerts/{id}/resolve",
    response_model=AlertPublic,
    responses=WRITE_ERRORS,
    name="resolve_alert",
    summary="Resolve an alert, with its outcome (resolved, partly_resolved, not_resolved) and a note saying how",
)
def resolve(
    session: SessionDep,
    principal: AlertsWriter,
    id: RecordId,
    body: ResolveBody,
    if_match: OptionalIfMatch = None,
) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    return service.resolve(
        session, principal=principal, alert=alert, note=body.note, outcome=body.outcome, if_match=if_match
    )


@router.post(
    "/alerts/{id}/reopen",
    response_model=AlertPublic,
    responses=WRITE_ERRORS,
    name="reopen_alert",
    summary="Reopen a resolved alert",
)
def reopen(
    session: SessionDep,
    principal: AlertsWriter,
    id: RecordId,
    body: NoteBody,
    if_match: OptionalIfMatch = None,
) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    return service.reopen(session, principal=principal, alert=alert, note=body.note, if_match=if_match)


@router.post(
    "/alerts/{id}/assign",
    response_model=AlertPublic,
    responses=WRITE_ERRORS,
    name="assign_alert",
    summary="Assign an alert to a user (null to unassign)",
)
def assign(
    session: SessionDep,
    principal: AlertsWriter,
    id: RecordId,
    body: AssignBody,
    if_match: OptionalIfMatch = None,
) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    return service.assign(session, principal=principal, alert=alert, assignee_id=body.assignee_id, if_match=if_match)
