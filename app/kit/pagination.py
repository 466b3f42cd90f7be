"""Capped offset pagination and sorting shared by every list endpoint."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, func
from sqlmodel import Session, select

MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000

T = TypeVar("T")


class PageQuery(BaseModel):
    """Query parameters every list accepts; lists extend it with their own filters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE, description=f"Page size, at most {MAX_PAGE_SIZE}")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


class ListQuery(PageQuery):
    """A page of a list the client may sort; see `kit.routes.sortable_query` for the published field list."""

    sort: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^-?[a-z_]+(,-?[a-z_]+)*$",
        description="Comma-separated fields, `-` for descending, e.g. `-created_at,title`",
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Number of matching records across all pages")
    limit: int
    offset: int


def paginate(
    session: Session, statement: Select[Any], *order_by: Any, limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of `statement` in the given order, and how many rows match in all."""
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(*order_by).offset(offset).limit(limit)).all()  # type: ignore[call-overload]
    return list(rows), int(total)
