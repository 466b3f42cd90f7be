"""An orchestrator asks two questions: is the process alive (`/healthz`, restart it if not) and can it serve
(`/readyz`, send it traffic only then). Ready means the database answers and its schema is at the latest
migration; otherwise the answer is 503 problem+json, while `/healthz` stays 200."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import migrations
from app.config import get_settings
from app.db import get_engine
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.support import assert_problem


@pytest.fixture
def served_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Serves the app on a database URL of the test's choosing."""
    clients: list[TestClient] = []

    def serve(url: str) -> TestClient:
        monkeypatch.setenv("RDC_DATABASE_URL", url)
        get_settings.cache_clear()
        get_engine.cache_clear()
        from app.main import create_app

        client = TestClient(create_app())
        clients.append(client)
        return client

    yield serve
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path, postgres_available: bool) -> Iterator[str]:
    """A database that exists but was never migrated: what a new deployment sees before `rdc migrate`."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not postgres_available:
        pytest.skip("PostgreSQL is not reachable")
    url = create_postgres_database("rdc_fresh")
    yield url
    get_engine().dispose()  # the app's pool, before the database goes
    drop_postgres_database(url)


def test_a_migrated_database_is_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_a_database_without_the_schema_is_not_ready_until_it_is_migrated(
    empty_database: str, served_on: object
) -> None:
    client = served_on(empty_database)  # type: ignore[operator]

    assert client.get("/healthz").status_code == 200  # alive: no reason to restart it
    body = assert_problem(client.get("/readyz"), 503)
    assert body["type"].endswith("/not-ready")
    assert "migration" in body["detail"]

    migrations.upgrade(empty_database)
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/results.db",
        "postgresql+psycopg://postgres@127.0.0.1:1/results?connect_timeout=2",  # nothing listens on port 1
    ],
    ids=["sqlite", "postgresql"],
)
def test_an_unreachable_database_is_not_ready_but_the_process_is_alive(url: str, served_on: object) -> None:
    client = served_on(url)  # type: ignore[operator]

    assert client.get("/healthz").status_code == 200
    body = assert_problem(client.get("/readyz"), 503)
    assert body["detail"] == "the database does not answer"  # no connection string, no driver message
