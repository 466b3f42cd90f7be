"""The server dies (kill -9) in the middle of an ERP's 10,000-reading batch. PostgreSQL then holds either the
whole batch or none of it, and the ERP's retry with the same Idempotency-Key lands it exactly once.

A real uvicorn process (one, so it can be killed) serves the test's database. The kill comes as soon as the
request's transaction is writing readings (seen in pg_stat_activity), or after a deadline if that moment is
missed; either outcome is acceptable, a partial batch never is.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from app.metrics.models import Metric
from tests.servers import start_uvicorn
from tests.support import Actor, City

BATCH_SIZE = 10_000
KEY = "erp-2026-10-full-load"
# The batch's first write to `reading` (after the claim of its key, the staging COPY and the row locks); the
# audit COPY and the commit come after it.
WRITING = "query ILIKE 'INSERT INTO reading %'"


def _months() -> list[str]:
    """The months of the pothole contract (from 2025-07) that have ended."""
    today = date.today()
    months, year, month = [], 2025, 7
    while (year, month) < (today.year, today.month) and (year, month) <= (2027, 6):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _add_metrics(engine: Engine, template_id: int, count: int) -> list[int]:
    """`count` copies of a metric on the same contract (new codes), inserted in one statement."""
    columns = [c.name for c in Metric.__table__.columns if c.name not in ("id", "code")]  # type: ignore[attr-defined]
    select_list = ", ".join(columns)
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO metric (code, {select_list}) "
                f"SELECT 'LOAD-' || n, {select_list} FROM metric, generate_series(1, :count) AS n WHERE id = :id"
            ),
            {"count": count, "id": template_id},
        )
        ids = connection.execute(text("SELECT id FROM metric WHERE code LIKE 'LOAD-%' ORDER BY id")).scalars().all()
    return list(ids)


class Server:
    """One uvicorn process on the test's database."""

    def __init__(self, database_url: str) -> None:
        self.server = start_uvicorn(
            os.environ | {"RDC_DATABASE_URL": database_url, "RDC_LOG_LEVEL": "WARNING"}, alive_path="/readyz"
        )
        self.base = self.server.base
        self.process = self.server.process

    def stop(self) -> None:
        self.server.stop(kill=True)


@pytest.fixture
def postgresql(configured: str) -> str:
    if not configured.startswith("postgresql"):
        pytest.skip("crash safety is proven on PostgreSQL (a real server process against a shared database)")
    return configured


@pytest.fixture
def servers(postgresql: str) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def observer(postgresql: str) -> Iterator[Engine]:
    """A connection pool of the test's own, to watch the server's backends and count rows."""
    engine = create_engine(postgresql, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            "readings": connection.execute(text("SELECT count(*) FROM reading")).scalar_one(),
            "distinct": connection.execute(
                text("SELECT count(*) FROM (SELECT DISTINCT metric_id, period_start FROM reading) AS keys")
            ).scalar_one(),
            "revisions": connection.execute(text("SELECT count(*) FROM reading_revision")).scalar_one(),
            "audited": connection.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'reading'")).scalar_one(),
        }


def _wait_until_writing(engine: Engine, posting: threading.Thread, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    with engine.connect() as connection:
        while time.monotonic() < deadline and posting.is_alive():
            writing = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    f"AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND ({WRITING})"
                )
            ).scalar_one()
            if writing:
                return True
            time.sleep(0.002)
    return False


def _wait_for_backends_to_end(engine: Engine) -> None:
    """PostgreSQL notices the dead client and rolls its transaction back; wait until it has."""
    deadline = time.monotonic() + 10
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            others = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                )
            ).scalar_one()
            if not others:
                return
            time.sleep(0.02)
    pytest.fail("the killed server's transaction was still open after 10 s")


def test_a_batch_cut_off_by_kill_9_lands_whole_or_not_at_all_and_its_retry_lands_once(
    postgresql: str, admin: Actor, city: City, servers: list[Server], observer: Engine
) -> None:
    months = _months()
    metric_ids = _add_metrics(observer, city.pothole_metric, -(-BATCH_SIZE // len(months)))
    items = [
        {"metric_id": metric_id, "period": month, "value": str(70 + (i + j) % 25)}
        for i, metric_id in enumerate(metric_ids)
        for j, month in enumerate(months)
    ][:BATCH_SIZE]
    assert len(items) == BATCH_SIZE
    headers = admin.headers | {"Idempotency-Key": KEY}

    first = Server(postgresql)
    servers.append(first)
    outcome: dict[str, Any] = {}

    def post() -> None:
        try:
            outcome["response"] = httpx.post(
                f"{first.base}/api/v1/readings/batch", json={"readings": items}, headers=headers, timeout=60
            )
        except httpx.HTTPError as error:  # the expected end: the server died under the request
            outcome["error"] = error

    posting = threading.Thread(target=post)
    posting.start()
    caught_writing = _wait_until_writing(observer, posting, seconds=15)
    first.process.send_signal(signal.SIGKILL)
    first.stop()
    posting.join(timeout=30)
    _wait_for_backends_to_end(observer)

    after_crash = _counts(observer)
    landed = after_crash["readings"]
    assert landed in (0, BATCH_SIZE), f"a partial batch survived the crash: {after_crash}"
    if caught_writing:
        assert "error" in outcome and landed == 0, "killed while writing: the transaction must be rolled back"
    assert after_crash["audited"] == landed  # audit entries commit with their readings, or not at all

    second = Server(postgresql)
    servers.append(second)
    retry = httpx.post(f"{second.base}/api/v1/readings/batch", json={"readings": items}, headers=headers, timeout=60)
    assert retry.status_code == 200, retry.text[:500]
    summary = retry.json()["summary"]
    assert summary["rejected"] == 0
    assert summary["created"] + summary["unchanged"] == BATCH_SIZE
    assert _counts(observer) == {
        "readings": BATCH_SIZE,
        "distinct": BATCH_SIZE,
        "revisions": 0,
        "audited": BATCH_SIZE,
    }

    again = httpx.post(f"{second.base}/api/v1/readings/batch", json={"readings": items}, headers=headers, timeout=60)
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == retry.json()
    assert _counts(observer)["readings"] == BATCH_SIZE
