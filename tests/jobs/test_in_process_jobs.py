"""The embedded server runs the jobs itself: an API process's worker thread works off what was committed even
when the nudge after the commit was lost (the process died between its commit and its nudge), through its
periodic rounds; on SQLite that in-memory queue is the only one there is."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlmodel import Session

from app.config import get_settings
from app.db import get_engine, utcnow
from app.events.models import Event
from app.jobs.models import MetricRefreshRequest
from app.status.models import MetricStatus

WAIT = 120  # seconds: generous on a busy machine


@pytest.fixture
def rounds_every_second(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "RDC_JOBS_WORKER_THREAD": "true",
        "RDC_JOBS_PERIODIC": "true",
        "RDC_EVENTS_DISPATCH_SECONDS": "1",
        "RDC_JOBS_POLL_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {WAIT} s")
        time.sleep(0.1)


def test_work_committed_without_its_nudge_is_done_by_the_periodic_rounds(
    rounds_every_second: None, client: TestClient, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    engine = get_engine()
    with engine.begin() as connection:  # as a process that died right after its commit would leave them
        connection.execute(delete_statuses := MetricStatus.__table__.delete())  # type: ignore[attr-defined]
        connection.execute(
            insert(MetricRefreshRequest.__table__),  # type: ignore[attr-defined]
            [{"metric_id": metric, "requested_at": utcnow()}],
        )
        connection.execute(
            insert(Event.__table__),  # type: ignore[attr-defined]
            [
                {
                    "uid": "evt_left_behind",
                    "type": "award.status_changed",
                    "occurred_at": utcnow(),
                    "subject_type": "contract",
                    "subject_id": streetlights["contract"],
                    "award_id": streetlights["contract"],
                    "payload": {"from": "active", "to": "active"},
                }
            ],
        )
    assert delete_statuses is not None

    # The server (the test client's, started by the fixtures) runs on; nobody posts anything.
    _until(lambda: _dispatched("evt_left_behind"), "dispatching the left-behind event")
    _until(lambda: _status_of(metric) is not None, "re-evaluating the left-behind metric")


def _dispatched(uid: str) -> bool:
    with Session(get_engine()) as session:
        event = session.exec(select(Event).where(Event.uid == uid)).scalars().first()  # type: ignore[call-overload]
        return event is not None and event.dispatched_at is not None


def _status_of(metric_id: int) -> MetricStatus | None:
    with Session(get_engine()) as session:
        return session.get(MetricStatus, metric_id)
