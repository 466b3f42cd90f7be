"""SQL helpers that keep big batches to one bound parameter, on both databases."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, String, any_, bindparam, column, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeEngine

_ARRAY_TYPES: dict[type, TypeEngine[Any]] = {int: Integer(), str: String(), date: Date()}


def in_values(target: Any, values: Collection[Any], *, dialect: str) -> ColumnElement[bool]:
    """`target IN values` as a single parameter: `= ANY(array)` on PostgreSQL, `json_each` on SQLite.

    A long literal IN list costs a bound parameter per value (and compile time per parameter); this
    costs one, however many values there are.
    """
    ordered = sorted(values)
    if dialect == "postgresql":
        element = type(ordered[0]) if ordered else int
        return target == any_(bindparam(None, ordered, type_=ARRAY(_ARRAY_TYPES[element])))
    encoded = json.dumps([v.isoformat() if isinstance(v, date) else v for v in ordered])
    members = select(column("value")).select_from(func.json_each(bindparam(None, encoded, type_=String())))  # type: ignore[var-annotated]
    return target.in_(members)
