from fastapi import APIRouter

from app.kit.routes import mount_crud
from app.vendors.service import vendor_resource

router = APIRouter(tags=["vendors"])
mount_crud(router, vendor_resource(), "/vendors")
