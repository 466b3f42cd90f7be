"""Alembic owns the schema: upgrade, downgrade and upgrade again work, and models match migrations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app import migrations
from app.db import make_engine
from app.models import metadata
from tests.conftest import create_postgres_database, drop_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path, postgres_available: bool) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    if not postgres_available:
        pytest.skip("PostgreSQL is not reachable")
    url = create_postgres_database("rdc_migrations")
    yield url
    drop_postgres_database(url)


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": migrations.include_name}
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    return list(differences)


def test_upgrade_downgrade_upgrade_leaves_a_schema_identical_to_the_models(empty_database: str) -> None:
    migrations.upgrade(empty_database)
    engine = make_engine(empty_database)
    assert migrations.is_at_head(engine)

    migrations.downgrade(empty_database, "base")
    assert not migrations.is_at_head(engine)

    migrations.upgrade(empty_database)
    assert migrations.is_at_head(engine)
    engine.dispose()
    assert _differences(empty_database) == []
