"""Request and response bodies of the notifications API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.kit.fields import MAX_INT_ID
from app.kit.pagination import PageQuery
from app.notifications.models import Delivery, FollowTarget, NotificationKind


class NotificationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: NotificationKind
    title: str
    body: str
    link: str | None = Field(description="The object it is about (an API address)")
    event_type: str | None
    subject_type: str | None
    subject_id: int | None
    award_id: int | None
    delivery: Delivery = Field(description="How it was e-mailed (the recipient's setting when it was made)")
    created_at: datetime
    read_at: datetime | None


class NotificationQuery(PageQuery):
    unread: bool | None = Field(default=None, description="true: only unread; false: only read")


class ReadAllResult(BaseModel):
    marked: int = Field(description="How many notifications were marked read")


class KindSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NotificationKind
    delivery: Delivery


class KindSettingPublic(KindSetting):
    description: str
    is_default: bool


class NotificationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: list[KindSetting] = Field(
        max_length=len(NotificationKind),
        description="Each kind at most once; kinds left out go back to their default",
    )


class NotificationSettingsPublic(BaseModel):
    settings: list[KindSettingPublic]


class FollowCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_kind: FollowTarget
    target_id: int = Field(ge=1, le=MAX_INT_ID)


class FollowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    target_kind: FollowTarget
    target_id: int
    created_at: datetime


class Unsubscribed(BaseModel):
    kind: NotificationKind
    delivery: Delivery
    message: str
