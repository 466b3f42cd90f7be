"""A declarative description of a CRUD resource, read by the generic service and router."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, MetaData, Select, select
from sqlmodel import Session, SQLModel

from app.auth.principal import Principal, Reach
from app.kit.models import TableBase
from app.kit.pagination import ListQuery

# Given what a principal may reach (departments, a vendor, some contracts), a SQL condition selecting the records
# they may see. Only called for a principal that is not citywide.
ReachScope = Callable[[Reach], ColumnElement[bool]]


def awards_within(reach: Reach, column: str = "id") -> Select[Any]:
    """`column` of the contracts and grants a vendor or contract limit lets through. By table name: the award
    table lives on a floor above the callers (departments, vendors, the events feed)."""
    awards = SQLModel.metadata.tables["award"]
    limits: list[ColumnElement[bool]] = []
    if reach.vendor_id is not None:
        limits.append(awards.c.vendor_id == reach.vendor_id)
    if reach.award_ids is not None:
        limits.append(awards.c.id.in_(sorted(reach.award_ids)))
    return select(awards.c[column]).where(*limits)


# The table class a resource reads and writes: every one has id, version, created_at and updated_at.
M = TypeVar("M", bound=TableBase)


@dataclass(frozen=True)
class Reference:
    """A foreign key in the payload that must name an existing (and, if scoped, visible) record."""

    field: str
    model: type[TableBase]
    label: str
    scope: ReachScope | None = None


@dataclass(frozen=True)
class Dependent:
    """Records that point at this one; deleting while any exist is a 409.

    Named by table, not by model class: the tables that point at a record usually belong to packages above
    it (a department's contracts), which it must not import. The name is resolved through the metadata.
    """

    table: str
    column: str
    label: str

    def column_in(self, metadata: MetaData) -> ColumnElement[Any]:
        return metadata.tables[self.table].c[self.column]


@dataclass(frozen=True)
class Resource(Generic[M]):
    name: str  # entity name in audit entries and messages, e.g. "contract"
    area: str  # permission area in the role matrix, e.g. "contracts"
    model: type[M]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    public_schema: type[BaseModel]
    query_schema: type[ListQuery]
    sortable: tuple[str, ...] = ("id", "created_at", "updated_at")
    search_columns: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"kind": "contract"}
    references: tuple[Reference, ...] = ()
    dependents: tuple[Dependent, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    scope: ReachScope | None = None  # None: visible to everyone who may read the area
    # False where a new record can never lie in a caller's departments (a department itself): only citywide
    # callers may create one.
    scoped_callers_create: bool = True
    # Domain rules that need the database, run on the merged record before it is written.
    check: Callable[[Session, M], None] | None = None
    # Runs in the writer's transaction after a create or update is flushed, before the commit: the place to
    # queue work that depends on the record (e.g. re-evaluating statuses), so that it commits with the change.
    # Runs in the writer's transaction after a create (`before` None) or a real update (`before` = the old values).
    on_change: Callable[[Session, M, dict[str, Any] | None], None] | None = None
    # Rules that depend on the caller, and values derived from others: given the caller, the record (None on a
    # create) and the values asked for (None on a delete), returns the values to write, or raises (403, 422).
    prepare: Callable[[Session, Principal, M | None, dict[str, Any] | None], dict[str, Any]] | None = None
    # Query parameters that are not plain column equality, e.g. `overdue=true`.
    custom_filters: Mapping[str, Callable[[Any], ColumnElement[bool]]] = field(default_factory=dict)
