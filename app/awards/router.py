from fastapi import APIRouter

from app.awards.models import AwardKind
from app.awards.service import award_resource
from app.records.routes import mount_crud

router = APIRouter()
contracts = APIRouter(tags=["contracts"])
grants = APIRouter(tags=["grants"])
mount_crud(contracts, award_resource(AwardKind.contract), "/contracts")
mount_crud(grants, award_resource(AwardKind.grant), "/grants")
router.include_router(contracts)
router.include_router(grants)
