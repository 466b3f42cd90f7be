"""A parallel sweep runs in worker processes that die with the server (tests/kit/test_processes.py proves the
pool itself); here: the sweep really works through that pool, and a server's shutdown stops it."""

from __future__ import annotations

import multiprocessing

import pytest

from app.config import get_settings
from app.db import get_engine
from app.status import sweep as sweeping
from tests.support import City


def test_a_parallel_sweep_refreshes_every_metric_in_worker_processes_and_leaves_none_behind(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeping, "PARALLEL_THRESHOLD", 1)  # the city's two metrics: one worker each

    summary = sweeping.sweep(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month, processes=2)

    assert summary is not None
    assert summary.metrics == 2
    assert multiprocessing.active_children() == []
