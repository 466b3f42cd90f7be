from fastapi import APIRouter

from app.records.routes import mount_crud
from app.vendors.service import vendor_resource

router = APIRouter(tags=["vendors"])
mount_crud(router, vendor_resource(), "/vendors")
