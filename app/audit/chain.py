"""The tamper-evident chain over the audit log.

Entries are written in their change's own transaction, by many processes at once, so they are not chained when
written (that would make every write in the city wait for one lock). A sealer (every sweep, and `rdc audit
seal`) links the entries written since its last round, in id order, each to the digest of the link before;
only one sealer runs at a time. `verify` walks the chain and recomputes every digest: an entry rewritten or
deleted by direct SQL, with the database's own guards switched off, no longer matches its link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from app.audit.models import AuditEntry, AuditSeal
from app.db import begin_write, utcnow

GENESIS = "0" * 64
_SEAL_LOCK = 727_404
_entries = AuditEntry.__table__  # type: ignore[attr-defined]
_seals = AuditSeal.__table__  # type: ignore[attr-defined]
_CONTENT = ("id", "occurred_at", "actor", "actor_role", "entity", "entity_id", "action", "changes", "request_id")


def digest(previous: str, entry: Any) -> str:
    """SHA-256 over the previous digest and the entry's content in a canonical form."""
    content = {name: getattr(entry, name) for name in _CONTENT}
    occurred_at = content["occurred_at"]
    if isinstance(occurred_at, datetime):
        content["occurred_at"] = occurred_at.isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{canonical}".encode()).hexdigest()


def seal(session: Session, *, batch: int = 5000) -> int:
    """Links every entry not yet sealed into the chain; returns how many. Commits."""
    begin_write(session)  # SQLite: the write lock before reading the chain's end
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEAL_LOCK})  # one sealer at a time
    last = session.execute(select(_seals.c.seq, _seals.c.digest).order_by(_seals.c.seq.desc()).limit(1)).first()
    seq, previous = (last.seq, last.digest) if last else (0, GENESIS)
    sealed = 0
    while True:
        unsealed = session.execute(
            select(_entries).where(~_entries.c.id.in_(select(_seals.c.entry_id))).order_by(_entries.c.id).limit(batch)
        ).all()
        if not unsealed:
            break
        links = []
        now = utcnow()
        for entry in unsealed:
            seq += 1
            previous = digest(previous, entry)
            links.append({"seq": seq, "entry_id": entry.id, "digest": previous, "sealed_at": now})
        session.execute(insert(_seals), links)
        sealed += len(links)
    session.commit()
    return sealed


@dataclass
class ChainReport:
    sealed: int = 0  # links checked
    unsealed: int = 0  # entries written since the last seal (normal; the next sweep seals them)
    broken: list[str] = field(default_factory=list)  # what does not match, in words

    @property
    def intact(self) -> bool:
        return not self.broken


def verify(session: Session, *, batch: int = 5000) -> ChainReport:
    """Recomputes the chain from the first link; every mismatch is reported, not only the first."""
    report = ChainReport()
    previous, after = GENESIS, 0
    while True:
        rows = session.execute(
            select(_seals.c.seq, _seals.c.digest, _seals.c.entry_id, *(_entries.c[name] for name in _CONTENT[1:]))
            .outerjoin(_entries, _entries.c.id == _seals.c.entry_id)
            .where(_seals.c.seq > after)
            .order_by(_seals.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != report.sealed + 1:
                report.broken.append(f"link {report.sealed + 1} is missing (the chain jumps to {row.seq})")
            report.sealed = row.seq
            if row.actor is None:
                report.broken.append(f"audit entry {row.entry_id} (link {row.seq}) was deleted")
            else:
                expected = digest(previous, _Entry(row))
                if expected != row.digest:
                    report.broken.append(f"audit entry {row.entry_id} (link {row.seq}) was changed after it was sealed")
            previous = row.digest
            after = row.seq
    report.unsealed = int(
        session.execute(
            select(func.count()).select_from(_entries).where(~_entries.c.id.in_(select(_seals.c.entry_id)))
        ).scalar_one()
    )
    return report


class _Entry:
    """A joined row read as the entry it links to."""

    def __init__(self, row: Any) -> None:
        self.id = row.entry_id
        for name in _CONTENT[1:]:
            setattr(self, name, getattr(row, name))
