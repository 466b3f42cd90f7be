"""Columns every table shares, and helpers for request schemas."""

from __future__ import annotations

from copy import copy
from datetime import datetime
from typing import Any

from pydantic import BaseModel, create_model
from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig

from app.db import UTCDateTime, utcnow


class TableBase(SQLModel):
    """Surrogate key, audit timestamps and the version that backs ETags / If-Match."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    version: int = Field(default=1, nullable=False)


class RecordPublic(SQLModel):
    id: int
    created_at: datetime
    updated_at: datetime
    version: int


STRICT = SQLModelConfig(extra="forbid", str_strip_whitespace=True)


def partial_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The PATCH twin of a create schema: every field optional, unknown fields rejected.

    A field left out is unchanged; an explicit null is only accepted where the create schema allows it,
    because the original annotation (and its constraints) is kept.
    """
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        optional = copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    return create_model(name, __config__=STRICT, **fields)
