"""People and machines that sign in, and the record of failed sign-ins used for throttling."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, WithJsonSchema, field_validator
from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.auth.roles import Role, Scope
from app.db import UTCDateTime, choice
from app.kit.fields import NOT_BLANK, Email, Flag, RecordRef
from app.kit.models import STRICT, RecordPublic, TableBase

Id = int


class UserDepartment(SQLModel, table=True):
    __tablename__ = "user_department"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    department_id: int = Field(foreign_key="department.id", primary_key=True, ondelete="CASCADE")


class User(TableBase, table=True):
    __tablename__ = "app_user"

    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=200)
    role: Role = Field(sa_type=choice(Role))
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # Every token carries the generation it was issued in; a password change starts a new generation, so every
    # token issued before it is refused, however close in time (comparing instants would need sub-second iat).
    token_generation: int = Field(default=0, nullable=False, sa_column_kwargs={"server_default": "0"})
    # Set exactly for role `vendor`: the vendor this person works for.
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id", index=True)


# Integration is the role of service accounts; the published schema lists the roles a person may hold.
PERSON_ROLES = [role.value for role in Role if role != Role.integration]


def _person_role(role: Role) -> Role:
    if role == Role.integration:
        raise ValueError("integration is the role of service accounts, not users")
    return role


PersonRole = Annotated[Role, AfterValidator(_person_role), WithJsonSchema({"type": "string", "enum": PERSON_ROLES})]
# A password is taken exactly as typed: spaces count, but it may not be all spaces.
Password = Annotated[str, StringConstraints(strip_whitespace=False, pattern=NOT_BLANK)]


class UserCreate(SQLModel):
    model_config = STRICT

    email: Email = Field(max_length=254)
    full_name: str = Field(min_length=1, max_length=200)
    role: PersonRole
    password: Password = Field(min_length=12, max_length=256, description="At least 12 characters; stored hashed")
    department_ids: list[RecordRef] = Field(
        default_factory=list, max_length=100, description="Departments this user is limited to; empty = all"
    )
    vendor_id: RecordRef | None = Field(
        default=None, description="Required for role `vendor` (the vendor this person works for); only for it"
    )

    @field_validator("email")
    @classmethod
    def _lower(cls, email: str) -> str:
        return email.lower()


class UserUpdate(SQLModel):
    """Fields left out are unchanged; none of them may be set to null."""

    model_config = STRICT

    full_name: str = Field(default=None, min_length=1, max_length=200)
    role: PersonRole = Field(default=None)
    password: Password = Field(default=None, min_length=12, max_length=256)
    is_active: Flag = Field(default=None)
    department_ids: list[RecordRef] = Field(default=None, max_length=100)
    vendor_id: RecordRef | None = Field(default=None)


class UserPublic(RecordPublic):
    email: str
    full_name: str
    role: Role
    is_active: bool
    department_ids: list[int]
    vendor_id: int | None = None


class ServiceAccount(TableBase, table=True):
    __tablename__ = "service_account"

    name: str = Field(max_length=200)
    client_id: str = Field(max_length=64, unique=True, index=True)
    secret_hash: str = Field(max_length=255)
    scopes: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Its reach: each non-empty limit narrows what it may see and write (empty lists and null: no limit).
    department_ids: list[int] = Field(default_factory=list, sa_type=JSON, nullable=False)
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id", index=True)
    award_ids: list[int] = Field(default_factory=list, sa_type=JSON, nullable=False)


class ServiceAccountCreate(SQLModel):
    model_config = STRICT

    name: str = Field(min_length=1, max_length=200, description="e.g. 'Oracle ERP nightly feed'")
    scopes: list[Scope] = Field(min_length=1, max_length=10)
    expires_in_days: int = Field(default=365, ge=1, le=3650)
    department_ids: list[RecordRef] = Field(
        default_factory=list, max_length=100, description="Limit it to these departments; empty = no limit"
    )
    vendor_id: RecordRef | None = Field(default=None, description="Limit it to this vendor's contracts and grants")
    award_ids: list[RecordRef] = Field(
        default_factory=list, max_length=1000, description="Limit it to these contracts and grants; empty = no limit"
    )


class ServiceAccountPublic(RecordPublic):
    name: str
    client_id: str
    scopes: list[str]
    expires_at: datetime
    revoked_at: datetime | None
    department_ids: list[int] = Field(default_factory=list)
    vendor_id: int | None = None
    award_ids: list[int] = Field(default_factory=list)


class ServiceAccountWithSecret(ServiceAccountPublic):
    client_secret: str = Field(description="Shown once; only its hash is stored")


class SignInAttempt(SQLModel, table=True):
    """A sign-in attempt that counts against the limits until it succeeds (then it and the failures from the
    same address on the same account are deleted), inside a sliding window."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_account_at", "account", "attempted_at"),
        Index("ix_sign_in_attempt_address_at", "address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=254)  # the email or client id as typed, lower-cased
    address: str = Field(max_length=64)  # the client address, or "-" when unknown
    attempted_at: datetime = Field(sa_type=UTCDateTime)
