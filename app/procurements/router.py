from fastapi import APIRouter

from app.kit.routes import mount_crud
from app.procurements.service import procurement_resource

router = APIRouter(tags=["procurements"])
mount_crud(router, procurement_resource(), "/procurements")
