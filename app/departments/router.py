from fastapi import APIRouter

from app.departments.service import department_resource
from app.records.routes import mount_crud

router = APIRouter(tags=["departments"])
mount_crud(router, department_resource(), "/departments")
