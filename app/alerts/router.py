"""The alert list for contract managers, and the alert lifecycle: open -> acknowledged -> resolved."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from app.alerts import service
from app.alerts.models import AlertKind, AlertStatus, Severity
from app.auth.dependencies import SessionDep, can
from app.auth.roles import Action
from app.kit.fields import MAX_INT_ID, Instant
from app.kit.pagination import Page, PageQuery
from app.kit.params import ERRORS, WRITE_ERRORS, OptionalIfMatch, RecordId
from app.kit.preconditions import etag

router = APIRouter(tags=["alerts"])


class AlertPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    metric_id: int
    award_id: int
    kind: AlertKind
    severity: Severity
    status: AlertStatus
    summary: str
    assignee_id: int | None
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str | None
    version: int


class AlertEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    occurred_at: datetime
    actor: str
    event: str
    from_severity: str | None
    to_severity: str | None
    note: str | None


class AlertDetail(AlertPublic):
    history: list[AlertEventPublic]


class AlertQuery(PageQuery):
    status: list[AlertStatus] | None = Field(default=None, description="Default: open and acknowledged")
    kind: AlertKind | None = None
    severity: Severity | None = None
    department_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    vendor_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    contract_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    grant_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    award_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    metric_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    assignee: Literal["me"] | Annotated[str, Field(pattern=r"^[1-9][0-9]{0,9}$")] | None = Field(
        default=None, description="`me` or a user id"
    )
    opened_since: Instant | None = None


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=1, max_length=2000)


class OptionalNoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=2000)


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    assignee_id: int | None = Field(ge=1, le=MAX_INT_ID)


@router.get(
    "/alerts",
    response_model=Page[AlertPublic],
    responses=ERRORS,
    name="list_alerts",
    summary="Alerts, most severe first, then oldest first",
)
def list_alerts(
    session: SessionDep, principal: can("alerts", Action.read), query: Annotated[AlertQuery, Query()]
) -> Any:  # type: ignore[valid-type]
    rows, total = service.search(session, principal=principal, filters=query)
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}


@router.get(
    "/alerts/{id}", response_model=AlertDetail, responses=ERRORS, name="read_alert", summary="An alert with its history"
)
def read_alert(session: SessionDep, principal: can("alerts", Action.read), id: RecordId, response: Response) -> Any:  # type: ignore[valid-type]
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    response.headers["ETag"] = etag(alert)
    return AlertDetail.model_validate(
        AlertPublic.model_validate(alert).model_dump() | {"history": service.events(session, id)}
    )


@router.post(
    "/alerts/{id}/acknowledge",
    response_model=AlertPublic,
    responses=WRITE_ERRORS,
    name="acknowledge_alert",
    summary="Acknowledge an open alert",
)
def acknowledge(
    session: SessionDep,
    principal: can("alerts", Action.write),
    id: RecordId,  # type: ignore[valid-type]
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
    summary="Resolve an alert, with a note saying how",
)
def resolve(
    session: SessionDep,
    principal: can("alerts", Action.write),
    id: RecordId,
    body: NoteBody,  # type: ignore[valid-type]
    if_match: OptionalIfMatch = None,
) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    return service.resolve(session, principal=principal, alert=alert, note=body.note, if_match=if_match)


@router.post(
    "/alerts/{id}/reopen",
    response_model=AlertPublic,
    responses=WRITE_ERRORS,
    name="reopen_alert",
    summary="Reopen a resolved alert",
)
def reopen(
    session: SessionDep,
    principal: can("alerts", Action.write),
    id: RecordId,
    body: NoteBody,  # type: ignore[valid-type]
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
    principal: can("alerts", Action.write),
    id: RecordId,
    body: AssignBody,  # type: ignore[valid-type]
    if_match: OptionalIfMatch = None,
) -> Any:
    alert = service.visible_alert(session, principal=principal, alert_id=id)
    return service.assign(session, principal=principal, alert=alert, assignee_id=body.assignee_id, if_match=if_match)
