from fastapi import APIRouter

from app.procurements.service import procurement_resource
from app.records.routes import mount_crud

router = APIRouter(tags=["procurements"])
mount_crud(router, procurement_resource(), "/procurements")
