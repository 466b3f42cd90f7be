"""Mixed load against uvicorn with 2 workers on PostgreSQL: ERP batches, alert lists and status reads.

    .venv/bin/python -m bench.load [--clients 16] [--seconds 30] [--contracts 2000]

Prints throughput, p50/p95/p99 latency per kind of request and the error count (any status >= 500, or
an unexpected 4xx). Zero errors is the bar.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import httpx

from app.db import utcnow
from app.periods import Cadence, containing, label
from bench.portfolio import add_monthly_readings, assign_managers, drop_database, engine_for, fresh_database, seed

SECRET = "bench-load-secret-" + "x" * 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500, help="readings per ERP batch")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database("postgresql", workdir)
        engine = engine_for(url)
        process = None
        try:
            portfolio = seed(engine, contracts=args.contracts, metrics_per_contract=5)
            managers = assign_managers(engine, portfolio, managers=20)
            last_month = containing(utcnow().date(), Cadence.monthly).start
            add_monthly_readings(engine, portfolio, months=12, end=last_month)
            engine.dispose()
            env = os.environ | {
                "RDC_DATABASE_URL": url,
                "RDC_JWT_SECRET": SECRET,
                "RDC_ENV": "production",
                "RDC_SWEEP_INTERVAL_SECONDS": "0",
            }
            from app.status.sweep import sweep

            os.environ.update({"RDC_DATABASE_URL": url, "RDC_JWT_SECRET": SECRET})
            sweep(engine_for(url), fiscal_start_month=7, processes=2)
            port = _free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "app.main:app",
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=Path(__file__).resolve().parent.parent,
            )
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base)
            results = _run(base, portfolio, managers, args)
            _report(results, args)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
            drop_database(url)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("uvicorn did not start")


def _tokens(managers: list[int]) -> tuple[str, list[str]]:
    os.environ["RDC_JWT_SECRET"] = SECRET
    from app.auth import tokens
    from app.config import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    admin = tokens.issue(settings, subject="user:1000", role="contract_manager").access_token
    return admin, [tokens.issue(settings, subject=f"user:{m}", role="contract_manager").access_token for m in managers]


def _run(base: str, portfolio, managers: list[int], args) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    erp_token, manager_tokens = _tokens(managers)
    last_closed = containing(utcnow().date(), Cadence.monthly).start - timedelta(days=1)
    period = label(containing(last_closed, Cadence.monthly), Cadence.monthly)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    stop = time.monotonic() + args.seconds
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < stop:
                roll = rng.random()
                if roll < 0.15:
                    kind = "erp batch"
                    start = rng.randrange(0, max(1, portfolio.metrics - args.batch))
                    items = [
                        {
                            "contract_external_id": ext,
                            "metric_code": code,
                            "period": period,
                            "value": str(rng.randint(40, 99)),
                        }
                        for ext, code in portfolio.external_keys[start : start + args.batch]
                    ]
                    request = ("POST", "/api/v1/readings/batch", {"json": {"readings": items}}, erp_token)
                elif roll < 0.6:
                    kind = "alert list"
                    request = ("GET", "/api/v1/alerts?assignee=me&limit=50", {}, rng.choice(manager_tokens))
                else:
                    kind = "contract status"
                    contract = rng.randint(1, portfolio.contracts)
                    request = ("GET", f"/api/v1/contracts/{contract}/status", {}, erp_token)
                method, path, extra, token = request
                started = time.perf_counter()
                response = http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **extra)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    timings[kind].append(elapsed)
                    if response.status_code >= 400:
                        errors.append(f"{kind}: {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings["errors"] = [float(len(errors))]
    for error in errors[:5]:
        print("error:", error)
    return timings


def _percentile(ordered: list[float], quantile: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * quantile))]


def _report(timings: dict[str, list[float]], args) -> None:  # type: ignore[no-untyped-def]
    errors = int(timings.pop("errors")[0])
    total = sum(len(v) for v in timings.values())
    print(f"{args.clients} clients for {args.seconds:.0f}s against uvicorn (2 workers) on PostgreSQL")
    print(f"{'request':<18}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(timings.items()):
        values.sort()
        print(
            f"{kind:<18}{len(values):>8}{len(values) / args.seconds:>9.1f}{statistics.median(values):>9.1f}"
            f"{_percentile(values, 0.95):>9.1f}{_percentile(values, 0.99):>9.1f}"
        )
    print(f"total {total} requests, {total / args.seconds:.1f} req/s, errors: {errors}")


if __name__ == "__main__":
    main()
