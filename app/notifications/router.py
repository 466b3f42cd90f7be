"""Notifications API: the inbox, settings and follows of the signed-in user, and the unsubscribe link."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from app.auth.dependencies import Authorize
from app.auth.principal import Principal
from app.auth.roles import Action
from app.config import get_settings
from app.db import SessionDep, utcnow
from app.kit.pagination import Page
from app.kit.params import ERRORS, RecordId
from app.notifications import me
from app.notifications.models import Delivery
from app.notifications.render import KIND_LABELS
from app.notifications.schemas import (
    FollowCreate,
    FollowPublic,
    NotificationPublic,
    NotificationQuery,
    NotificationSettings,
    NotificationSettingsPublic,
    ReadAllResult,
    Unsubscribed,
)

router = APIRouter(tags=["notifications"])

Reader = Annotated[Principal, Depends(Authorize("notifications", Action.read))]
Writer = Annotated[Principal, Depends(Authorize("notifications", Action.write))]
Token = Annotated[str, Query(min_length=1, max_length=200, description="The token of an unsubscribe link")]


@router.get(
    "/notifications",
    response_model=Page[NotificationPublic],
    responses=ERRORS,
    name="list_notifications",
    summary="My notifications, newest first",
    description="The `X-Unread-Count` header tells how many are unread in all.",
)
def list_notifications(
    session: SessionDep, principal: Reader, query: Annotated[NotificationQuery, Query()], response: Response
) -> Any:
    user_id = me.user_id_of(principal)
    rows, total = me.inbox(session, user_id, unread=query.unread, limit=query.limit, offset=query.offset)
    response.headers["X-Unread-Count"] = str(me.unread_count(session, user_id))
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}


@router.post(
    "/notifications/read-all",
    response_model=ReadAllResult,
    responses=ERRORS,
    name="read_all_notifications",
    summary="Mark all my notifications read",
)
def read_all(session: SessionDep, principal: Writer) -> Any:
    return ReadAllResult(marked=me.mark_all_read(session, me.user_id_of(principal), utcnow()))


@router.post(
    "/notifications/{id}/read",
    response_model=NotificationPublic,
    responses=ERRORS,
    name="read_notification",
    summary="Mark one of my notifications read",
)
def read_one(session: SessionDep, principal: Writer, id: RecordId) -> Any:
    return me.mark_read(session, me.user_id_of(principal), id, utcnow())


def _unsubscribe(session: SessionDep, token: str) -> Unsubscribed:
    kind = me.unsubscribe_with(session, get_settings(), token, utcnow())
    message = f"You will no longer get e-mails for “{KIND_LABELS[kind]}”. Change this in your notification settings."
    return Unsubscribed(kind=kind, delivery=Delivery.never, message=message)


@router.get(
    "/notifications/unsubscribe",
    response_model=Unsubscribed,
    responses=ERRORS,
    name="unsubscribe",
    summary="Stop one kind of e-mail (the link in every e-mail; no sign-in, the token is the authority)",
)
def unsubscribe_link(session: SessionDep, token: Token) -> Any:
    return _unsubscribe(session, token)


@router.post(
    "/notifications/unsubscribe",
    response_model=Unsubscribed,
    responses=ERRORS,
    name="unsubscribe_one_click",
    summary="RFC 8058 one-click unsubscribe (what mail clients POST to the List-Unsubscribe address)",
)
def unsubscribe_one_click(session: SessionDep, token: Token) -> Any:
    return _unsubscribe(session, token)


@router.get(
    "/me/notification-settings",
    response_model=NotificationSettingsPublic,
    responses=ERRORS,
    name="read_notification_settings",
    summary="How I get each kind of notification",
)
def read_settings(session: SessionDep, principal: Reader) -> Any:
    return {"settings": me.settings_of(session, me.user_id_of(principal))}


@router.put(
    "/me/notification-settings",
    response_model=NotificationSettingsPublic,
    responses=ERRORS,
    name="replace_notification_settings",
    summary="Set how I get each kind of notification (kinds left out go back to their default)",
)
def replace_settings(session: SessionDep, principal: Writer, body: NotificationSettings) -> Any:
    user_id = me.user_id_of(principal)
    return {"settings": me.replace_settings(session, principal, user_id, body.settings, utcnow())}


@router.get(
    "/me/follows", response_model=list[FollowPublic], responses=ERRORS, name="list_follows", summary="What I follow"
)
def list_follows(session: SessionDep, principal: Reader) -> Any:
    return me.follows(session, me.user_id_of(principal))


@router.post(
    "/me/follows",
    response_model=FollowPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS | {200: {"model": FollowPublic, "description": "Already followed"}},
    name="follow",
    summary="Follow a contract, grant, vendor or department I can see",
)
def follow(session: SessionDep, principal: Writer, body: FollowCreate, response: Response) -> Any:
    row, created = me.follow(session, principal, me.user_id_of(principal), body.target_kind, body.target_id, utcnow())
    if not created:
        response.status_code = status.HTTP_200_OK
    return row


@router.delete(
    "/me/follows/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=ERRORS,
    name="unfollow",
    summary="Stop following",
)
def unfollow(session: SessionDep, principal: Writer, id: RecordId) -> Response:
    me.unfollow(session, principal, me.user_id_of(principal), id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
