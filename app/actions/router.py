"""Action items: listed and added per contract or grant, read and changed by id."""

from fastapi import APIRouter

from app.actions.service import action_item_resource
from app.awards.models import AwardKind
from app.awards.service import award_owner_fields, award_resource
from app.records.routes import mount_children, mount_crud

router = APIRouter(tags=["meetings and action items"])
action_items = action_item_resource()


for _kind in AwardKind:
    mount_children(
        router,
        parent=award_resource(_kind),
        parent_path=f"/{_kind.value}s",
        child=action_items,
        child_path="action-items",
        owner_fields=award_owner_fields,
    )

mount_crud(router, action_items, "/action-items", with_create=False)
