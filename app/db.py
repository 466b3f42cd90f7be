"""Engine, sessions and the two column types every table uses: exact decimals and UTC timestamps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import BigInteger, DateTime, Engine, Numeric, create_engine, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Session

from app.config import get_settings


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite would silently drop the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        if value.tzinfo is not UTC:  # most values are already UTC: skip the conversion (hot in batch writes)
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC on PostgreSQL, a scaled 64-bit integer on SQLite.

    SQLite has no decimal type and would store NUMERIC as a float; a scaled integer keeps values exact
    and still sorts and compares correctly in SQL.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 6) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        return int(exact * self._factor) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return _read_exact(value, self.scale, dialect.name == "sqlite")

    def __repr__(self) -> str:
        return f"ExactDecimal(precision={self.precision}, scale={self.scale})"


@lru_cache(maxsize=65_536)
def _read_exact(value: Any, scale: int, scaled_integer: bool) -> Decimal:
    """A stored value as the API shows it. Cached: a batch reads the same bounds and values thousands of times,
    and Decimals are immutable (equal inputs give equal outputs, so sharing them is safe)."""
    exact = Decimal(int(value)).scaleb(-scale) if scaled_integer else Decimal(value)
    if scale <= 2:
        return exact.quantize(Decimal(1).scaleb(-scale))  # money keeps its cents: 12.50
    return _trimmed(exact)  # measurements read naturally: 81.5, not 81.500000


def _trimmed(value: Decimal) -> Decimal:
    trimmed = value.normalize()
    return trimmed.quantize(Decimal(1)) if trimmed.as_tuple().exponent > 0 else trimmed  # type: ignore[operator]


def Money() -> ExactDecimal:
    return ExactDecimal(precision=18, scale=2)


def make_engine(url: str, *, statement_timeout_seconds: float = 30.0) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=_json_dumps,
            hide_parameters=True,  # errors in logs must not carry the values (tokens, notes, personal data)
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    timeout_ms = int(statement_timeout_seconds * 1000)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"options": f"-c statement_timeout={timeout_ms} -c timezone=UTC", "connect_timeout": 10},
        hide_parameters=True,
        json_serializer=_json_dumps,
    )


def _json_dumps(value: Any) -> str:
    # Decimals and dates inside JSON columns are stored as their exact string forms.
    return json.dumps(value, default=_exact_text)


def _exact_text(value: Any) -> str:
    # Plain notation for decimals: 8e1 is stored as "80", never "8E+1".
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; use Python's, as PostgreSQL folds every letter (search).
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(settings.database_url, statement_timeout_seconds=settings.statement_timeout_seconds)


def get_session() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


# A request's session, for endpoint signatures.
SessionDep = Annotated[Session, Depends(get_session)]


def begin_write(session: Session) -> None:
    """SQLite: takes the database's write lock now, so that rows read next cannot change before they are written.

    (PostgreSQL needs nothing here: its writers lock the rows they touch.)"""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def choice(enum: type[StrEnum]) -> SAEnum:
    """An enum column stored as plain text (portable; new members need no database type change)."""
    return SAEnum(enum, native_enum=False, create_constraint=False, length=30, values_callable=_enum_values)


def _enum_values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
