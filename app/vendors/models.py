"""Vendors and grantees: who the city pays."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import choice
from app.kit.fields import Email, Flag
from app.kit.models import STRICT, RecordPublic, TableBase, partial_model
from app.kit.pagination import ListQuery


class IdentifierScheme(StrEnum):
    ein = "ein"  # US employer identification number (tax id)
    uei = "uei"  # SAM.gov unique entity identifier
    duns = "duns"
    vat = "vat"
    other = "other"


class VendorFields(SQLModel):
    legal_name: str = Field(min_length=1, max_length=300)
    identifier_scheme: IdentifierScheme = Field(default=IdentifierScheme.ein, sa_type=choice(IdentifierScheme))
    identifier: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        schema_extra={"pattern": r"^[A-Za-z0-9-]+$"},
        description="Tax id, UEI, ...",
    )
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: Email | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=40, schema_extra={"pattern": r"^[0-9+().\- x]+$"})
    address: str | None = Field(default=None, max_length=500)
    is_active: Flag = True


class Vendor(VendorFields, TableBase, table=True):
    legal_name: str = Field(max_length=300, index=True)
    identifier: str | None = Field(default=None, max_length=64, unique=True)
    contact_email: str | None = Field(default=None, max_length=254)


class VendorCreate(VendorFields):
    model_config = STRICT


VendorUpdate = partial_model(VendorCreate, "VendorUpdate")


class VendorPublic(VendorFields, RecordPublic):
    contact_email: str | None = None


class VendorQuery(ListQuery):
    q: str | None = Field(default=None, max_length=100, description="Text in the legal name")
    identifier: str | None = Field(default=None, max_length=64)
    is_active: bool | None = None
