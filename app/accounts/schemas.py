"""Request and response schemas of sign-in and user management (the tables' own schemas are in app.auth.models)."""

from typing import Literal

from pydantic import BaseModel, Field

from app.auth.roles import Role
from app.kit.pagination import PageQuery


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")
    scope: str | None = None


class UserQuery(PageQuery):
    role: Role | None = None
    is_active: bool | None = None
