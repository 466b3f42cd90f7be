"""Webhook test fixtures: a loopback receiver the allow-list admits, and helpers to drive the pipeline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import get_settings
from tests.webhooks.receiver import Receiver


@pytest.fixture(autouse=True)
def webhook_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Loopback receivers allowed; no in-process worker, so the tests run every job step themselves."""
    monkeypatch.setenv("RDC_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("RDC_WEBHOOK_TIMEOUT_SECONDS", "5")
    monkeypatch.setenv("RDC_JOBS_IN_PROCESS", "false")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().running() as running:
        yield running


@pytest.fixture
def another_receiver() -> Iterator[Receiver]:
    with Receiver().running() as running:
        yield running
