"""Sign-in (`/auth/token`), users and service accounts."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlmodel import col, select

from app.accounts import service
from app.accounts.schemas import TokenResponse, UserQuery
from app.auth import tokens
from app.auth.dependencies import Authorize
from app.auth.models import (
    ServiceAccount,
    ServiceAccountCreate,
    ServiceAccountPublic,
    ServiceAccountWithSecret,
    User,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.auth.principal import Principal, PrincipalKind
from app.auth.roles import Action, Role
from app.config import SettingsDep
from app.db import SessionDep
from app.kit.pagination import Page, PageQuery, paginate
from app.kit.params import ERRORS, WRITE_ERRORS, IfMatch, RecordId
from app.kit.preconditions import etag
from app.kit.problems import InvalidInput, NotFound, Problem

router = APIRouter(tags=["auth"])

UsersReader = Annotated[Principal, Depends(Authorize("users", Action.read))]
UsersWriter = Annotated[Principal, Depends(Authorize("users", Action.write))]
ServiceAccountsReader = Annotated[Principal, Depends(Authorize("service_accounts", Action.read))]
ServiceAccountsWriter = Annotated[Principal, Depends(Authorize("service_accounts", Action.write))]

_basic = HTTPBasic(auto_error=False)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    summary="Sign in: OAuth2 password grant (users) or client credentials grant (service accounts)",
    responses={code: {"model": Problem, "content": {"application/problem+json": {}}} for code in (401, 422, 429)},
    name="issue_token",
)
def issue_token(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[Literal["password", "client_credentials"], Form()],
    username: Annotated[str | None, Form(max_length=254)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    basic: Annotated[HTTPBasicCredentials | None, Depends(_basic)] = None,
) -> Any:
    response.headers["Cache-Control"] = "no-store"
    address = request.client.host if request.client else None
    if grant_type == "password":
        if not username or not password:
            raise InvalidInput.on("body.username", "the password grant needs username and password", "missing")
        user = service.authenticate_user(session, settings, email=username, password=password, client_address=address)
        issued = tokens.issue(
            settings,
            subject=f"{PrincipalKind.user.value}:{user.id}",
            role=user.role.value,
            generation=user.token_generation,
        )
        return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)
    if basic is not None:  # RFC 6749 2.3.1: client credentials may come as HTTP Basic
        client_id, client_secret = basic.username, basic.password
    if not client_id or not client_secret:
        raise InvalidInput.on(
            "body.client_id", "the client_credentials grant needs client_id and client_secret", "missing"
        )
    account = service.authenticate_client(
        session, settings, client_id=client_id, client_secret=client_secret, client_address=address
    )
    issued = tokens.issue(
        settings,
        subject=f"{PrincipalKind.service_account.value}:{account.id}",
        role=Role.integration.value,
        scopes=account.scopes,
    )
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in, scope=" ".join(account.scopes))


# --- users -----------------------------------------------------------------------------------------


def _user_public(session: SessionDep, user: User) -> UserPublic:
    assert user.id is not None
    return UserPublic.model_validate(
        user.model_dump() | {"department_ids": service.department_ids_of(session, user.id)}
    )


def _get_user(session: SessionDep, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


@router.get("/users", response_model=Page[UserPublic], responses=ERRORS, name="list_users", tags=["users"])
def list_users(
    session: SessionDep,
    _: UsersReader,
    query: Annotated[UserQuery, Query()],
) -> Any:
    statement = select(User)
    if query.role:
        statement = statement.where(User.role == query.role)
    if query.is_active is not None:
        statement = statement.where(User.is_active == query.is_active)
    users, total = paginate(session, statement, col(User.id), limit=query.limit, offset=query.offset)
    return {
        "items": [_user_public(session, u) for u in users],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="create_user",
    tags=["users"],
)
def create_user(
    session: SessionDep,
    actor: UsersWriter,
    body: UserCreate,
    response: Response,
) -> Any:
    user = service.create_user(session, actor=actor, data=body)
    response.headers["ETag"] = etag(user)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return _user_public(session, user)


@router.get("/users/{id}", response_model=UserPublic, responses=ERRORS, name="read_user", tags=["users"])
def read_user(session: SessionDep, _: UsersReader, id: RecordId, response: Response) -> Any:
    user = _get_user(session, id)
    response.headers["ETag"] = etag(user)
    return _user_public(session, user)


@router.patch("/users/{id}", response_model=UserPublic, responses=WRITE_ERRORS, name="update_user", tags=["users"])
def update_user(
    session: SessionDep,
    actor: UsersWriter,
    id: RecordId,
    body: UserUpdate,
    response: Response,
    if_match: IfMatch,
) -> Any:
    user = service.update_user(session, actor=actor, user=_get_user(session, id), data=body, if_match=if_match)
    response.headers["ETag"] = etag(user)
    return _user_public(session, user)


# --- service accounts ------------------------------------------------------------------------------


@router.get(
    "/service-accounts",
    response_model=Page[ServiceAccountPublic],
    responses=ERRORS,
    name="list_service_accounts",
    tags=["service accounts"],
)
def list_service_accounts(
    session: SessionDep,
    _: ServiceAccountsReader,
    query: Annotated[PageQuery, Query()],
) -> Any:
    rows, total = paginate(
        session, select(ServiceAccount), col(ServiceAccount.id), limit=query.limit, offset=query.offset
    )
    return {"items": rows, "total": total, "limit": query.limit, "offset": query.offset}


@router.post(
    "/service-accounts",
    response_model=ServiceAccountWithSecret,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    name="create_service_account",
    tags=["service accounts"],
)
def create_service_account(
    session: SessionDep,
    actor: ServiceAccountsWriter,
    body: ServiceAccountCreate,
) -> Any:
    account, secret = service.create_service_account(session, actor=actor, data=body)
    return ServiceAccountWithSecret.model_validate(account.model_dump() | {"client_secret": secret})


@router.post(
    "/service-accounts/{id}/revoke",
    response_model=ServiceAccountPublic,
    responses=WRITE_ERRORS,
    name="revoke_service_account",
    tags=["service accounts"],
)
def revoke_service_account(session: SessionDep, actor: ServiceAccountsWriter, id: RecordId) -> Any:
    account = session.get(ServiceAccount, id)
    if account is None:
        raise NotFound(f"service account {id} not found")
    return service.revoke_service_account(session, actor=actor, account=account)
