"""Procurements: how the city goes to market (RFP, IFB, grant NOFO, ...) before it signs an award."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import Money, choice
from app.kit.fields import MAX_INT_ID, Day, MoneyAmount
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class ProcurementMethod(StrEnum):
    rfp = "rfp"
    rfq = "rfq"
    ifb = "ifb"
    sole_source = "sole_source"
    cooperative = "cooperative"
    grant_nofo = "grant_nofo"


class ProcurementStatus(StrEnum):
    planning = "planning"
    open = "open"
    evaluation = "evaluation"
    awarded = "awarded"
    cancelled = "cancelled"


class ProcurementFields(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    department_id: int = Field(ge=1, le=MAX_INT_ID, foreign_key="department.id", index=True)
    method: ProcurementMethod = Field(sa_type=choice(ProcurementMethod))
    status: ProcurementStatus = Field(default=ProcurementStatus.planning, sa_type=choice(ProcurementStatus))
    estimated_value: MoneyAmount | None = Field(default=None, ge=0, max_digits=18, decimal_places=2, sa_type=Money())
    currency: str = Field(default="USD", schema_extra={"pattern": r"^[A-Z]{3}$"}, max_length=3)
    release_date: Day | None = None
    response_due_date: Day | None = None
    expected_award_date: Day | None = None
    external_id: str | None = Field(
        default=None, min_length=1, max_length=100, schema_extra={"pattern": r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"}
    )


class Procurement(ProcurementFields, TableBase, table=True):
    external_id: str | None = Field(default=None, max_length=100, unique=True)


class ProcurementCreate(ProcurementFields):
    model_config = STRICT

    def field_problems(self) -> list[tuple[str, str]]:
        if self.release_date and self.response_due_date and self.response_due_date < self.release_date:
            return [("response_due_date", "is before release_date")]
        return []


ProcurementUpdate = partial_model(ProcurementCreate, "ProcurementUpdate")


class ProcurementPublic(ProcurementFields, RecordPublic):
    pass


class ProcurementQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the title")
    department_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    method: ProcurementMethod | None = None
    status: ProcurementStatus | None = None
    external_id: str | None = Field(default=None, max_length=100)
