"""No database statement runs unbounded: PostgreSQL cancels one that exceeds RDC_STATEMENT_TIMEOUT_SECONDS,
and a request that hits the limit (or SQLite's busy timeout) is answered 503 database-timeout, with
Retry-After, rather than a 500; the service goes on answering."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.config import get_settings
from app.db import get_engine
from app.kit.problems import is_database_timeout
from app.records import crud
from tests.support import Actor, assert_problem


@pytest.fixture
def tiny_timeout(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("RDC_STATEMENT_TIMEOUT_SECONDS", "0.05")
    get_settings.cache_clear()
    get_engine().dispose()
    get_engine.cache_clear()
    yield configured


def _postgres_only(url: str) -> None:
    if url.startswith("sqlite"):
        pytest.skip("statement_timeout is a PostgreSQL setting; SQLite's busy timeout is covered below")


def test_a_statement_over_the_timeout_is_cancelled(tiny_timeout: str) -> None:
    _postgres_only(tiny_timeout)
    started = time.monotonic()
    with pytest.raises(OperationalError) as raised, get_engine().connect() as connection:
        connection.execute(text("SELECT pg_sleep(1)"))
    assert time.monotonic() - started < 0.9
    assert is_database_timeout(raised.value)
    with get_engine().connect() as connection:  # the pool hands out a usable connection afterwards
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_request_that_runs_too_long_is_a_503_and_the_next_one_works(
    tiny_timeout: str, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(tiny_timeout)
    list_records = crud.list_records

    def slow_list(session: Any, *args: Any, **kwargs: Any) -> Any:
        session.execute(text("SELECT pg_sleep(1)"))
        return list_records(session, *args, **kwargs)

    monkeypatch.setattr(crud, "list_records", slow_list)
    response = admin.get("/api/v1/departments")

    body = assert_problem(response, 503)
    assert body["type"].endswith("/database-timeout")
    assert response.headers["retry-after"] == "5"
    assert "pg_sleep" not in response.text
    monkeypatch.setattr(crud, "list_records", list_records)
    assert admin.get("/api/v1/departments").status_code == 200


def test_a_locked_sqlite_database_is_a_503_too(configured: str, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    if not configured.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout; PostgreSQL's statement timeout is covered above")

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(crud, "list_records", locked)
    body = assert_problem(admin.get("/api/v1/departments"), 503)
    assert body["type"].endswith("/database-timeout")


def test_other_database_errors_are_not_taken_for_timeouts() -> None:
    other = OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: award"))
    assert not is_database_timeout(other)
