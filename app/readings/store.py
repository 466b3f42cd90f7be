"""Writing classified readings. Two stores, one contract:

- `SqliteStore`: executemany statements, a few per batch (SQLite runs in-process: round trips are free).
- `PostgresStore`: COPY into a temporary staging table, then one set-based statement per step.

Both insert new readings with ON CONFLICT DO NOTHING (returning what they inserted), lock existing
readings before they are compared, and archive a reading's previous value before correcting it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, insert, text, update
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry
from app.auth.principal import Principal
from app.kit.request_context import request_id_var
from app.kit.sql import in_values
from app.readings.models import Reading, ReadingRevision
from app.readings.rules import MetricTarget
from app.readings.schemas import BatchItem

Key = tuple[int, date]  # (metric id, period start)
_AUDIT_COLUMNS = ("occurred_at", "actor", "actor_role", "entity", "entity_id", "action", "changes", "request_id")


@dataclass
class Candidate:
    """One valid incoming reading on its way to the database."""

    index: int
    item: BatchItem
    metric: MetricTarget
    period_start: date
    period_end: date
    reading_id: int | None = None
    previous_value: Decimal | None = None
    revision: int = 0
    provisional: bool = False  # its period has not ended yet (the item was marked provisional)

    @property
    def key(self) -> Key:
        return (self.metric.id, self.period_start)


class Store(Protocol):
    def stage(self, candidates: Sequence[Candidate]) -> None: ...
    def lock_existing(self, candidates: Sequence[Candidate]) -> dict[Key, tuple[int, Decimal, int]]: ...
    def insert_new(self, new: Sequence[Candidate], actor: str, now: datetime) -> list[Candidate]: ...
    def correct(self, corrections: Sequence[Candidate], actor: str, now: datetime) -> None: ...
    def audit(self, when: datetime, rows: list[tuple[Any, ...]]) -> None: ...


def store_for(session: Session) -> Store:
    if session.get_bind().dialect.name == "postgresql":
        return PostgresStore(session)
    return SqliteStore(session)


def _archive_previous_values(session: Session, reading_ids: list[int]) -> None:
    """Copies the current values of these readings into their revision history (before they change)."""
    table = Reading.__table__  # type: ignore[attr-defined]
    current = select(  # type: ignore[call-overload]
        table.c.id,
        table.c.revision,
        table.c.value,
        table.c.source,
        table.c.note,
        table.c.reason,
        table.c.provisional,
        table.c.recorded_by,
        table.c.updated_at,
    ).where(in_values(table.c.id, reading_ids, dialect=session.get_bind().dialect.name))
    columns = [
        "reading_id",
        "revision",
        "value",
        "source",
        "note",
        "reason",
        "provisional",
        "recorded_by",
        "recorded_at",
    ]
    session.execute(insert(ReadingRevision.__table__).from_select(columns, current))  # type: ignore[attr-defined]


# In the order of the rows `SqliteStore.insert_new` builds.
_READING_COLUMNS: tuple[str, ...] = ("metric_id", "period_start", "period_end", "value", "note", "source", "reason")
_READING_COLUMNS += ("provisional", "revision", "recorded_by", "created_at", "updated_at", "version")


def _to_db(connection: Connection, column: Any) -> Callable[[Any], Any]:
    """The column type's own conversion to the driver's value (identity where there is none)."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    return process or (lambda value: value)


class SqliteStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stage(self, candidates: Sequence[Candidate]) -> None:
        return None

    def lock_existing(self, candidates: Sequence[Candidate]) -> dict[Key, tuple[int, Decimal, int]]:
        found: dict[Key, tuple[int, Decimal, int]] = {}
        wanted = {c.key for c in candidates}
        dialect = self.session.get_bind().dialect.name
        rows = (
            self.session.connection()
            .execute(
                select(Reading.id, Reading.metric_id, Reading.period_start, Reading.value, Reading.revision)  # type: ignore[call-overload]
                .where(
                    in_values(Reading.metric_id, {metric_id for metric_id, _ in wanted}, dialect=dialect),
                    in_values(Reading.period_start, {start for _, start in wanted}, dialect=dialect),
                )
                .order_by(col(Reading.metric_id), col(Reading.period_start))  # one lock order for every request
                .with_for_update()
            )
            .all()
        )
        for reading_id, metric_id, period_start, value, revision in rows:
            if (metric_id, period_start) in wanted:
                found[(metric_id, period_start)] = (reading_id, value, revision)
        return found

    def insert_new(self, new: Sequence[Candidate], actor: str, now: datetime) -> list[Candidate]:
        """Inserts `new`; returns those another writer inserted first (none: SQLite has one writer at a time).

        The batch holds SQLite's write lock (BEGIN IMMEDIATE), so the rows past the highest id before the
        INSERT are exactly this batch's. Straight to the driver, with each column converted once per
        distinct value: SQLAlchemy's per-row parameter processing would cost several times the INSERT.
        """
        if not new:
            return []
        connection = self.session.connection()
        table = Reading.__table__  # type: ignore[attr-defined]
        day = functools.lru_cache(maxsize=None)(_to_db(connection, table.c.period_start))
        amount = _to_db(connection, table.c.value)
        stamp = _to_db(connection, table.c.created_at)(now)
        by_key = {(c.metric.id, day(c.period_start)): c for c in new}
        before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM reading").scalar_one()
        connection.exec_driver_sql(
            f"INSERT INTO reading ({', '.join(_READING_COLUMNS)}) VALUES ({', '.join('?' * len(_READING_COLUMNS))}) "
            "ON CONFLICT (metric_id, period_start) DO NOTHING",
            [
                (
                    c.metric.id,
                    day(c.period_start),
                    day(c.period_end),
                    amount(c.item.value),
                    c.item.note,
                    c.item.source.value,
                    c.item.reason,
                    c.provisional,
                    1,
                    actor,
                    stamp,
                    stamp,
                    1,
                )
                for c in new
            ],
        )
        inserted = connection.exec_driver_sql(
            "SELECT id, metric_id, period_start FROM reading WHERE id > ?", (before,)
        ).all()
        for reading_id, metric_id, period_start in inserted:
            candidate = by_key.pop((metric_id, period_start))
            candidate.reading_id = reading_id
        return list(by_key.values())

    def correct(self, corrections: Sequence[Candidate], actor: str, now: datetime) -> None:
        if not corrections:
            return
        _archive_previous_values(self.session, [c.reading_id for c in corrections if c.reading_id is not None])
        table = Reading.__table__  # type: ignore[attr-defined]
        statement = (
            update(table)
            .where(table.c.id == bindparam("reading_id"))
            .values(
                value=bindparam("new_value"),
                note=bindparam("new_note"),
                source=bindparam("new_source"),
                reason=bindparam("new_reason"),
                provisional=bindparam("new_provisional"),
                revision=table.c.revision + 1,
                version=table.c.version + 1,
                recorded_by=actor,
                updated_at=now,
                verified_at=None,
                verified_by=None,  # a changed value needs verifying again
            )
        )
        self.session.connection().execute(
            statement,
            [
                {
                    "reading_id": c.reading_id,
                    "new_value": c.item.value,
                    "new_note": c.item.note,
                    "new_source": c.item.source,
                    "new_reason": c.item.reason,
                    "new_provisional": c.provisional,
                }
                for c in corrections
            ],
        )

    def audit(self, when: datetime, rows: list[tuple[Any, ...]]) -> None:
        """`rows` of the audit columns after `occurred_at`, all of them at `when`."""
        # Straight to the driver: SQLAlchemy's per-row parameter handling would cost more than the inserts.
        connection = self.session.connection()
        occurred_at = _to_db(connection, AuditEntry.__table__.c.occurred_at)(when)  # type: ignore[attr-defined]
        connection.exec_driver_sql(
            f"INSERT INTO audit_log ({', '.join(_AUDIT_COLUMNS)}) VALUES ({', '.join('?' * len(_AUDIT_COLUMNS))})",
            [(occurred_at, *row) for row in rows],
        )


class PostgresStore:
    """Set-based writes through a per-connection temporary staging table, filled with COPY."""

    _COLUMNS = "idx, metric_id, period_start, period_end, value, note, source, reason, provisional"

    def __init__(self, session: Session) -> None:
        self.session = session

    def stage(self, candidates: Sequence[Candidate]) -> None:
        self.session.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS reading_stage (idx integer PRIMARY KEY, metric_id integer NOT NULL, "
                "period_start date NOT NULL, period_end date NOT NULL, value numeric(18, 6) NOT NULL, note text, "
                "source varchar(30) NOT NULL, reason text, provisional boolean NOT NULL) ON COMMIT DELETE ROWS"
            )
        )
        self.session.execute(text("TRUNCATE reading_stage"))
        cursor = self.session.connection().connection.cursor()
        with cursor.copy(f"COPY reading_stage ({self._COLUMNS}) FROM STDIN") as copy:
            for c in candidates:
                copy.write_row(
                    (
                        c.index,
                        c.metric.id,
                        c.period_start,
                        c.period_end,
                        c.item.value,
                        c.item.note,
                        c.item.source.value,
                        c.item.reason,
                        c.provisional,
                    )
                )

    def lock_existing(self, candidates: Sequence[Candidate]) -> dict[Key, tuple[int, Decimal, int]]:
        rows = self.session.execute(
            text(
                "SELECT r.id, r.metric_id, r.period_start, r.value, r.revision FROM reading r "
                "JOIN reading_stage s ON s.metric_id = r.metric_id AND s.period_start = r.period_start "
                "ORDER BY r.metric_id, r.period_start FOR UPDATE OF r"
            )
        ).all()
        return {
            (metric_id, start): (reading_id, value, revision) for reading_id, metric_id, start, value, revision in rows
        }

    def insert_new(self, new: Sequence[Candidate], actor: str, now: datetime) -> list[Candidate]:
        by_key = {c.key: c for c in new}
        if not new:
            return []
        rows = self.session.execute(
            text(
                "INSERT INTO reading (metric_id, period_start, period_end, value, note, source, reason, provisional, "
                "revision, recorded_by, created_at, updated_at, version) "
                "SELECT metric_id, period_start, period_end, value, note, source, reason, provisional, 1, :actor, "
                ":now, :now, 1 "
                "FROM reading_stage WHERE idx = ANY(:indexes) ORDER BY metric_id, period_start "
                "ON CONFLICT (metric_id, period_start) DO NOTHING RETURNING id, metric_id, period_start"
            ),
            {"actor": actor, "now": now, "indexes": [c.index for c in new]},
        ).all()
        for reading_id, metric_id, period_start in rows:
            by_key.pop((metric_id, period_start)).reading_id = reading_id
        return list(by_key.values())

    def correct(self, corrections: Sequence[Candidate], actor: str, now: datetime) -> None:
        if not corrections:
            return
        _archive_previous_values(self.session, [c.reading_id for c in corrections if c.reading_id is not None])
        self.session.execute(
            text(
                "UPDATE reading r SET value = s.value, note = s.note, source = s.source, reason = s.reason, "
                "provisional = s.provisional, "
                "revision = r.revision + 1, version = r.version + 1, recorded_by = :actor, updated_at = :now, "
                "verified_at = NULL, verified_by = NULL FROM reading_stage s "
                "WHERE s.idx = ANY(:indexes) AND r.metric_id = s.metric_id AND r.period_start = s.period_start"
            ),
            {"actor": actor, "now": now, "indexes": [c.index for c in corrections]},
        )

    def audit(self, when: datetime, rows: list[tuple[Any, ...]]) -> None:
        cursor = self.session.connection().connection.cursor()
        with cursor.copy(f"COPY audit_log ({', '.join(_AUDIT_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((when, *row))


def write_audit(store: Store, principal: Principal, changed: Sequence[Candidate], now: datetime) -> None:
    """One audit entry per new or changed reading, written in one statement."""
    if not changed:
        return
    actor, role, request_id = principal.subject, principal.role.value, request_id_var.get()
    store.audit(
        now,
        [
            (
                actor,
                role,
                "reading",
                c.reading_id,
                "create" if c.previous_value is None else "update",
                json.dumps(_changes(c)),
                request_id,
            )
            for c in changed
        ],
    )


def _plain(value: Decimal) -> str:
    """A value as the API shows it (80, 81.5), whatever scale the database or the client used (80.000000, 81.50)."""
    return format(value.normalize(), "f")


def _changes(candidate: Candidate) -> dict[str, Any]:
    previous = None if candidate.previous_value is None else _plain(candidate.previous_value)
    changes: dict[str, Any] = {"value": [previous, _plain(candidate.item.value)]}
    if candidate.previous_value is None:
        changes["metric_id"] = [None, candidate.metric.id]
        changes["period_start"] = [None, candidate.period_start.isoformat()]
    if candidate.item.reason:
        changes["reason"] = [None, candidate.item.reason]
    if candidate.provisional:
        changes["provisional"] = [None, True]
    return changes
