"""Writing events in the caller's transaction, and reading them back as an ordered feed.

Writers call `record` before they commit, so an event exists exactly when its change does. After a commit
that wrote events, the listeners registered with `on_committed` run (the shell wakes the dispatcher there);
if the process dies first, the dispatcher's periodic round finds the events anyway.

Feed order. On SQLite one writer holds the database at a time, so ids are in commit order. On PostgreSQL they
are not: a transaction can take id 10, another id 11 and commit first. Each event therefore carries its
transaction id (`tx`), the feed orders by (tx, id) and shows only events of transactions older than every
transaction still running (the snapshot's xmin). A transaction that starts later always gets a larger tx, so
an event that is not shown yet always sorts after the cursor: the feed never skips or repeats.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, literal, text, tuple_, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.auth.principal import Reach
from app.db import utcnow
from app.events.models import Event
from app.events.types import INTERNAL, EventType
from app.records.resource import awards_within

_WRITTEN = "events_written"
_listeners: list[Callable[[], None]] = []
_table = Event.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class NewEvent:
    type: EventType
    subject_type: str
    subject_id: int | None
    department_id: int | None
    award_id: int | None
    payload: dict[str, Any]
    occurred_at: datetime | None = None
    # For events that time alone causes (a due date reached): a key naming the occurrence, so that a round
    # that runs twice, or late, records it once.
    once_key: str | None = None


def _uid(event: NewEvent) -> str:
    if event.once_key is None:
        return f"evt_{uuid.uuid4().hex}"
    return "evt_" + hashlib.sha256(event.once_key.encode()).hexdigest()[:32]


def record(
    session: Session,
    type: EventType,
    *,
    subject_type: str,
    subject_id: int | None,
    department_id: int | None,
    award_id: int | None,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> None:
    """Writes one event in the session's transaction."""
    record_all(
        session,
        [NewEvent(type, subject_type, subject_id, department_id, award_id, payload or {}, occurred_at)],
    )


def record_all(session: Session, events: Sequence[NewEvent]) -> None:
    """Writes events in one statement, in the session's transaction, in the given order."""
    if not events:
        return
    now = utcnow()
    rows = [
        {
            "uid": _uid(e),
            "type": e.type.value,
            "occurred_at": e.occurred_at or now,
            "department_id": e.department_id,
            "award_id": e.award_id,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "payload": e.payload,
        }
        for e in events
    ]
    once = [row["uid"] for e, row in zip(events, rows, strict=True) if e.once_key is not None]
    if once:  # occurrences recorded by an earlier round are left out
        seen = set(session.exec(select(col(Event.uid)).where(col(Event.uid).in_(once))).all())
        rows = [row for row in rows if row["uid"] not in seen]
        if not rows:
            return
    # Core insert without `tx`, so that PostgreSQL fills it in from the server default.
    session.connection().execute(insert(_table), rows)
    session.info[_WRITTEN] = True


def on_committed(listener: Callable[[], None]) -> None:
    """Calls `listener` after every commit that wrote events (in the committing thread)."""
    _listeners.append(listener)


@sa_event.listens_for(OrmSession, "after_commit")
def _notify_listeners(session: OrmSession) -> None:
    if session.info.pop(_WRITTEN, False):
        for listener in _listeners:
            listener()


@sa_event.listens_for(OrmSession, "after_rollback")
def _forget_written(session: OrmSession) -> None:
    session.info.pop(_WRITTEN, None)


# --- the feed -------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the feed: after the event with this (transaction, id)."""

    tx: int
    id: int

    def __str__(self) -> str:
        return f"{self.tx}-{self.id}"

    @classmethod
    def parse(cls, value: str) -> Cursor:
        tx, _, id_ = value.partition("-")
        if not (tx.isdigit() and id_.isdigit()) or len(value) > 40:
            raise ValueError("a cursor is the `next` value of an earlier page, such as 0-1234")
        return cls(int(tx), int(id_))


START = Cursor(0, 0)


def position(event: Event) -> Cursor:
    assert event.id is not None
    return Cursor(event.tx or 0, event.id)


def feed(
    session: Session,
    *,
    after: Cursor,
    reach: Reach,
    types: Iterable[str] = (),
    department_id: int | None = None,
    award_id: int | None = None,
    limit: int = 100,
) -> tuple[list[Event], Cursor]:
    """Events after the cursor in commit-safe order, and the cursor to continue from."""
    order_tx = func.coalesce(col(Event.tx), 0)
    statement = select(Event).where(tuple_(order_tx, col(Event.id)) > tuple_(literal(after.tx), literal(after.id)))
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.where(col(Event.tx) < text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    if reach.department_ids is not None:
        statement = statement.where(col(Event.department_id).in_(sorted(reach.department_ids)))
    if reach.by_award:  # only its contracts' events (the award table is a floor above)
        statement = statement.where(
            col(Event.award_id).in_(awards_within(reach)),
            col(Event.type).not_in(sorted(t.value for t in INTERNAL)),
        )
    wanted = sorted(set(types))
    if wanted:
        statement = statement.where(col(Event.type).in_(wanted))
    if department_id is not None:
        statement = statement.where(col(Event.department_id) == department_id)
    if award_id is not None:
        statement = statement.where(col(Event.award_id) == award_id)
    rows = list(session.exec(statement.order_by(order_tx, col(Event.id)).limit(limit)).all())
    return rows, (position(rows[-1]) if rows else after)


# --- the dispatcher's side ------------------------------------------------------------------------------


def take_undispatched(session: Session, limit: int) -> list[Event]:
    """Events not yet dispatched, oldest first, locked for this transaction (others skip them on PostgreSQL)."""
    statement = select(Event).where(col(Event.dispatched_at).is_(None)).order_by(col(Event.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return list(session.exec(statement).all())


def mark_dispatched(session: Session, events: Sequence[Event], now: datetime) -> None:
    ids = [e.id for e in events if e.id is not None]
    if ids:
        session.connection().execute(update(_table).where(_table.c.id.in_(ids)).values(dispatched_at=now))


def undispatched_count(session: Session) -> int:
    return int(session.exec(select(func.count()).where(col(Event.dispatched_at).is_(None))).one())
