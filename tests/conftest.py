"""Test fixtures: every database test runs on SQLite and on PostgreSQL, each in a database of its own.

PostgreSQL: one database per test session (and xdist worker), migrated once, truncated before each test.
SQLite: one migrated template file per session, copied for each test.
Where PostgreSQL cannot be reached, a local run skips that half with a message; under CI=true it fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session

os.environ.setdefault("RDC_ENV", "test")
os.environ.setdefault("RDC_JWT_SECRET", "test-secret-" + "x" * 40)
os.environ.setdefault("RDC_SWEEP_INTERVAL_SECONDS", "0")
# Tests run the jobs and periodic rounds themselves, at the moment (and with the clock) they choose; requests
# still refresh metrics after their responses. The tests of the jobs turn the worker on (tests/jobs/), and so
# do the servers the tests start as processes (tests/servers.py).
os.environ.setdefault("RDC_JOBS_WORKER_THREAD", "false")
os.environ.setdefault("RDC_JOBS_PERIODIC", "false")

from app import migrations
from app.auth import tokens
from app.auth.models import User, UserDepartment
from app.auth.passwords import hash_secret
from app.auth.roles import Role
from app.config import get_settings
from app.db import get_engine, utcnow
from app.models import metadata
from tests.servers import start_uvicorn
from tests.support import Actor, City, contract_payload, created, metric_payload

PG_ADMIN_URL = os.environ.get("RDC_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first: xdist hands tests out in order, so a minute-long test started last would run alone."""
    items.sort(key=lambda item: item.get_closest_marker("long_running") is None)


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    available = _postgres_reachable()
    if not available and IN_CI:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}, and CI=true requires it")
    return available


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def create_postgres_database(prefix: str = "rdc_test") -> str:
    name = f"{prefix}_{_worker()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_available: bool) -> Iterator[str | None]:
    if not postgres_available:
        yield None
        return
    url = create_postgres_database()
    migrations.upgrade(url)
    yield url
    get_engine.cache_clear()
    drop_postgres_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres_url: str | None
) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    if postgres_url is None:
        pytest.skip("PostgreSQL is not reachable: skipping the PostgreSQL half (set CI=true to make this fail)")
    engine = create_engine(postgres_url)
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        # The audit tables refuse TRUNCATE (triggers); a fresh test database is the one place to bypass them.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text(f"TRUNCATE {PROCRASTINATE_TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_url


# procrastinate's own tables (not in the application's metadata): no job of an earlier test leaks into this one.
PROCRASTINATE_TABLES = "procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events, procrastinate_workers"


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """Points the application at this test's database (and its evidence files at this test's folder)."""
    monkeypatch.setenv("RDC_DATABASE_URL", database_url)
    monkeypatch.setenv("RDC_EVIDENCE_DIR", str(tmp_path / "evidence"))
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield database_url
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def session(configured: str) -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as db:
        yield db


@pytest.fixture
def client(configured: str) -> Iterator[TestClient]:
    from app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_secret(TEST_PASSWORD)  # argon2 is slow on purpose: hash once per session


@pytest.fixture
def make_actor(client: TestClient, session: Session, password_hash: str) -> Any:
    """Creates a user with `role` (optionally limited to departments, or working for a vendor) and returns them
    signed in."""

    def make(
        role: Role, department_ids: tuple[int, ...] = (), email: str | None = None, vendor_id: int | None = None
    ) -> Actor:
        domain = "vendor.example" if role == Role.vendor else "city.example"
        user = User(
            email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@{domain}",
            full_name=f"Test {role.value}",
            role=role,
            password_hash=password_hash,
            vendor_id=vendor_id,
        )
        session.add(user)
        session.flush()
        for department_id in department_ids:
            session.add(UserDepartment(user_id=user.id, department_id=department_id))
        session.commit()
        token = tokens.issue(get_settings(), subject=f"user:{user.id}", role=role.value).access_token
        return Actor(client, {"Authorization": f"Bearer {token}"}, user.id)

    return make


@pytest.fixture
def admin(make_actor: Any) -> Actor:
    return make_actor(Role.admin, email="admin@city.example")


@pytest.fixture
def buyer(make_actor: Any) -> Actor:
    return make_actor(Role.procurement_officer, email="buyer@city.example")


@pytest.fixture
def viewer(make_actor: Any) -> Actor:
    return make_actor(Role.viewer, email="viewer@city.example")


@pytest.fixture
def anonymous(client: TestClient) -> Actor:
    return Actor(client)


@pytest.fixture
def city(admin: Actor) -> City:
    api = "/api/v1"
    dot = created(admin.post(f"{api}/departments", json={"name": "Department of Transportation", "code": "DOT"}))
    hsd = created(admin.post(f"{api}/departments", json={"name": "Human Services Department", "code": "HSD"}))
    paving = created(
        admin.post(
            f"{api}/vendors",
            json={"legal_name": "Metro Paving Co.", "identifier": "12-3456789", "contact_email": "ops@paving.example"},
        )
    )
    housing = created(
        admin.post(f"{api}/vendors", json={"legal_name": "Safe Haven Housing Alliance", "identifier": "34-5678901"})
    )
    vision_zero = created(
        admin.post(
            f"{api}/priorities", json={"code": "vision-zero", "title": "Vision Zero: zero traffic deaths by 2030"}
        )
    )
    rfp = created(
        admin.post(
            f"{api}/procurements",
            json={
                "title": "Citywide pothole repair services",
                "department_id": dot,
                "method": "rfp",
                "status": "awarded",
                "estimated_value": "5000000.00",
                "external_id": "RFP-25-017",
            },
        )
    )
    contract = created(
        admin.post(
            f"{api}/contracts",
            json=contract_payload(vendor_id=paving, department_id=dot, procurement_id=rfp),
        )
    )
    grant = created(
        admin.post(
            f"{api}/grants",
            json=contract_payload(
                number="G-2025-0031",
                title="Rapid rehousing for families",
                vendor_id=housing,
                department_id=hsd,
                external_id="GR-2025-031",
                start_date="2025-09-01",
                end_date="2027-08-31",
            ),
        )
    )
    pothole_goal = created(
        admin.post(
            f"{api}/contracts/{contract}/goals",
            json={"title": "Repair reported potholes within 48 hours", "priority_id": vision_zero},
        )
    )
    pothole_metric = created(admin.post(f"{api}/goals/{pothole_goal}/metrics", json=metric_payload()))
    rehousing_goal = created(
        admin.post(f"{api}/grants/{grant}/goals", json={"title": "Move families into stable housing"})
    )
    rehousing_metric = created(
        admin.post(
            f"{api}/goals/{rehousing_goal}/metrics",
            json=metric_payload(
                code="HOUSED",
                name="Households housed",
                unit="households",
                unit_code=None,
                baseline_value="8",
                baseline_date="2025-09-01",
                target_value="20",
                target_date="2027-08-31",
                valid_max=None,
            ),
        )
    )
    return City(
        dot,
        hsd,
        paving,
        housing,
        vision_zero,
        rfp,
        contract,
        grant,
        pothole_goal,
        pothole_metric,
        rehousing_goal,
        rehousing_metric,
    )


@pytest.fixture
def live_server(configured: str) -> Iterator[str]:
    """A real uvicorn with 2 worker processes on this test's database; yields its base URL."""
    env = {"RDC_LOG_LEVEL": "warning"} | os.environ | {"RDC_DATABASE_URL": configured}
    server = start_uvicorn(env, workers=2)
    yield server.base
    server.stop()


@pytest.fixture
def manager(make_actor: Any, city: City) -> Actor:
    return make_actor(Role.contract_manager, (city.transportation,), email="casey@city.example")


@pytest.fixture
def streetlights(admin: Actor, city: City, manager: Actor) -> dict[str, int]:
    """An active contract running a year either side of today, managed by `manager`, with one monthly metric."""
    today = utcnow().date()
    contract = created(
        admin.post(
            "/api/v1/contracts",
            json=contract_payload(
                number="C-LIGHTS-01",
                title="Street light repair",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
                external_id="PO-LIGHTS-01",
                start_date=(today - timedelta(days=365)).isoformat(),
                end_date=(today + timedelta(days=365)).isoformat(),
                contract_manager_id=manager.user_id,
            ),
        )
    )
    goal = created(admin.post(f"/api/v1/contracts/{contract}/goals", json={"title": "Fix outages fast"}))
    metric = created(
        admin.post(
            f"/api/v1/goals/{goal}/metrics",
            json=metric_payload(
                code="LIGHTS-72H",
                name="Outages repaired within 72 hours",
                baseline_value="80",
                baseline_date=(today - timedelta(days=365)).isoformat(),
                target_value="80",
                target_date=(today + timedelta(days=365)).isoformat(),
                grace_days=10,
            ),
        )
    )
    return {"contract": contract, "metric": metric}
