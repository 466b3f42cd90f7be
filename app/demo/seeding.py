"""What every part of the demo seed shares: the cast it has made so far, and how it writes through the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.accounts import service as accounts
from app.auth.models import ServiceAccount, User, UserCreate
from app.auth.principal import SYSTEM, Principal, PrincipalKind, Reach, service_account_principal
from app.auth.roles import Role
from app.records import crud
from app.records.resource import Resource

DEMO_PASSWORD = "demo-password-2026"


@dataclass
class Cast:
    """The records the seed has made, by the names the catalogue uses for them."""

    today: date
    departments: dict[str, int] = field(default_factory=dict)  # code -> id
    priorities: dict[str, int] = field(default_factory=dict)  # code -> id
    vendors: dict[str, int] = field(default_factory=dict)  # key -> id
    users: dict[str, User] = field(default_factory=dict)  # e-mail -> user
    accounts: dict[str, ServiceAccount] = field(default_factory=dict)  # key -> service account

    def user_id(self, email: str) -> int:
        user_id = self.users[email].id
        assert user_id is not None
        return user_id


def add(session: Session, resource: Resource, data: BaseModel, **extra: Any) -> Any:
    """Creates a record exactly as the API does (checks, audit entry, events), as the system administrator."""
    return crud.create_record(session, resource, principal=SYSTEM, data=data, extra=extra or None)


def add_person(session: Session, cast: Cast, data: UserCreate) -> User:
    cast.users[data.email] = accounts.create_user(session, actor=SYSTEM, data=data)
    return cast.users[data.email]


def person(session: Session, user: User) -> Principal:
    """The principal a signed-in user would be (as `app.auth.dependencies` builds it from a token)."""
    assert user.id is not None
    departments = accounts.department_ids_of(session, user.id)
    return Principal(
        kind=PrincipalKind.user,
        id=user.id,
        name=user.email,
        role=user.role,
        reach=Reach(department_ids=frozenset(departments) if departments else None, vendor_id=user.vendor_id),
    )


def machine(account: ServiceAccount) -> Principal:
    """The principal a service account signs in as."""
    return service_account_principal(account)


def vendor_people(session: Session) -> dict[int, User]:
    """The first person of each vendor (by id): who answers for the vendor and posts its readings."""
    found: dict[int, User] = {}
    for user in session.exec(select(User).where(User.role == Role.vendor).order_by(col(User.id))):
        if user.vendor_id is not None:
            found.setdefault(user.vendor_id, user)
    return found


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@contextmanager
def one_hash_for_the_demo_password() -> Iterator[None]:
    """Every demo person signs in with the same published password, and argon2 spends a quarter of a second of
    CPU on each hash on purpose: hashing it once instead of once per person is most of what keeps the seed
    within seconds. Only while seeding, and only for that password (service-account secrets are hashed anew)."""
    original = accounts.hash_secret
    hashed = original(DEMO_PASSWORD)

    def hash_once(secret: str) -> str:
        return hashed if secret == DEMO_PASSWORD else original(secret)

    accounts.hash_secret = hash_once
    try:
        yield
    finally:
        accounts.hash_secret = original
