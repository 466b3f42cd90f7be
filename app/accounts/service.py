"""Sign-in, throttling, and the management of users and service accounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.audit import service as audit
from app.auth.dependencies import is_usable
from app.auth.models import (
    ServiceAccount,
    ServiceAccountCreate,
    SignInAttempt,
    User,
    UserCreate,
    UserDepartment,
    UserUpdate,
)
from app.auth.passwords import hash_secret, verify_secret
from app.auth.principal import SYSTEM, Principal
from app.auth.roles import Role
from app.awards.models import Award
from app.config import Settings
from app.db import utcnow
from app.departments.models import Department
from app.kit.preconditions import check_if_match
from app.kit.problems import AppError, Conflict, FieldError, Forbidden, InvalidInput, TooManyRequests
from app.vendors.models import Vendor

# A client address may fail more often than one account: many people can share an office NAT.
_ADDRESS_FACTOR = 4
_ACCOUNT_FACTOR = 4


class InvalidCredentials(AppError):
    status, slug, title = 401, "invalid-credentials", "Wrong credentials"

    def __init__(self) -> None:
        super().__init__(
            "the username/password or client id/secret is wrong, or the account is disabled",
            headers={"WWW-Authenticate": 'Bearer realm="results-tracker"'},
        )


# --- throttling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt, counted before its secret is checked."""

    id: int
    account: str
    address: str


def _limits(settings: Settings, *, account_wide: bool) -> list[tuple[str, int]]:
    """(what is counted, how many attempts it may have in the window).

    One account from one address gets the configured number; the account from anywhere 4 times that (so that
    whoever guesses from elsewhere cannot lock its owner out quickly), except a service account, which is never
    locked as a whole (its name is not a secret); one address over all accounts 4 times that (password spraying).
    """
    limits = [("pair", settings.signin_max_failures), ("address", settings.signin_max_failures * _ADDRESS_FACTOR)]
    if account_wide:
        limits.append(("account", settings.signin_max_failures * _ACCOUNT_FACTOR))
    return limits


def claim_attempt(
    session: Session, settings: Settings, identity: str, client_address: str | None, *, account_wide: bool
) -> Attempt:
    """Records the attempt and commits it before any secret is checked, then counts: parallel guesses all see
    each other, so no more than the limit are ever checked. A refused attempt is removed again (it was never
    checked, and hammering must not extend the lock), and answers 429 with Retry-After."""
    now = utcnow()
    window_start = now - timedelta(seconds=settings.signin_window_seconds)
    attempt = SignInAttempt(account=identity.lower(), address=client_address or "-", attempted_at=now)
    session.execute(delete(SignInAttempt).where(col(SignInAttempt.attempted_at) <= window_start))
    session.add(attempt)
    session.commit()
    assert attempt.id is not None
    counted = {
        "pair": (SignInAttempt.account == attempt.account, SignInAttempt.address == attempt.address),
        "account": (SignInAttempt.account == attempt.account,),
        "address": (SignInAttempt.address == attempt.address,),
    }
    for what, limit in _limits(settings, account_wide=account_wide):
        if what == "address" and client_address is None:
            continue
        count, oldest = session.exec(
            select(func.count(), func.min(SignInAttempt.attempted_at)).where(
                *counted[what], col(SignInAttempt.attempted_at) > window_start
            )
        ).one()
        if count > limit:
            session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt.id))  # type: ignore[arg-type]
            session.commit()
            oldest_at = oldest if isinstance(oldest, datetime) and oldest.tzinfo else _as_utc(oldest)
            retry_after = max(1, int((oldest_at - window_start).total_seconds()) + 1)
            raise TooManyRequests(
                "too many failed sign-ins; wait before trying again", headers={"Retry-After": str(retry_after)}
            )
    return Attempt(attempt.id, attempt.account, attempt.address)


def _as_utc(value: object) -> datetime:
    # func.min() on SQLite returns the raw column text, bypassing the column type.
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def succeeded(session: Session, attempt: Attempt) -> None:
    """The right secret: this attempt and the earlier failures on the account from the same address stop
    counting (failures from elsewhere still do)."""
    session.execute(
        delete(SignInAttempt).where(
            SignInAttempt.account == attempt.account,  # type: ignore[arg-type]
            SignInAttempt.address == attempt.address,  # type: ignore[arg-type]
        )
    )
    session.commit()


# --- sign-in ---------------------------------------------------------------------------------------


def authenticate_user(
    session: Session, settings: Settings, *, email: str, password: str, client_address: str | None
) -> User:
    attempt = claim_attempt(session, settings, email, client_address, account_wide=True)
    user = session.exec(select(User).where(User.email == email.lower())).first()
    if not verify_secret(user.password_hash if user else None, password) or user is None or not user.is_active:
        raise InvalidCredentials()
    succeeded(session, attempt)
    return user


def authenticate_client(
    session: Session, settings: Settings, *, client_id: str, client_secret: str, client_address: str | None
) -> ServiceAccount:
    attempt = claim_attempt(session, settings, client_id, client_address, account_wide=False)
    account = session.exec(select(ServiceAccount).where(ServiceAccount.client_id == client_id)).first()
    valid = verify_secret(account.secret_hash if account else None, client_secret)
    if not valid or account is None or not is_usable(account, utcnow()):
        raise InvalidCredentials()
    succeeded(session, attempt)
    return account


# --- users -----------------------------------------------------------------------------------------


def department_ids_of(session: Session, user_id: int) -> list[int]:
    return sorted(session.exec(select(UserDepartment.department_id).where(UserDepartment.user_id == user_id)).all())


def _check_departments(session: Session, department_ids: list[int]) -> None:
    known = set(session.exec(select(Department.id).where(col(Department.id).in_(department_ids))).all())
    unknown = sorted(set(department_ids) - known)
    if unknown:
        raise InvalidInput.on("body.department_ids", f"no department with id {unknown}", "unknown_reference")


def _within_actor_departments(actor: Principal, department_ids: list[int], *, field: str) -> None:
    """A department-limited administrator gives access only inside its own departments: never citywide (no
    departments at all), never another department, and so never lifts its own limit."""
    if actor.department_ids is None:
        return
    if not department_ids or not set(department_ids) <= actor.department_ids:
        raise Forbidden(
            "you are limited to some departments: the users you manage must be limited to them too",
            errors=[FieldError(field=field, message="outside the departments you manage", code="out_of_scope")],
        )


def _check_vendor_link(session: Session, *, role: Role, vendor_id: int | None, department_ids: list[int]) -> None:
    """A vendor's person is linked to exactly one vendor, and reaches it through that link, not departments;
    the city's own people are linked to no vendor."""
    if role != Role.vendor:
        if vendor_id is not None:
            raise InvalidInput.on("body.vendor_id", "only users with role vendor work for a vendor", "not_a_vendor")
        return
    if vendor_id is None:
        raise InvalidInput.on("body.vendor_id", "a user with role vendor needs the vendor they work for", "missing")
    if session.get(Vendor, vendor_id) is None:
        raise InvalidInput.on("body.vendor_id", f"no vendor with id {vendor_id}", "unknown_reference")
    if department_ids:
        raise InvalidInput.on(
            "body.department_ids", "a vendor's people see their vendor's contracts; leave departments empty", "invalid"
        )


def _set_departments(session: Session, user_id: int, department_ids: list[int]) -> None:
    session.execute(delete(UserDepartment).where(col(UserDepartment.user_id) == user_id))
    for department_id in sorted(set(department_ids)):
        session.add(UserDepartment(user_id=user_id, department_id=department_id))


def create_user(session: Session, *, actor: Principal, data: UserCreate) -> User:
    if data.role != Role.vendor:  # a vendor's person has no departments: only citywide admins create one
        _within_actor_departments(actor, data.department_ids, field="body.department_ids")
    elif actor.department_ids is not None:
        raise Forbidden("you are limited to some departments; only a citywide admin links people to a vendor")
    _check_departments(session, data.department_ids)
    _check_vendor_link(session, role=data.role, vendor_id=data.vendor_id, department_ids=data.department_ids)
    if session.exec(select(User.id).where(User.email == data.email)).first() is not None:
        raise Conflict(f"a user with email {data.email} already exists")
    user = User(
        email=data.email,
        full_name=data.full_name,
        role=data.role,
        password_hash=hash_secret(data.password),
        vendor_id=data.vendor_id,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a user with email {data.email} already exists") from None
    assert user.id is not None
    _set_departments(session, user.id, data.department_ids)
    audit.record(
        session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="create",
        changes=audit.diff({}, _user_snapshot(user, data.department_ids)),
    )
    session.commit()
    session.refresh(user)
    return user


def update_user(session: Session, *, actor: Principal, user: User, data: UserUpdate, if_match: str | None) -> User:
    check_if_match(user, if_match, required=True)
    assert user.id is not None
    changes = data.model_dump(exclude_unset=True)
    _keep_an_admin(session, user, changes)
    current_departments = department_ids_of(session, user.id)
    if user.role == Role.vendor and actor.department_ids is not None:
        raise Forbidden("you are limited to some departments; only a citywide admin manages a vendor's people")
    _within_actor_departments(actor, current_departments, field="path.id")  # someone the actor may manage
    if {"role", "vendor_id", "department_ids"} & changes.keys():
        role = changes.get("role") or user.role
        _check_vendor_link(
            session,
            role=role,
            vendor_id=changes.get("vendor_id", user.vendor_id if role == Role.vendor else None),
            department_ids=changes.get("department_ids") or current_departments,
        )
        if role != Role.vendor:
            user.vendor_id = None
        elif "vendor_id" in changes:
            user.vendor_id = changes["vendor_id"]
    before = _user_snapshot(user, current_departments)
    if "department_ids" in changes:
        _within_actor_departments(actor, changes["department_ids"] or [], field="body.department_ids")
        _check_departments(session, changes["department_ids"])
        _set_departments(session, user.id, changes["department_ids"])
    if changes.get("password"):
        user.password_hash = hash_secret(changes["password"])
        user.password_changed_at = utcnow()
        user.token_generation += 1  # every token issued before now stops working
    for field in ("full_name", "role", "is_active"):
        if field in changes:
            setattr(user, field, changes[field])
    user.version += 1
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    after = _user_snapshot(user, department_ids_of(session, user.id))
    changed = audit.diff(before, after)
    if "password" in changes:
        changed["password"] = ["***", "***"]  # that it changed, never what it was
    audit.record(session, actor=actor, entity="user", entity_id=user.id, action="update", changes=changed)
    session.commit()
    session.refresh(user)
    return user


def _keep_an_admin(session: Session, user: User, changes: dict[str, object]) -> None:
    """Refuses to demote or deactivate the last active admin: nobody could manage users any more."""
    demoted = "role" in changes and changes["role"] != Role.admin
    deactivated = changes.get("is_active") is False
    if user.role != Role.admin or not (demoted or deactivated):
        return
    others = session.exec(
        select(func.count()).where(User.role == Role.admin, User.is_active == True, User.id != user.id)  # noqa: E712
    ).one()
    if not others:
        raise Conflict("this is the last active admin; make someone else admin first")


def _user_snapshot(user: User, department_ids: list[int]) -> dict[str, object]:
    private = {"password_hash", "password_changed_at", "token_generation", "created_at", "updated_at", "version"}
    return user.model_dump(exclude=private) | {"department_ids": sorted(department_ids)}


def ensure_first_admin(session: Session, settings: Settings) -> User | None:
    """Creates the first admin from RDC_FIRST_ADMIN_EMAIL / _PASSWORD when set and absent."""
    if not (settings.first_admin_email and settings.first_admin_password):
        return None
    email = settings.first_admin_email.lower()
    existing = session.exec(select(User).where(User.email == email)).first()
    if existing is not None:
        return existing
    try:
        return create_user(
            session,
            actor=SYSTEM,
            data=UserCreate(
                email=email,
                full_name="Administrator",
                role=Role.admin,
                password=settings.first_admin_password,
            ),
        )
    except Conflict:  # another worker created it at the same moment
        session.rollback()
        return session.exec(select(User).where(User.email == email)).first()


# --- service accounts ------------------------------------------------------------------------------


def create_service_account(
    session: Session, *, actor: Principal, data: ServiceAccountCreate
) -> tuple[ServiceAccount, str]:
    """The new account and its secret, which is returned this once and stored only as a hash."""
    _within_actor_departments(actor, data.department_ids, field="body.department_ids")
    _check_departments(session, data.department_ids)
    if data.vendor_id is not None and session.get(Vendor, data.vendor_id) is None:
        raise InvalidInput.on("body.vendor_id", f"no vendor with id {data.vendor_id}", "unknown_reference")
    _check_awards(session, data.award_ids)
    secret = secrets.token_urlsafe(32)
    account = ServiceAccount(
        name=data.name,
        client_id="rdc_" + secrets.token_hex(12),
        secret_hash=hash_secret(secret),
        scopes=sorted(scope.value for scope in data.scopes),
        expires_at=utcnow() + timedelta(days=data.expires_in_days),
        department_ids=sorted(set(data.department_ids)),
        vendor_id=data.vendor_id,
        award_ids=sorted(set(data.award_ids)),
    )
    session.add(account)
    session.flush()
    audit.record_creation(
        session,
        actor=actor,
        entity="service_account",
        created=account,
        fields={"name", "client_id", "scopes", "expires_at", "department_ids", "vendor_id", "award_ids"},
    )
    session.commit()
    session.refresh(account)
    return account, secret


def _check_awards(session: Session, award_ids: list[int]) -> None:
    known = set(session.exec(select(Award.id).where(col(Award.id).in_(award_ids))).all()) if award_ids else set()
    unknown = sorted(set(award_ids) - known)
    if unknown:
        raise InvalidInput.on("body.award_ids", f"no contract or grant with id {unknown}", "unknown_reference")


def revoke_service_account(session: Session, *, actor: Principal, account: ServiceAccount) -> ServiceAccount:
    if account.revoked_at is None:
        assert account.id is not None
        account.revoked_at = utcnow()
        account.version += 1
        session.add(account)
        audit.record(
            session,
            actor=actor,
            entity="service_account",
            entity_id=account.id,
            action="update",
            changes={"revoked_at": [None, account.revoked_at.isoformat()]},
        )
        session.commit()
        session.refresh(account)
    return account
