from __future__ import annotations

from app.records.resource import Dependent, Resource
from app.vendors.models import Vendor, VendorCreate, VendorPublic, VendorQuery, VendorUpdate


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
    )
