from __future__ import annotations

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import col

from app.auth.principal import Reach
from app.records.resource import Dependent, Resource, awards_within
from app.vendors.models import Vendor, VendorCreate, VendorPublic, VendorQuery, VendorUpdate


def vendor_scope(reach: Reach) -> ColumnElement[bool]:
    """Vendors are the city's shared catalogue; a caller limited to one vendor, or to some contracts and grants,
    sees only the vendors it works with."""
    conditions: list[ColumnElement[bool]] = []
    if reach.vendor_id is not None:
        conditions.append(col(Vendor.id) == reach.vendor_id)
    if reach.award_ids is not None:  # the award table is a floor above
        conditions.append(col(Vendor.id).in_(awards_within(reach, "vendor_id")))
    return and_(true(), *conditions)


def vendor_resource() -> Resource:
    return Resource(
        name="vendor",
        area="vendors",
        model=Vendor,
        create_schema=VendorCreate,
        update_schema=VendorUpdate,
        public_schema=VendorPublic,
        query_schema=VendorQuery,
        sortable=("id", "legal_name", "created_at", "updated_at"),
        search_columns=("legal_name",),
        unique=(("identifier",),),
        dependents=(Dependent("award", "vendor_id", "contracts or grants"),),
        scope=vendor_scope,
    )
