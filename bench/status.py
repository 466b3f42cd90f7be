"""Off-track engine at city scale on PostgreSQL: full re-evaluation time and the alert list latency.

    .venv/bin/python -m bench.status [--contracts 10000] [--metrics-per-contract 5] [--months 36]

Seeds 10,000 contracts x 5 metrics = 50,000 metrics and 36 monthly readings each (1.8 million, minus the
metrics that stopped reporting), runs the sweep twice (first evaluation, then an idempotent re-run), and
times GET /api/v1/alerts?assignee=me for one contract manager over many requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from sqlalchemy import text

from app.db import utcnow
from app.periods import Cadence, containing
from bench.portfolio import add_monthly_readings, assign_managers, drop_database, engine_for, fresh_database, seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--metrics-per-contract", type=int, default=5)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--backend", default="postgresql")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(args.backend, workdir)
        engine = engine_for(url)
        try:
            started = time.perf_counter()
            portfolio = seed(engine, contracts=args.contracts, metrics_per_contract=args.metrics_per_contract)
            managers = assign_managers(engine, portfolio, managers=args.managers)
            last_month = containing(utcnow().date(), Cadence.monthly).start
            readings = add_monthly_readings(engine, portfolio, months=args.months, end=last_month)
            if engine.dialect.name == "postgresql":
                with engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            print(
                f"seeded {portfolio.contracts} contracts, {portfolio.metrics} metrics, {readings:,} readings "
                f"in {time.perf_counter() - started:.1f}s"
            )

            os.environ["RDC_DATABASE_URL"] = url
            os.environ.setdefault("RDC_JWT_SECRET", "bench-secret-" + "x" * 40)
            os.environ["RDC_SWEEP_INTERVAL_SECONDS"] = "0"
            from app.config import get_settings
            from app.db import get_engine
            from app.status.sweep import sweep

            get_settings.cache_clear()
            get_engine.cache_clear()
            for label in ("first full evaluation", "re-evaluation (nothing changed)"):
                started = time.perf_counter()
                settings = get_settings()
                summary = sweep(
                    get_engine(),
                    fiscal_start_month=settings.fiscal_year_start_month,
                    processes=settings.sweep_processes,
                )
                elapsed = time.perf_counter() - started
                assert summary is not None
                print(
                    f"sweep, {label}: {summary.metrics:,} metrics in {elapsed:.2f}s "
                    f"({summary.metrics / elapsed:,.0f} metrics/s); statuses {dict(summary.by_status)}; "
                    f"alerts opened {summary.alerts_opened:,}"
                )
            _alert_latency(managers[0], args.requests)
        finally:
            engine.dispose()
            from app.db import get_engine as cached

            cached().dispose()
            drop_database(url)


def _alert_latency(manager_id: int, requests: int) -> None:
    from fastapi.testclient import TestClient

    from app.auth import tokens
    from app.config import get_settings
    from app.main import app

    token = tokens.issue(get_settings(), subject=f"user:{manager_id}", role="contract_manager").access_token
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    with TestClient(app) as client:
        first = client.get("/api/v1/alerts?assignee=me&limit=50", headers=headers)
        assert first.status_code == 200, first.text
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get("/api/v1/alerts?assignee=me&limit=50", headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"GET /api/v1/alerts?assignee=me (manager with {first.json()['total']:,} open alerts): "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms over {requests} requests"
    )


if __name__ == "__main__":
    main()
