"""Batch ingest throughput (readings/s) on SQLite and PostgreSQL, next to a raw INSERT/COPY of the same rows.

    .venv/bin/python -m bench.ingest [--contracts 2000] [--metrics-per-contract 5] [--batch 10000]

Each figure is one 10,000-reading batch, named the way an ERP names metrics (contract external id +
metric code), through the same code path as POST /api/v1/readings/batch (service level and over HTTP).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.db import utcnow
from app.readings.ingest import ingest
from app.readings.models import Reading
from app.readings.schemas import BatchItem
from bench.portfolio import Portfolio, drop_database, engine_for, fresh_database, seed


def _items(portfolio: Portfolio, period: str, count: int, value: Callable[[int], str]) -> list[dict[str, Any]]:
    return [
        {"contract_external_id": ext, "metric_code": code, "period": period, "value": value(i)}
        for i, (ext, code) in enumerate(portfolio.external_keys[:count])
    ]


REFRESH_SECONDS: list[float] = []


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(
    backend: str, contracts: int, metrics_per_contract: int, batch: int, workdir: str
) -> list[tuple[str, int, float]]:
    url = fresh_database(backend, workdir)
    engine = engine_for(url)
    figures: list[tuple[str, int, float]] = []
    try:
        portfolio = seed(engine, contracts=contracts, metrics_per_contract=metrics_per_contract)
        count = min(batch, portfolio.metrics)

        def service_batch(period: str, value: Callable[[int], str]) -> float:
            items = [BatchItem.model_validate(i) for i in _items(portfolio, period, count, value)]

            def go() -> None:
                with Session(engine) as session:
                    result, _ = ingest(
                        session, principal=SYSTEM, items=items, accept_valid=False, dry_run=False, fiscal_start_month=7
                    )
                    session.commit()
                    assert result.summary.rejected == 0

            return _timed(go)

        figures.append(("ingest: new readings (service)", count, service_batch("2026-01", lambda i: str(50 + i % 40))))
        figures.append(("ingest: identical re-send", count, service_batch("2026-01", lambda i: str(50 + i % 40))))
        figures.append(("ingest: every value corrected", count, service_batch("2026-01", lambda i: str(51 + i % 40))))
        figures.append(("ingest: new readings (HTTP, JSON)", count, _http_batch(url, portfolio, count)))
        figures.append(("  then status refresh, after response", count, REFRESH_SECONDS.pop()))

        rows = [
            {
                "metric_id": metric_id,
                "period_start": date(2026, 3, 1),
                "period_end": date(2026, 3, 31),
                "value": Decimal(50 + i % 40),
                "note": None,
                "revision": 1,
                "recorded_by": "bench",
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "version": 1,
            }
            for i, metric_id in enumerate(portfolio.metric_ids[:count])
        ]

        def raw_insert() -> None:
            with engine.begin() as connection:
                connection.execute(insert(Reading.__table__), rows)  # type: ignore[attr-defined]

        figures.append(("raw INSERT of the same rows", count, _timed(raw_insert)))
        if backend == "postgresql":
            figures.append(("raw COPY of the same rows", count, _timed(lambda: _copy(engine, portfolio, count))))
    finally:
        engine.dispose()
        drop_database(url)
    return figures


def _http_batch(url: str, portfolio: Portfolio, count: int) -> float:
    os.environ["RDC_DATABASE_URL"] = url
    os.environ.setdefault("RDC_JWT_SECRET", "bench-secret-" + "x" * 40)
    # The server's own sweep (at start-up, then every 15 minutes) would evaluate the whole portfolio while the
    # request runs; a city's ERP posts between sweeps, so it is off for the measurement.
    os.environ["RDC_SWEEP_INTERVAL_SECONDS"] = "0"
    os.environ["RDC_JOBS_IN_PROCESS"] = "false"
    os.environ.setdefault("RDC_LOG_LEVEL", "warning")
    from app.auth import tokens
    from app.config import get_settings
    from app.db import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()
    from fastapi.testclient import TestClient

    from app.auth.models import User
    from app.auth.roles import Role
    from app.main import app
    from app.status.drain import drain

    with Session(get_engine()) as session:
        user = User(email="bench@city.example", full_name="Bench", role=Role.admin, password_hash="x")
        session.add(user)
        session.commit()
        token = tokens.issue(get_settings(), subject=f"user:{user.id}", role="admin").access_token
    body = {"readings": _items(portfolio, "2026-02", count, lambda i: str(50 + i % 40))}
    # The status refresh of the touched metrics is queued in the request's transaction and normally runs right
    # after the response (which the test client would wait for): the server only queues here, and the drain is
    # timed separately.
    with TestClient(app) as client:
        # A running server has compiled its statements and warmed its connections: one small batch first.
        warm = {"readings": _items(portfolio, "2025-12", 10, lambda i: "50")}
        warmed = client.post("/api/v1/readings/batch", json=warm, headers={"Authorization": f"Bearer {token}"})
        assert warmed.status_code == 200, warmed.text[:500]
        drain(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)
        started = time.perf_counter()
        response = client.post("/api/v1/readings/batch", json=body, headers={"Authorization": f"Bearer {token}"})
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    started = time.perf_counter()
    drain(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)
    REFRESH_SECONDS.append(time.perf_counter() - started)
    get_engine().dispose()
    get_engine.cache_clear()
    return elapsed


def _copy(engine: Any, portfolio: Portfolio, count: int) -> None:
    now = utcnow()
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        columns = (
            "metric_id, period_start, period_end, value, source, revision, recorded_by, created_at, updated_at, version"
        )
        with cursor.copy(f"COPY reading ({columns}) FROM STDIN") as copy:
            for i, metric_id in enumerate(portfolio.metric_ids[:count]):
                copy.write_row(
                    (
                        metric_id,
                        date(2026, 4, 1),
                        date(2026, 4, 30),
                        Decimal(50 + i % 40),
                        "erp",
                        1,
                        "bench",
                        now,
                        now,
                        1,
                    )
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--metrics-per-contract", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        for backend in args.backends.split(","):
            figures = run(backend, args.contracts, args.metrics_per_contract, args.batch, workdir)
            raw = next(seconds for label, _, seconds in figures if label.startswith("raw INSERT"))
            print(f"\n{backend}: {args.contracts} contracts x {args.metrics_per_contract} metrics")
            print(f"{'path':<36}{'rows':>8}{'seconds':>10}{'rows/s':>12}{'x raw INSERT':>14}")
            for label, rows, seconds in figures:
                print(f"{label:<36}{rows:>8}{seconds:>10.3f}{rows / seconds:>12,.0f}{raw / seconds:>14.2f}")


if __name__ == "__main__":
    main()
