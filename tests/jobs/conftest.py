"""Worker processes (`rdc worker`) against this test's PostgreSQL database."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from app.config import get_settings
from tests.servers import Server, free_port

WAIT = 240  # seconds: generous, the machine may be busy; the tests check that things happen, not how fast


@pytest.fixture
def jobs_env(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    if not configured.startswith("postgresql"):
        pytest.skip("worker processes sharing one queue: PostgreSQL (the embedded server runs jobs in-process)")
    settings = {
        "RDC_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "RDC_JOBS_IN_PROCESS": "false",  # this test process only writes; the worker processes do the jobs
        "RDC_JOBS_STALLED_SECONDS": "3",
        "RDC_JOBS_PERIODIC": "true",  # e.g. the recovery round that finds a dead worker's jobs
        "RDC_EVENTS_DISPATCH_SECONDS": "1",
        "RDC_LOG_LEVEL": "warning",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield dict(os.environ) | settings
    get_settings.cache_clear()


def worker(env: dict[str, str]) -> Server:
    return Server([sys.executable, "-m", "app.cli", "worker", "--concurrency", "2"], port=free_port(), env=env)
