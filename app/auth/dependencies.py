"""FastAPI dependencies: who is calling (`CurrentPrincipal`) and may they do this (`Authorize`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session, SQLModel, select

from app.auth.models import ServiceAccount, User, UserDepartment
from app.auth.principal import Principal, PrincipalKind, Reach, service_account_principal
from app.auth.roles import Action, Role
from app.auth.tokens import InvalidToken, unverified_issuer, verify, verify_external
from app.config import Settings, SettingsDep
from app.db import SessionDep, utcnow
from app.kit.problems import Forbidden, NotFound, Unauthenticated
from app.kit.route_cache import RouteCache

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def current_principal(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(_bearer)]
) -> Principal:
    if not token:
        raise Unauthenticated("send a bearer token from POST /api/v1/auth/token")
    try:
        if settings.idp_issuer and unverified_issuer(token) == settings.idp_issuer:
            return _external_principal(session, settings, verify_external(settings, token))
        claims = verify(settings, token)
    except InvalidToken:
        raise Unauthenticated("the bearer token is invalid or expired") from None
    generation = claims.get("gen", 0)
    if not isinstance(generation, int):
        raise Unauthenticated("the bearer token is invalid or expired")
    return _local_principal(session, claims["sub"], generation=generation)


def _local_principal(session: Session, subject: str, *, generation: int) -> Principal:
    kind, _, raw_id = subject.partition(":")
    if not raw_id.isdigit():
        raise Unauthenticated("the bearer token names an unknown subject")
    principal_id = int(raw_id)
    if kind == PrincipalKind.user:
        user = session.get(User, principal_id)
        if user is None or not user.is_active:
            raise Unauthenticated("the account is disabled")
        if generation != user.token_generation:
            raise Unauthenticated("the password was changed after this token was issued; sign in again")
        departments = session.exec(select(UserDepartment.department_id).where(UserDepartment.user_id == user.id)).all()
        return Principal(
            kind=PrincipalKind.user,
            id=user.id,
            name=user.email,
            role=user.role,
            reach=Reach(department_ids=frozenset(departments) if departments else None, vendor_id=user.vendor_id),
        )
    if kind == PrincipalKind.service_account:
        account = session.get(ServiceAccount, principal_id)
        if account is None or not is_usable(account, utcnow()):
            raise Unauthenticated("the service account is revoked or expired")
        return service_account_principal(account)
    raise Unauthenticated("the bearer token names an unknown subject")


def _external_principal(session: Session, settings: Settings, claims: dict[str, object]) -> Principal:
    try:
        role = Role(str(claims.get(settings.idp_role_claim)))
    except ValueError:
        raise Unauthenticated(f"the identity provider's token has no valid {settings.idp_role_claim}") from None
    if role == Role.integration:
        raise Unauthenticated("integrations sign in with client credentials")
    if role == Role.vendor:  # a vendor's people are linked to their vendor here, which a claim cannot do
        raise Unauthenticated("vendors sign in with an account of this service, not the city's identity provider")
    return Principal(
        kind=PrincipalKind.external,
        id=None,
        name=str(claims["sub"]),
        role=role,
        reach=Reach(department_ids=_claimed_departments(session, claims.get(settings.idp_department_claim))),
    )


def _claimed_departments(session: Session, claim: object) -> frozenset[int] | None:
    """The ids of the departments an identity provider's claim names by code; None without the claim."""
    if claim is None:
        return None
    if isinstance(claim, str):
        codes = {code for code in claim.replace(",", " ").split() if code}
    elif isinstance(claim, list) and all(isinstance(code, str) for code in claim):
        codes = set(claim)
    else:
        raise Unauthenticated("the identity provider's department claim is not a list of department codes")
    departments = SQLModel.metadata.tables["department"]
    found = session.connection().execute(select(departments.c.id).where(departments.c.code.in_(sorted(codes))))
    ids = frozenset(int(row.id) for row in found)
    if not ids:  # limited to departments this city does not have: nothing to see, rather than everything
        raise Unauthenticated("the identity provider's token names no department known here")
    return ids


def is_usable(account: ServiceAccount, now: datetime) -> bool:
    return account.revoked_at is None and account.expires_at > now


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class Authorize:
    """Dependency enforcing one cell of the role x operation matrix (`app.auth.roles.MATRIX`)."""

    def __init__(self, area: str, action: Action) -> None:
        self.area = area
        self.action = action

    def __call__(self, principal: CurrentPrincipal) -> Principal:
        if not principal.can(self.area, self.action):
            if principal.is_vendor:  # the city's own work does not exist, as far as a vendor can tell
                raise NotFound("not found")
            raise Forbidden(f"role {principal.role.value} may not {self.action.value} {self.area}")
        return principal


_signs_in: RouteCache[bool] = RouteCache()


def sign_in_missing(request: Request) -> Unauthenticated | None:
    """401 for a request without a bearer token to a route that needs one; None otherwise."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or request.headers.get("authorization", "").lower().startswith("bearer "):
        return None
    if not _signs_in.get(route, lambda: _needs_principal(dependant)):
        return None
    return Unauthenticated("send a bearer token from POST /api/v1/auth/token")


def _needs_principal(dependant: Dependant) -> bool:
    pending = [dependant]
    while pending:
        current = pending.pop()
        if current.call is current_principal:
            return True
        pending.extend(current.dependencies)
    return False
