"""`/webhooks`: endpoints, their secrets, their delivery log and replays. Thin: the services do the work."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.db import SessionDep
from app.kit.pagination import Page, PageQuery
from app.kit.params import ERRORS, WRITE_ERRORS, IfMatch, OptionalIfMatch, RecordId
from app.kit.preconditions import etag
from app.webhooks import endpoints, service
from app.webhooks.schemas import (
    DeliveryPublic,
    DeliveryQuery,
    EndpointCreate,
    EndpointPublic,
    EndpointUpdate,
    EndpointWithSecret,
    ReplayBody,
    ReplayResult,
    RotateBody,
)

router = APIRouter(tags=["webhooks"])

WebhooksReader = Annotated[Principal, Depends(Authorize("webhooks", Action.read))]
WebhooksWriter = Annotated[Principal, Depends(Authorize("webhooks", Action.write))]


@router.post(
    "/webhooks",
    response_model=EndpointWithSecret,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="create_webhook",
    summary="Register a webhook endpoint (its signing secret is shown in this answer only)",
)
def create_webhook(
    session: SessionDep, principal: WebhooksWriter, body: EndpointCreate, request: Request, response: Response
) -> Any:
    endpoint, secret = endpoints.create(session, principal=principal, data=body)
    response.headers["ETag"] = etag(endpoint)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{endpoint.id}"
    return EndpointPublic.model_validate(endpoint).model_dump() | {"secret": secret}


@router.get(
    "/webhooks",
    response_model=Page[EndpointPublic],
    responses=ERRORS,
    name="list_webhooks",
    summary="Webhook endpoints the caller may see",
)
def list_webhooks(session: SessionDep, principal: WebhooksReader, query: Annotated[PageQuery, Query()]) -> Any:
    rows, total = endpoints.list_endpoints(session, principal=principal, limit=query.limit, offset=query.offset)
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}


@router.get(
    "/webhooks/{id}", response_model=EndpointPublic, responses=ERRORS, name="read_webhook", summary="A webhook endpoint"
)
def read_webhook(session: SessionDep, principal: WebhooksReader, id: RecordId, response: Response) -> Any:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    response.headers["ETag"] = etag(endpoint)
    return endpoint


@router.patch(
    "/webhooks/{id}",
    response_model=EndpointPublic,
    responses=WRITE_ERRORS,
    name="update_webhook",
    summary="Change a webhook endpoint (If-Match required); `active: true` re-enables a disabled one",
)
def update_webhook(
    session: SessionDep,
    principal: WebhooksWriter,
    id: RecordId,
    body: EndpointUpdate,
    response: Response,
    if_match: IfMatch,
) -> Any:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    updated = endpoints.update(session, principal=principal, endpoint=endpoint, patch=body, if_match=if_match)
    response.headers["ETag"] = etag(updated)
    return updated


@router.delete(
    "/webhooks/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    name="delete_webhook",
    summary="Remove a webhook endpoint and its delivery log",
)
def delete_webhook(
    session: SessionDep, principal: WebhooksWriter, id: RecordId, if_match: OptionalIfMatch = None
) -> None:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    endpoints.delete(session, principal=principal, endpoint=endpoint, if_match=if_match)


@router.post(
    "/webhooks/{id}/rotate-secret",
    response_model=EndpointWithSecret,
    responses=WRITE_ERRORS,
    name="rotate_webhook_secret",
    summary="Issue a new signing secret; the old one keeps signing alongside it for the overlap",
)
def rotate_webhook_secret(
    session: SessionDep,
    principal: WebhooksWriter,
    id: RecordId,
    response: Response,
    body: RotateBody | None = None,
    if_match: OptionalIfMatch = None,
) -> Any:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    overlap = timedelta(hours=(body or RotateBody()).overlap_hours)
    rotated, secret = endpoints.rotate_secret(
        session, principal=principal, endpoint=endpoint, overlap=overlap, if_match=if_match
    )
    response.headers["ETag"] = etag(rotated)
    return EndpointPublic.model_validate(rotated).model_dump() | {"secret": secret}


@router.get(
    "/webhooks/{id}/deliveries",
    response_model=Page[DeliveryPublic],
    responses=ERRORS,
    name="list_webhook_deliveries",
    summary="The endpoint's delivery log, newest first, with each delivery's attempts",
)
def list_webhook_deliveries(
    session: SessionDep, principal: WebhooksReader, id: RecordId, query: Annotated[DeliveryQuery, Query()]
) -> Any:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    rows, total = service.deliveries(
        session, endpoint=endpoint, status=query.status, limit=query.limit, offset=query.offset
    )
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}


@router.post(
    "/webhooks/{id}/deliveries/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReplayResult,
    responses=WRITE_ERRORS,
    name="replay_webhook_delivery",
    summary="Send one delivery again (same `webhook-id`)",
)
def replay_webhook_delivery(session: SessionDep, principal: WebhooksWriter, id: RecordId, delivery_id: RecordId) -> Any:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    service.replay_delivery(session, principal=principal, endpoint=endpoint, delivery_id=delivery_id)
    return ReplayResult(queued=1)


@router.post(
    "/webhooks/{id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReplayResult,
    responses=WRITE_ERRORS,
    name="replay_webhook_since",
    summary="Send again every delivery of events since an instant (same `webhook-id`s)",
)
def replay_webhook_since(session: SessionDep, principal: WebhooksWriter, id: RecordId, body: ReplayBody) -> Any:
    endpoint = endpoints.visible_endpoint(session, principal=principal, endpoint_id=id)
    queued = service.replay_since(session, principal=principal, endpoint=endpoint, since=body.since)
    return ReplayResult(queued=queued)
