"""A synthetic city-sized portfolio for benchmarks, written with set-based inserts (not the API)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, create_engine, insert, text

from app import migrations
from app.awards.models import Award
from app.db import make_engine, utcnow
from app.departments.models import Department
from app.goals.models import Goal
from app.metrics.models import Metric
from app.vendors.models import Vendor

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_STAMP = {"version": 1}
READING_COLUMNS = (
    "metric_id, period_start, period_end, value, source, revision, recorded_by, created_at, updated_at, version"
)


@dataclass(frozen=True)
class Portfolio:
    contracts: int
    metrics: int
    metric_ids: list[int]
    # (contract external id, metric code) for each metric, in the same order as metric_ids
    external_keys: list[tuple[str, str]]


def fresh_database(backend: str, workdir: str) -> str:
    """A new, migrated database URL for `backend` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir}/bench-{uuid.uuid4().hex[:8]}.db"
    else:
        name = f"rdc_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    migrations.upgrade(url)
    return url


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()


def seed(engine: Engine, *, contracts: int, metrics_per_contract: int, departments: int = 20) -> Portfolio:
    now = utcnow()
    stamp = _STAMP | {"created_at": now, "updated_at": now}
    with engine.begin() as connection:
        connection.execute(
            insert(Department.__table__),  # type: ignore[attr-defined]
            [stamp | {"id": d + 1, "name": f"Department {d + 1}", "code": f"D{d + 1:03d}"} for d in range(departments)],
        )
        vendors = max(1, contracts // 20)
        connection.execute(
            insert(Vendor.__table__),  # type: ignore[attr-defined]
            [
                stamp
                | {
                    "id": v + 1,
                    "legal_name": f"Vendor {v + 1} LLC",
                    "identifier_scheme": "ein",
                    "identifier": f"V-{v + 1:07d}",
                    "is_active": True,
                }
                for v in range(vendors)
            ],
        )
        connection.execute(
            insert(Award.__table__),  # type: ignore[attr-defined]
            [
                stamp
                | {
                    "id": c + 1,
                    "kind": "contract",
                    "number": f"C-{c + 1:06d}",
                    "title": f"Services contract {c + 1}",
                    "vendor_id": c % vendors + 1,
                    "department_id": c % departments + 1,
                    "value": Decimal("250000.00"),
                    "currency": "USD",
                    "start_date": date(2024, 7, 1),
                    "end_date": date(2028, 6, 30),
                    "status": "active",
                    "external_id": f"PO-{c + 1:08d}",
                }
                for c in range(contracts)
            ],
        )
        connection.execute(
            insert(Goal.__table__),  # type: ignore[attr-defined]
            [
                stamp | {"id": c + 1, "title": f"Outcomes of contract {c + 1}", "award_id": c + 1, "is_public": True}
                for c in range(contracts)
            ],
        )
        metric_rows = []
        for c in range(contracts):
            for m in range(metrics_per_contract):
                metric_rows.append(
                    stamp
                    | {
                        "id": c * metrics_per_contract + m + 1,
                        "goal_id": c + 1,
                        "award_id": c + 1,
                        "code": f"KPI-{m + 1}",
                        "name": f"Key metric {m + 1}",
                        "unit": "percent",
                        "direction": "increase" if m % 3 else "decrease",
                        "baseline_value": Decimal(60),
                        "baseline_date": date(2024, 7, 1),
                        "target_value": Decimal(90) if m % 3 else Decimal(20),
                        "target_date": date(2028, 6, 30),
                        "interim_targets": [],
                        "cadence": "monthly",
                        "indicator_type": "lagging",
                        "is_public": True,
                        "tolerance_mode": "percent",
                        "at_risk_tolerance": Decimal(5),
                        "off_track_tolerance": Decimal(15),
                        "valid_min": Decimal(0),
                        "valid_max": Decimal(100),
                        "grace_days": 15,
                        "escalate_after_periods": 3,
                    }
                )
        for start in range(0, len(metric_rows), 5000):
            connection.execute(insert(Metric.__table__), metric_rows[start : start + 5000])  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            for table in ("department", "vendor", "award", "goal", "metric"):
                connection.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    return Portfolio(
        contracts=contracts,
        metrics=len(metric_rows),
        metric_ids=[row["id"] for row in metric_rows],
        external_keys=[(f"PO-{row['award_id']:08d}", row["code"]) for row in metric_rows],
    )


def engine_for(url: str) -> Engine:
    return make_engine(url)


def add_monthly_readings(engine: Engine, portfolio: Portfolio, *, months: int, end: date) -> int:
    """`months` monthly readings per metric up to `end`, drifting so that statuses are mixed (PostgreSQL: COPY)."""
    from app.periods import Cadence, periods_between

    first = date(end.year - (months // 12) - 1, end.month, 1)
    periods = periods_between(first, end, Cadence.monthly)[-months:]
    now = utcnow()
    rows = (
        (
            metric_id,
            period.start,
            period.end,
            Decimal(55 + (metric_id * 7 + n * (metric_id % 5)) % 40),
            "erp",
            1,
            "bench",
            now,
            now,
            1,
        )
        for metric_id in portfolio.metric_ids
        for n, period in enumerate(periods)
        # every 9th metric has stopped reporting its last two months: overdue
        if not (metric_id % 9 == 0 and n >= len(periods) - 2)
    )
    columns = (
        "metric_id, period_start, period_end, value, source, revision, recorded_by, created_at, updated_at, version"
    )
    count = 0
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            cursor = connection.connection.cursor()
            with cursor.copy(f"COPY reading ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    count += 1
    else:
        from app.readings.models import Reading

        names = [c.strip() for c in columns.split(",")]
        batch: list[dict[str, object]] = []
        with engine.begin() as connection:
            for row in rows:
                batch.append(dict(zip(names, row, strict=True)))
                if len(batch) == 10_000:
                    connection.execute(insert(Reading.__table__), batch)  # type: ignore[attr-defined]
                    count += len(batch)
                    batch = []
            if batch:
                connection.execute(insert(Reading.__table__), batch)  # type: ignore[attr-defined]
                count += len(batch)
    return count


def assign_managers(engine: Engine, portfolio: Portfolio, *, managers: int) -> list[int]:
    """Contract manager users, each managing an equal share of the contracts; returns their ids."""
    from app.auth.models import User

    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": 1000 + m,
                    "email": f"manager{m}@city.example",
                    "full_name": f"Manager {m}",
                    "role": "contract_manager",
                    "password_hash": "x",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for m in range(managers)
            ],
        )
        connection.execute(text("UPDATE award SET contract_manager_id = 1000 + (id % :m)"), {"m": managers})
    return [1000 + m for m in range(managers)]
