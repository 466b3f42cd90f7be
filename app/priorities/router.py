from fastapi import APIRouter

from app.kit.routes import mount_crud
from app.priorities.service import priority_resource

router = APIRouter(tags=["priorities"])
mount_crud(router, priority_resource(), "/priorities")
