"""The refresh queue on PostgreSQL with real server processes: an ERP retry storm against 2 workers, and a
server killed (kill -9) between a batch's commit and its refresh. Afterwards every touched metric's stored
status is what a fresh evaluation says, and no metric has two open alerts of a kind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from app.alerts.rules import desired_alerts
from app.status.service import evaluate_metrics
from tests.servers import Server, start_uvicorn
from tests.support import Actor, City

ROOT = Path(__file__).resolve().parents[2]
MONTHS = [f"2025-{month:02d}" for month in range(7, 13)] + [f"2026-{month:02d}" for month in range(1, 11)]
FISCAL_START = 7  # the servers' fiscal year (the default, July)
DRAIN_SECONDS = 300  # generous: a loaded machine is slow; this checks that the work gets done, not its speed


@pytest.fixture
def postgresql(configured: str) -> str:
    if not configured.startswith("postgresql"):
        pytest.skip("several server processes on one database: proven on PostgreSQL")
    return configured


@pytest.fixture
def observer(postgresql: str) -> Iterator[Engine]:
    engine = create_engine(postgresql, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _add_metrics(engine: Engine, template_id: int, count: int) -> list[int]:
    """`count` more metrics like the template (same contract, new codes), in one statement."""
    with engine.connect() as connection:
        columns = [
            row.column_name
            for row in connection.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'metric' "
                    "AND column_name NOT IN ('id', 'code') ORDER BY ordinal_position"
                )
            )
        ]
        select_list = ", ".join(columns)
        connection.execute(
            text(
                f"INSERT INTO metric (code, {select_list}) "
                f"SELECT 'LOAD-' || n, {select_list} FROM metric, generate_series(1, :count) AS n WHERE id = :id"
            ),
            {"count": count, "id": template_id},
        )
        return list(connection.execute(text("SELECT id FROM metric WHERE code LIKE 'LOAD-%' ORDER BY id")).scalars())


def _batch(metric_ids: list[int], client: int, round_: int) -> list[dict[str, Any]]:
    """Readings for a window of metrics; clients disagree on some values, so some posts correct others."""
    return [
        {"metric_id": metric_id, "period": month, "value": str(55 + (metric_id * 7 + index * 3 + client * round_) % 45)}
        for metric_id in metric_ids
        for index, month in enumerate(MONTHS)
    ]


def _wait_for_empty_queue(engine: Engine) -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(text("SELECT count(*) FROM metric_refresh_request")).scalar_one() == 0:
                return
            time.sleep(0.25)
    pytest.fail(f"the refresh queue was not empty after {DRAIN_SECONDS} s")


def _assert_statuses_are_fresh(postgresql: str, metric_ids: list[int]) -> None:
    """Each metric's stored status and open alerts are exactly what a fresh evaluation calls for."""
    engine = create_engine(postgresql)
    try:
        with Session(engine) as session:
            fresh = evaluate_metrics(session, metric_ids, fiscal_start_month=FISCAL_START)
            stored = {
                row.metric_id: row
                for row in session.execute(
                    text(
                        "SELECT metric_id, performance, freshness, projected_miss, latest_value, latest_period_start "
                        "FROM metric_status WHERE metric_id = ANY(:ids)"
                    ),
                    {"ids": metric_ids},
                )
            }
            open_alerts: dict[int, set[tuple[str, str]]] = {}
            for row in session.execute(
                text(
                    "SELECT metric_id, kind, severity FROM alert WHERE status <> 'resolved' AND metric_id = ANY(:ids)"
                ),
                {"ids": metric_ids},
            ):
                open_alerts.setdefault(row.metric_id, set()).add((row.kind, row.severity))
            duplicates = session.execute(
                text(
                    "SELECT metric_id, kind FROM alert WHERE status <> 'resolved' "
                    "GROUP BY metric_id, kind HAVING count(*) > 1"
                )
            ).all()
    finally:
        engine.dispose()
    assert duplicates == []
    stale = []
    for metric_id in metric_ids:
        evaluation, row = fresh[metric_id], stored.get(metric_id)
        latest = evaluation.latest
        expected = (
            evaluation.performance.value,
            evaluation.freshness.value,
            evaluation.projected_miss,
            latest.actual if latest else None,
            latest.period.start if latest else None,
        )
        actual = (
            (row.performance, row.freshness, row.projected_miss, row.latest_value, row.latest_period_start)
            if row
            else None
        )
        wanted_alerts = {(a.kind.value, a.severity.value) for a in desired_alerts(evaluation).values()}
        if actual != expected or open_alerts.get(metric_id, set()) != wanted_alerts:
            stale.append((metric_id, expected, actual, wanted_alerts, open_alerts.get(metric_id)))
    assert stale == [], f"{len(stale)} of {len(metric_ids)} metrics are stale, e.g. {stale[:3]}"


def _server(database_url: str, *, workers: int = 1, **env: str) -> Server:
    # A retry storm on a shared 2-core machine can queue a batch behind others' row locks for more than the
    # production statement timeout (30 s; a 503 with Retry-After was seen once): these tests are about what the
    # refresh leaves behind, not about speed, so statements may wait generously here.
    generous = {"RDC_STATEMENT_TIMEOUT_SECONDS": "300"}
    return start_uvicorn(
        os.environ | {"RDC_DATABASE_URL": database_url, "RDC_LOG_LEVEL": "WARNING"} | generous | env,
        workers=workers,
        alive_path="/readyz",
    )


def _errors_in(log: str) -> list[str]:
    """Log lines at ERROR or above, and anything that is not a JSON log line (a traceback)."""
    bad = []
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            bad.append(line)
            continue
        if entry.get("level") in ("ERROR", "CRITICAL"):
            bad.append(line)
    return bad


@pytest.mark.long_running
def test_an_erp_retry_storm_leaves_every_touched_metric_freshly_evaluated_with_one_alert_per_kind(
    postgresql: str, observer: Engine, admin: Actor, city: City
) -> None:
    metric_ids = sorted([city.pothole_metric, *_add_metrics(observer, city.pothole_metric, 399)])
    clients, window = 8, 5000 // len(MONTHS)  # 312 metrics x 16 months: 4,992 readings per batch
    server = _server(postgresql, workers=2)
    try:
        touched: set[int] = set()

        def client(number: int) -> list[int]:
            statuses = []
            for round_ in (1, 2):
                start = (number * 37 + round_ * 53) % (len(metric_ids) - window)
                touched.update(metric_ids[start : start + window])
                body = {"readings": _batch(metric_ids[start : start + window], number, round_)}
                headers = admin.headers | {"Idempotency-Key": f"erp-{number}-{round_}"}
                for _attempt in range(2):  # the ERP retries every post once (a lost response, as it believes)
                    response = httpx.post(
                        f"{server.base}/api/v1/readings/batch", json=body, headers=headers, timeout=600
                    )
                    statuses.append(response.status_code)
            return statuses

        with ThreadPoolExecutor(max_workers=clients) as pool:
            answers = [status for statuses in pool.map(client, range(clients)) for status in statuses]
        assert Counter(answers) == {200: clients * 4}
        _wait_for_empty_queue(observer)
        log = server.output(whole=True)
    finally:
        server.stop()

    assert _errors_in(log) == []
    _assert_statuses_are_fresh(postgresql, sorted(touched))


def test_a_server_killed_between_a_batch_commit_and_its_refresh_loses_no_refresh(
    postgresql: str, observer: Engine, admin: Actor, city: City
) -> None:
    metric_ids = sorted([city.pothole_metric, *_add_metrics(observer, city.pothole_metric, 59)])
    body = {"readings": _batch(metric_ids, 1, 1)}
    # This server only queues (as an API process beside dedicated workers does), so the kill lands exactly
    # between the batch's commit and its refresh.
    first = _server(postgresql, RDC_JOBS_IN_PROCESS="false")
    response = httpx.post(f"{first.base}/api/v1/readings/batch", json=body, headers=admin.headers, timeout=600)
    first.stop(kill=True)
    assert response.status_code == 200, response.text[:500]
    with observer.connect() as connection:
        queued = connection.execute(text("SELECT count(DISTINCT metric_id) FROM metric_refresh_request")).scalar_one()
        evaluated = connection.execute(
            text("SELECT count(*) FROM metric_status WHERE latest_value IS NOT NULL")
        ).scalar_one()
    assert (queued, evaluated) == (len(metric_ids), 0)

    restarted = _server(postgresql)  # no new post: the queue is all it has
    try:
        _wait_for_empty_queue(observer)
    finally:
        restarted.stop()

    _assert_statuses_are_fresh(postgresql, metric_ids)


def test_a_dedicated_worker_does_the_queued_work_of_api_processes_that_only_queue(
    postgresql: str, observer: Engine, admin: Actor, city: City
) -> None:
    metric_ids = sorted([city.pothole_metric, *_add_metrics(observer, city.pothole_metric, 9)])
    api = _server(postgresql, RDC_JOBS_IN_PROCESS="false")
    try:
        response = httpx.post(
            f"{api.base}/api/v1/readings/batch", json={"readings": _batch(metric_ids, 2, 1)}, headers=admin.headers
        )
    finally:
        api.stop()
    assert response.status_code == 200, response.text[:500]

    worker = subprocess.run(
        [sys.executable, "-m", "app.cli", "worker", "--once"],
        env=os.environ | {"RDC_DATABASE_URL": postgresql},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=DRAIN_SECONDS,
    )

    assert worker.returncode == 0, worker.stderr[-2000:]
    _wait_for_empty_queue(observer)
    _assert_statuses_are_fresh(postgresql, metric_ids)
