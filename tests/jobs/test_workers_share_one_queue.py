"""Two `rdc worker` processes on one PostgreSQL behave as one: a burst of events committed by the API reaches
the ERP's webhook once each, signed, however the two workers split the work."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session

from app.background import dispatch_events, job_host, refresh_queued_metrics
from app.db import begin_write, get_engine
from app.events import service as events
from app.events.types import EventType
from tests.jobs.conftest import WAIT, worker
from tests.support import Actor, City
from tests.webhooks.flow import register
from tests.webhooks.receiver import Receiver

EVENTS = 60


def test_two_workers_deliver_a_burst_of_events_exactly_once_each(
    jobs_env: dict[str, str], admin: Actor, city: City, streetlights: dict[str, int]
) -> None:
    with Receiver().running() as receiver:
        _burst(jobs_env, admin, city, streetlights, receiver)


def _burst(
    jobs_env: dict[str, str], admin: Actor, city: City, streetlights: dict[str, int], receiver: Receiver
) -> None:
    refresh_queued_metrics()
    dispatch_events(get_engine())  # the city's set-up is old news
    endpoint = register(admin, receiver.url, event_types=["period.locked"])
    job_host()  # this process nudges the dispatcher after its commits, as an API process does
    workers = [worker(jobs_env), worker(jobs_env)]
    try:
        for n in range(0, EVENTS, 6):  # ten transactions of six events
            with Session(get_engine()) as session:
                begin_write(session)
                events.record_all(
                    session,
                    [
                        events.NewEvent(
                            type=EventType.period_locked,
                            subject_type="period_lock",
                            subject_id=n + k + 1,
                            department_id=city.transportation,
                            award_id=streetlights["contract"],
                            payload={"sequence": n + k},
                        )
                        for k in range(6)
                    ],
                )
                session.commit()
        deadline = time.monotonic() + WAIT
        while len(receiver.requests) < EVENTS:
            if time.monotonic() > deadline:
                pytest.fail(f"{len(receiver.requests)} of {EVENTS} deliveries within {WAIT} s:\n{workers[0].output()}")
            time.sleep(0.1)
        time.sleep(2)  # a duplicate, if any, would arrive now
    finally:
        for process in workers:
            process.stop()

    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == EVENTS == len(set(ids))
    sequences = sorted(r.verify(endpoint["secret"])["data"]["sequence"] for r in receiver.requests)
    assert sequences == list(range(EVENTS))
