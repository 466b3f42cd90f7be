from fastapi import APIRouter

from app.priorities.service import priority_resource
from app.records.routes import mount_crud

router = APIRouter(tags=["priorities"])
mount_crud(router, priority_resource(), "/priorities")
