"""Awards: signed contracts and grants. One table, told apart by `kind`, served as /contracts and /grants.

For a grant, `vendor_id` is the grantee.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import Money, choice
from app.kit.fields import MAX_INT_ID, Day, MoneyAmount
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class AwardKind(StrEnum):
    contract = "contract"
    grant = "grant"


class AwardStatus(StrEnum):
    draft = "draft"
    active = "active"
    completed = "completed"
    terminated = "terminated"


class AwardFields(SQLModel):
    number: str = Field(
        min_length=1,
        max_length=60,
        schema_extra={"pattern": r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"},
        description="e.g. 'C-2026-0142'",
    )
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    vendor_id: int = Field(
        ge=1,
        le=MAX_INT_ID,
        foreign_key="vendor.id",
        index=True,
        description="Vendor, or grantee for grants",
    )
    department_id: int = Field(ge=1, le=MAX_INT_ID, foreign_key="department.id", index=True)
    procurement_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="procurement.id", index=True)
    value: MoneyAmount = Field(ge=0, max_digits=18, decimal_places=2, sa_type=Money())
    currency: str = Field(default="USD", schema_extra={"pattern": r"^[A-Z]{3}$"}, max_length=3)
    start_date: Day
    end_date: Day
    status: AwardStatus = Field(default=AwardStatus.draft, sa_type=choice(AwardStatus))
    contract_manager_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID, foreign_key="app_user.id", index=True)
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        schema_extra={"pattern": r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"},
        description="The ERP's own key; unique among contracts (or among grants)",
    )


class Award(AwardFields, TableBase, table=True):
    __table_args__ = (
        UniqueConstraint("kind", "external_id", name="uq_award_kind_external_id"),
        UniqueConstraint("kind", "number", name="uq_award_kind_number"),
    )

    kind: AwardKind = Field(sa_type=choice(AwardKind), index=True)


class AwardCreate(AwardFields):
    model_config = STRICT

    def field_problems(self) -> list[tuple[str, str]]:
        if self.end_date < self.start_date:
            return [("end_date", "is before start_date")]
        return []


AwardUpdate = partial_model(AwardCreate, "AwardUpdate")


class AwardPublic(AwardFields, RecordPublic):
    kind: AwardKind


class AwardQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the title or number")
    department_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    vendor_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    procurement_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    contract_manager_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    status: AwardStatus | None = None
    external_id: str | None = Field(default=None, max_length=100)
    number: str | None = Field(default=None, max_length=60)
