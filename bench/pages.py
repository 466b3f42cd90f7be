"""How cheap the public pages are to serve: p50/p95/mean latency and bytes per page, through uvicorn (1 worker).

    .venv/bin/python -m bench.pages [--scenario demo|city|both] [--backend postgresql] [--demo-backend sqlite]
                                    [--contracts 10000] [--months 36] [--requests 200] [--profile-over 150]

Scenarios, each on a fresh database (migrated as `rdc migrate` does):
- demo: `rdc demo`, then `rdc sweep` (SQLite by default, `--demo-backend postgresql` for PostgreSQL);
- city: bench.portfolio's synthetic city (`--contracts` x 5 metrics, `--months` monthly readings each), plus what
  the pages need and the portfolio lacks: 12 public priorities served by five goals in six, one metric in five
  kept private, and a month of history: the first sweep's transitions are dated 60 days back, then the latest
  reading of a fifth of the metrics moves (half up, half down) and a second sweep records what changed, so `/`
  reports changes as in steady state rather than on go-live day (PostgreSQL by default, `--backend sqlite`).

Then uvicorn (1 worker, RDC_LOG_LEVEL=warning, no built-in sweep or job thread: only the pages run) and, per
page, a warm-up and `--requests` sequential requests over one keep-alive httpx client: `/`, the priority with
most goals, `/search`, `/search?standing=off_track`, the contract with most public metrics, its metric with most
readings, that metric's chart, each again with If-None-Match (304 expected); then contract pages, metric pages
and charts spread over different records (no warm-up: the chart render cache is cold); and two floors: a bare
FastAPI endpoint returning a small HTML string (bench/floor.py) and `/healthz` through the app's middleware.

Prints one Markdown table per scenario. Pages whose p95 is over `--profile-over` ms are then profiled: the page's
endpoint function called in this process (no HTTP, no middleware) under pyinstrument, which is a bench-only tool:
`.venv/bin/pip install pyinstrument`.
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine, func, insert, text, update
from sqlmodel import Session, col, select

from app.awards.models import Award, AwardKind
from app.db import utcnow
from app.goals.models import Goal
from app.metrics.models import Metric
from app.periods import Cadence, containing
from app.priorities.models import Priority
from app.readings.models import Reading
from app.status.models import StatusTransition
from app.transparency.service import public_metrics, published_awards
from bench.load import _free_port, _wait_until_up
from bench.portfolio import add_monthly_readings, drop_database, engine_for, fresh_database, seed

ROOT = Path(__file__).resolve().parent.parent
RDC = str(Path(sys.executable).with_name("rdc"))
SERVER_ENV = {
    "RDC_ENV": "production",
    "RDC_JWT_SECRET": "bench-pages-secret-" + "x" * 40,
    "RDC_LOG_LEVEL": "warning",
    # Nothing but the measured requests in the server: no built-in sweep, no job worker thread.
    "RDC_SWEEP_INTERVAL_SECONDS": "0",
    "RDC_JOBS_WORKER_THREAD": "false",
}
PRIORITIES = 12
HISTORY_DAYS = 60  # how far back the city's first evaluation is dated: before the home page's 30-day window


@dataclass(frozen=True)
class Page:
    label: str
    paths: Sequence[str]  # requested in turn; more than one spreads the requests over different records
    revalidate: bool = False  # send the ETag of the first response back: 304 expected
    warm_up: bool = True


@dataclass
class Timing:
    page: Page
    millis: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    sizes: list[int] = field(default_factory=list)

    def percentile(self, quantile: float) -> float:
        ordered = sorted(self.millis)
        return ordered[max(0, math.ceil(len(ordered) * quantile) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=("demo", "city", "both"), default="both")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql", help="for the city")
    parser.add_argument("--demo-backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--contracts", type=int, default=10_000, help="contracts of the city (5 metrics each)")
    parser.add_argument("--months", type=int, default=36, help="monthly readings per metric in the city")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first")
    parser.add_argument("--profile-over", type=float, default=150, help="profile pages whose p95 is over this (ms)")
    args = parser.parse_args()

    for scenario in ("demo", "city") if args.scenario == "both" else (args.scenario,):
        backend = args.demo_backend if scenario == "demo" else args.backend
        with tempfile.TemporaryDirectory() as workdir:
            url = fresh_database(backend, workdir)
            try:
                started = time.perf_counter()
                prepared = prepare_demo(url) if scenario == "demo" else prepare_city(url, args.contracts, args.months)
                print(f"\n## {scenario} on {backend}\n\n{prepared} (prepared in {time.perf_counter() - started:.0f}s)")
                pages, floors = pages_of(url, args.requests)
                with serving("app.main:app", url) as base:
                    timings = [measure(base, page, args.requests, args.warmup) for page in pages]
                with serving("bench.floor:app", url) as base:
                    timings += [measure(base, page, args.requests, args.warmup) for page in floors]
                print_table(timings)
                slow = [t for t in timings if t.percentile(0.95) > args.profile_over and not t.page.revalidate]
                for timing in slow:
                    profile(url, timing)
            finally:
                drop_database(url)


# --- preparing the databases -----------------------------------------------------------------------


def rdc(command: str, url: str) -> str:
    """`rdc <command>` against `url`, as an operator runs it; its last line of output."""
    done = subprocess.run(
        [RDC, command],
        env=os.environ | SERVER_ENV | {"RDC_DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"rdc {command} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def prepare_demo(url: str) -> str:
    seeded = rdc("demo", url)
    return f"{seeded}\n\n{rdc('sweep', url)}"


def prepare_city(url: str, contracts: int, months: int) -> str:
    engine = engine_for(url)
    try:
        portfolio = seed(engine, contracts=contracts, metrics_per_contract=5)
        readings = add_monthly_readings(
            engine, portfolio, months=months, end=containing(utcnow().date(), Cadence.monthly).start
        )
        publish_priorities(engine)
        analyze(engine)
        first = rdc("sweep", url)
        a_month_of_history(engine)
        second = rdc("sweep", url)
        analyze(engine)
    finally:
        engine.dispose()
    return (
        f"{portfolio.contracts:,} contracts, {portfolio.metrics:,} metrics (4 in 5 public), {readings:,} readings, "
        f"{PRIORITIES} priorities\n\nfirst sweep: {first}\n\nsweep after a fifth moved: {second}"
    )


def publish_priorities(engine: Engine) -> None:
    """Public priorities that five goals in six serve, and one metric in five private (set-based)."""
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(Priority.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": p,
                    "code": f"P{p:02d}",
                    "title": f"City priority {p}",
                    "description": f"What the city means to achieve by 2030, area {p}.",
                    "target_year": 2030,
                    "is_public": True,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for p in range(1, PRIORITIES + 1)
            ],
        )
        goal = Goal.__table__.c  # type: ignore[attr-defined]
        connection.execute(update(Goal.__table__).where(goal.id % 6 != 0).values(priority_id=goal.id % PRIORITIES + 1))  # type: ignore[attr-defined]
        metric = Metric.__table__.c  # type: ignore[attr-defined]
        connection.execute(update(Metric.__table__).where(metric.id % 5 == 0).values(is_public=False))  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('priority_id_seq', (SELECT max(id) FROM priority))"))


def a_month_of_history(engine: Engine) -> None:
    """Dates the first evaluation `HISTORY_DAYS` back, then moves the latest judged reading of a fifth of the metrics: a
    tenth to the top of the valid range, a tenth to the bottom (all of them increasing metrics, KPI-3), so that
    the next sweep records standings that improved and worsened within the home page's 30-day window."""
    reading = Reading.__table__.c  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(StatusTransition.__table__).values(occurred_at=utcnow() - timedelta(days=HISTORY_DAYS))  # type: ignore[attr-defined]
        )
        # The latest period that has ended: an open period's reading is provisional, judged once it is over.
        latest = connection.execute(
            select(func.max(reading.period_start)).where(reading.period_end < utcnow().date())
        ).scalar_one()
        for remainder, value in ((3, 100), (8, 0)):
            connection.execute(
                update(Reading.__table__)  # type: ignore[attr-defined]
                .where(reading.metric_id % 10 == remainder, reading.period_start == latest)
                .values(value=value)
            )


def analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


# --- what to request -------------------------------------------------------------------------------


def pages_of(url: str, requests: int) -> tuple[list[Page], list[Page]]:
    """The pages to time (chosen from the data, so that they have content) and the floors."""
    engine = engine_for(url)
    try:
        with Session(engine) as session:
            contract, metric, priority = _busiest(session)
            contracts = session.exec(
                select(Award.id).where(Award.kind == AwardKind.contract, published_awards()).order_by(col(Award.id))
            ).all()
            metrics = session.exec(
                select(Metric.id)
                .join(Goal, col(Goal.id) == Metric.goal_id)
                .join(Award, col(Award.id) == Metric.award_id)
                .where(*public_metrics(), published_awards())
                .order_by(col(Metric.id))
            ).all()
    finally:
        engine.dispose()
    fixed = [
        ("/", "/"),
        ("priority", f"/priorities/{priority}"),
        ("search", "/search"),
        ("search off track", "/search?standing=off_track"),
        ("contract", f"/contracts/{contract}"),
        ("metric", f"/metrics/{metric}"),
        ("metric chart", f"/metrics/{metric}/chart.svg"),
    ]
    pages = [Page(label, [path]) for label, path in fixed]
    pages += [Page(f"{label}, 304", [path], revalidate=True) for label, path in fixed]
    # Spread over the whole id range, not the first records only; no warm-up, so the charts are drawn cold.
    some_contracts, some_metrics = _spread(contracts, requests), _spread(metrics, requests)
    pages += [
        Page(
            f"contracts ({len(some_contracts)} different)", [f"/contracts/{i}" for i in some_contracts], warm_up=False
        ),
        Page(f"metrics ({len(some_metrics)} different)", [f"/metrics/{i}" for i in some_metrics], warm_up=False),
        Page(
            f"charts ({len(some_metrics)} different)", [f"/metrics/{i}/chart.svg" for i in some_metrics], warm_up=False
        ),
        Page("floor: /healthz through the app", ["/healthz"]),
    ]
    return pages, [Page("floor: bare FastAPI HTML", ["/"])]


def _spread(ids: Sequence[int | None], count: int) -> list[int]:
    return [int(i or 0) for i in ids[:: max(1, len(ids) // count)][:count]]


def _busiest(session: Session) -> tuple[int, int, int]:
    """The published contract with most public metrics, its public metric with most readings, and the public
    priority served by most public goals of published contracts and grants."""
    public_metric = (
        select(Metric.award_id, func.count().label("n"))
        .join(Goal, col(Goal.id) == Metric.goal_id)
        .join(Award, col(Award.id) == Metric.award_id)
        .where(*public_metrics(), published_awards(), Award.kind == AwardKind.contract)
        .group_by(col(Metric.award_id))
    )
    contract = session.exec(public_metric.order_by(text("n DESC"), col(Metric.award_id)).limit(1)).first()
    if contract is None:
        raise SystemExit("no published contract with a public metric")
    contract_id = int(contract[0] or 0)
    metric = session.exec(
        select(Metric.id, func.count(col(Reading.id)).label("n"))
        .join(Goal, col(Goal.id) == Metric.goal_id)
        .outerjoin(Reading, col(Reading.metric_id) == Metric.id)
        .where(Metric.award_id == contract_id, *public_metrics())
        .group_by(col(Metric.id))
        .order_by(text("n DESC"), col(Metric.id))
        .limit(1)
    ).first()
    priority = session.exec(
        select(Goal.priority_id, func.count().label("n"))
        .join(Priority, col(Priority.id) == Goal.priority_id)
        .join(Award, col(Award.id) == Goal.award_id)
        .where(col(Goal.is_public).is_(True), col(Priority.is_public).is_(True), published_awards())
        .group_by(col(Goal.priority_id))
        .order_by(text("n DESC"), col(Goal.priority_id))
        .limit(1)
    ).first()
    if metric is None or priority is None:
        raise SystemExit("no public metric, or no public priority with a published goal")
    return contract_id, int(metric[0] or 0), int(priority[0] or 0)


# --- serving and timing ----------------------------------------------------------------------------


@contextmanager
def serving(app: str, url: str) -> Iterator[str]:
    """uvicorn with 1 worker serving `app` on `url`'s database, as bench/load.py starts it; its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", "1", "--log-level", "warning"],
        env=os.environ | SERVER_ENV | {"RDC_DATABASE_URL": url},
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(base: str, page: Page, requests: int, warmup: int) -> Timing:
    timing = Timing(page)
    expected = 304 if page.revalidate else 200
    with httpx.Client(base_url=base, timeout=60) as client:
        headers = {}
        if page.revalidate:
            headers["If-None-Match"] = client.get(page.paths[0]).headers["etag"]
        for n in range(warmup if page.warm_up else 0):
            client.get(page.paths[n % len(page.paths)], headers=headers)
        for n in range(requests):
            started = time.perf_counter()
            response = client.get(page.paths[n % len(page.paths)], headers=headers)
            timing.millis.append((time.perf_counter() - started) * 1000)
            timing.statuses[response.status_code] += 1
            timing.sizes.append(len(response.content))
    if set(timing.statuses) != {expected}:
        print(f"warning: {page.label} answered {dict(timing.statuses)}, expected only {expected}")
    return timing


def print_table(timings: Sequence[Timing]) -> None:
    print("\n| page | path | n | status | p50 ms | p95 ms | mean ms | bytes |")
    print("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for t in timings:
        path = t.page.paths[0] if len(t.page.paths) == 1 else f"{t.page.paths[0]} ..."
        statuses = ", ".join(
            f"{code} x{count}" if len(t.statuses) > 1 else str(code) for code, count in t.statuses.items()
        )
        print(
            f"| {t.page.label} | `{path}` | {len(t.millis)} | {statuses} | {statistics.median(t.millis):.1f} "
            f"| {t.percentile(0.95):.1f} | {statistics.fmean(t.millis):.1f} | {statistics.fmean(t.sizes):,.0f} |"
        )


# --- profiling -------------------------------------------------------------------------------------


def profile(url: str, timing: Timing, *, calls: int = 10, lines: int = 45) -> None:
    """The top of a pyinstrument profile of the page's endpoint, called `calls` times in this process."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print(f"\n{timing.page.label} is slow; `.venv/bin/pip install pyinstrument` to profile it")
        return
    os.environ.update(SERVER_ENV | {"RDC_DATABASE_URL": url})
    from app.config import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    engine = engine_for(url)
    paths = timing.page.paths[:calls]
    calls_of = [_endpoint_call(path) for path in paths]
    try:
        with Session(engine, expire_on_commit=False) as session:
            calls_of[0](session, settings)  # warm: templates compiled, connection pooled
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for n in range(calls):
            # A session per call, as each request has its own.
            with Session(engine, expire_on_commit=False) as session:
                calls_of[n % len(calls_of)](session, settings)
        profiler.stop()
    finally:
        engine.dispose()
    print(f"\n### profile: {timing.page.label} (`{paths[0]}`), {calls} calls of the endpoint, no HTTP\n\n```")
    print("\n".join(profiler.output_text(show_all=False).splitlines()[:lines]))
    print("```\n\nself time, top 15:\n\n```")
    print("\n".join(profiler.output_text(flat=True).splitlines()[:20]))
    print("```")


def _endpoint_call(path: str) -> Callable[[Session, Any], object]:
    """The public page route that serves `path`, as a call with the request's session and settings."""
    from starlette.requests import Request
    from starlette.routing import Match

    from app.transparency.pages import router

    parts = urlsplit(path)
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": parts.path,
        "root_path": "",
        "query_string": parts.query.encode(),
        "headers": [],
    }
    for route in router.routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            endpoint = route.endpoint  # type: ignore[attr-defined]
            arguments = dict(child["path_params"])
            wanted = inspect.signature(endpoint).parameters
            if "request" in wanted:
                arguments["request"] = Request({**scope, **child})
            return lambda session, settings: endpoint(session=session, settings=settings, **arguments)
    raise LookupError(f"no public page serves {path}")


if __name__ == "__main__":
    main()
