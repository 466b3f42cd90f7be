"""The audit log cannot be rewritten quietly: the database refuses SQLite's INSERT OR REPLACE and PostgreSQL's
TRUNCATE (as it refuses UPDATE and DELETE), and whoever switches those guards off to change or delete an entry
breaks the tamper-evident chain, which `rdc audit verify` reports (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.audit.chain import seal, verify
from tests.support import Actor, City

ROOT = Path(__file__).resolve().parents[2]


def _rdc(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=os.environ | {"RDC_DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _tamper(session: Session, statement: str) -> None:
    """What someone with direct database access and the will to hide it would do: switch the guards off."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for trigger in ("audit_log_no_update", "audit_log_no_delete"):
            session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    session.execute(text(statement))
    session.commit()


def test_an_intact_log_verifies_and_new_entries_are_sealed_by_the_next_round(
    city: City, admin: Actor, session: Session, configured: str
) -> None:
    first = seal(session)
    assert first > 0
    assert admin.post("/api/v1/departments", json={"name": "Parks", "code": "PRK"}).status_code == 201

    assert verify(session).unsealed == 1
    assert seal(session) == 1
    report = verify(session)
    assert (report.intact, report.sealed, report.unsealed) == (True, first + 1, 0)
    result = _rdc(configured, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert f"{first + 1} sealed entries checked, 0 problems" in result.stdout


def test_a_changed_entry_and_a_deleted_entry_break_the_chain(city: City, session: Session, configured: str) -> None:
    seal(session)
    first, second = session.execute(text("SELECT id FROM audit_log ORDER BY id LIMIT 2")).scalars().all()

    _tamper(session, f"UPDATE audit_log SET actor = 'user:999' WHERE id = {first}")
    _tamper(session, f"DELETE FROM audit_log WHERE id = {second}")

    report = verify(session)
    assert not report.intact
    assert any(f"audit entry {first} " in problem and "changed" in problem for problem in report.broken)
    assert any(f"audit entry {second} " in problem and "deleted" in problem for problem in report.broken)
    result = _rdc(configured, "audit", "verify")
    assert result.returncode == 1
    assert "BROKEN" in result.stderr


def test_sqlite_refuses_to_replace_an_entry(city: City, session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    entry = session.execute(text("SELECT * FROM audit_log ORDER BY id LIMIT 1")).mappings().one()

    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(
            text(
                "INSERT OR REPLACE INTO audit_log (id, occurred_at, actor, actor_role, entity, entity_id, action, "
                "changes, request_id) VALUES (:id, :occurred_at, 'user:999', 'admin', :entity, :entity_id, "
                ":action, '{}', NULL)"
            ),
            dict(entry),
        )
    session.rollback()
    assert (
        session.execute(text("SELECT actor FROM audit_log WHERE id = :id"), {"id": entry["id"]}).scalar()
        == entry["actor"]
    )


def test_postgresql_refuses_to_truncate_the_log_or_its_chain(city: City, session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    for table in ("audit_log", "audit_seal"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(f"TRUNCATE {table} CASCADE"))
        session.rollback()
    assert session.execute(text("SELECT count(*) FROM audit_log")).scalar_one() > 0
