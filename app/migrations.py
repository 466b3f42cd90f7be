"""Runs Alembic from code (server start-up, `rdc migrate`, tests)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from alembic import command


def _alembic_ini() -> Path:
    # A source checkout keeps alembic.ini beside the package; an installed package (the Docker image) runs
    # from the directory that holds it.
    beside_package = Path(__file__).resolve().parent.parent / "alembic.ini"
    return beside_package if beside_package.exists() else Path.cwd() / "alembic.ini"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(_alembic_ini()))
    config.attributes["configure_logger"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


@lru_cache
def _heads() -> frozenset[str]:
    # The migration scripts do not change while the process runs; reading them once keeps /readyz cheap.
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == _heads()


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's autogenerate filter: procrastinate's tables are procrastinate's (created by its schema file)."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))
