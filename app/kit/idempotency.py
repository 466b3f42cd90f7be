"""The `Idempotency-Key` header (IETF httpapi draft): retries of a request take effect once.

- A replay of a completed request gets the stored response (and `Idempotent-Replayed: true`).
- The same key with a different payload is a 422.
- The same key while the first request is still running is a 409. On PostgreSQL the running request
  holds an advisory lock (taken before it claims the key), so a key whose request died (process killed)
  is taken over at once; on SQLite an in-flight key is considered abandoned after `ABANDONED_AFTER`.

The completed response is stored in the same transaction as the request's own writes: either both land
or neither does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import UniqueConstraint, delete, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, select

from app.db import UTCDateTime, get_engine, utcnow
from app.kit.problems import PROBLEM_BASE, AppError, Conflict, InvalidInput, Problem

ABANDONED_AFTER = timedelta(minutes=5)
KEEP_FOR = timedelta(hours=24)


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("subject", "key", name="uq_idempotency_subject_key"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=200)
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)
    completed: bool = False
    status_code: int | None = None
    response_body: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: Any


def fingerprint(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _lock_id(subject: str, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{subject}\x00{key}".encode()).digest()[:8], "big", signed=True)


def _claim(subject: str, key: str, print_: str, *, lock_held: bool) -> Replay | None:
    """Registers the key as in flight (own short transaction), or explains why not.

    `lock_held`: the caller holds the key's advisory lock (PostgreSQL), so an unfinished record for the key
    can only belong to a request that died.
    """
    with Session(get_engine()) as claim:
        dialect = claim.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(IdempotencyRecord)
        inserted = claim.execute(
            insert.values(subject=subject, key=key, fingerprint=print_, created_at=utcnow())  # type: ignore[call-overload]
            .on_conflict_do_nothing(index_elements=["subject", "key"])
            .returning(IdempotencyRecord.id)
        ).first()
        claim.commit()
        if inserted is not None:
            return None
        record = claim.exec(
            select(IdempotencyRecord).where(IdempotencyRecord.subject == subject, IdempotencyRecord.key == key)
        ).one()
        if record.fingerprint != print_:
            raise InvalidInput.on(
                "header.Idempotency-Key",
                "this key was used for a different request; use a new key for a new request",
                "idempotency_key_reused",
            )
        if record.completed:
            return Replay(record.status_code or 200, json.loads(record.response_body or "null"))
        if not (lock_held or utcnow() - record.created_at > ABANDONED_AFTER):
            raise Conflict("a request with this Idempotency-Key is still being processed; retry later")
        claim.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == record.id).values(created_at=utcnow()))  # type: ignore[arg-type]
        claim.commit()
        return None


def run_once(
    session: Session,
    *,
    subject: str,
    key: str | None,
    request_fingerprint: str,
    handler: Callable[[], tuple[int, Any]],
    instance: str | None = None,
) -> tuple[int, Any, bool]:
    """Runs `handler` (which writes in `session` without committing) once per key.

    Returns (status code, JSON body, replayed). Without a key, just runs the handler and commits.
    `instance` (the request path) goes into a stored problem, so a replayed error matches the original.
    """
    if key is None:
        status_code, body = handler()
        session.commit()
        return status_code, body, False
    lock_held = False
    if session.get_bind().dialect.name == "postgresql":
        # Taken before the key is claimed and held until this request's transaction ends, so a duplicate
        # either finds the lock taken (409: still in flight) or the record finished (replay), never a gap.
        lock_held = bool(
            session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _lock_id(subject, key)}).scalar()
        )
        if not lock_held:
            session.rollback()
            raise Conflict("a request with this Idempotency-Key is still being processed; retry later")
    try:
        replay = _claim(subject, key, request_fingerprint, lock_held=lock_held)
    except AppError:
        session.rollback()  # releases the lock
        raise
    if replay is not None:
        session.rollback()
        return replay.status_code, replay.body, True
    try:
        status_code, body = handler()
    except AppError as error:
        session.rollback()
        _complete(session, subject, key, error.status, _problem_body(error, instance))
        session.commit()
        raise
    except BaseException:
        session.rollback()
        session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.subject == subject, IdempotencyRecord.key == key)  # type: ignore[arg-type]
        )
        session.commit()
        raise
    _complete(session, subject, key, status_code, body)
    session.commit()
    return status_code, body, False


def _complete(session: Session, subject: str, key: str, status_code: int, body: Any) -> None:
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.subject == subject, IdempotencyRecord.key == key)  # type: ignore[arg-type]
        .values(completed=True, status_code=status_code, response_body=json.dumps(body, default=str))
    )


def _problem_body(error: AppError, instance: str | None) -> dict[str, Any]:
    return Problem(
        type=PROBLEM_BASE + error.slug,
        title=error.title,
        status=error.status,
        detail=error.detail,
        instance=instance,
        errors=error.errors,
    ).model_dump(exclude_none=True)


def purge_expired(session: Session) -> int:
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - KEEP_FOR))  # type: ignore[arg-type]
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
