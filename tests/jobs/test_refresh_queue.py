"""The refresh queue: a change that affects a metric's status queues the metric in its own transaction, and
the queue is worked off right after the response, or by the next worker or sweep if the process died first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.awards.models import AwardKind, AwardUpdate
from app.awards.service import award_resource
from app.config import get_settings
from app.db import get_engine
from app.jobs import queue as job_queue
from app.jobs.refresh_queue import backlog
from app.readings.ingest import ingest
from app.readings.schemas import BatchItem
from app.records import crud
from app.status.drain import drain
from app.status.models import MetricStatus
from app.status.service import evaluate_metrics
from tests.support import Actor, City, assert_problem

API = "/api/v1"


def _stored(session: Session, metric_id: int) -> MetricStatus | None:
    session.expire_all()
    return session.get(MetricStatus, metric_id)


def _queued(session: Session) -> int:
    session.rollback()  # a fresh snapshot
    return backlog(session)


def test_a_reading_is_evaluated_right_after_its_response_and_leaves_nothing_queued(
    admin: Actor, city: City, session: Session
) -> None:
    response = admin.post(f"{API}/metrics/{city.pothole_metric}/readings", json={"period": "2025-08", "value": "41"})
    assert response.status_code == 201, response.text

    stored = _stored(session, city.pothole_metric)
    assert stored is not None and stored.performance == "off_track"
    assert stored.latest_value == Decimal("41")
    assert _queued(session) == 0
    alerts = admin.get(f"{API}/alerts", params={"metric_id": city.pothole_metric}).json()["items"]
    assert ("performance", "high") in [(a["kind"], a["severity"]) for a in alerts]


def test_a_rejected_batch_queues_nothing(admin: Actor, city: City, session: Session) -> None:
    readings = [
        {"metric_id": city.pothole_metric, "period": "2025-08", "value": "85"},
        {"metric_id": city.pothole_metric, "period": "2025-09", "value": "250"},  # above valid_max: rejects all
    ]
    assert_problem(admin.post(f"{API}/readings/batch", json={"readings": readings}), 422)

    assert _queued(session) == 0
    stored = _stored(session, city.pothole_metric)
    assert stored is not None and stored.latest_value is None  # evaluated when created; no reading since


def test_work_committed_by_a_process_that_died_before_its_refresh_is_done_by_the_next_drain(
    admin: Actor, city: City, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a process leaves behind when it is killed between its commit and its refresh: readings and queue rows
    # (and no nudge to a job: it died before it could send one).
    monkeypatch.setattr(job_queue, "_host", None)
    items = [
        BatchItem(metric_id=city.pothole_metric, period=month, value=Decimal("40")) for month in ("2025-08", "2025-09")
    ]
    ingest(session, principal=SYSTEM, items=items, accept_valid=False, dry_run=False, fiscal_start_month=7)
    session.commit()
    assert _queued(session) == 1
    assert _stored(session, city.pothole_metric).latest_value is None  # type: ignore[union-attr]  # not evaluated since

    summary = drain(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)

    assert summary.metrics == 1 and summary.alerts_opened == 1
    assert _queued(session) == 0
    fresh = evaluate_metrics(session, [city.pothole_metric], fiscal_start_month=7)[city.pothole_metric]
    stored = _stored(session, city.pothole_metric)
    assert stored is not None
    assert (stored.performance, stored.freshness, stored.latest_value) == (
        fresh.performance,
        fresh.freshness,
        Decimal("40"),
    )


def test_new_tolerance_bands_re_evaluate_the_metric_in_the_same_change(
    admin: Actor, buyer: Actor, city: City, session: Session
) -> None:
    metric = f"{API}/metrics/{city.pothole_metric}"
    assert admin.post(f"{metric}/readings", json={"period": "2025-08", "value": "67"}).status_code == 201
    assert _stored(session, city.pothole_metric).performance == "at_risk"  # type: ignore[union-attr]

    response = buyer.update(metric, {"at_risk_tolerance": "15", "off_track_tolerance": "25"})

    assert response.status_code == 200, response.text
    assert _stored(session, city.pothole_metric).performance == "on_track"  # type: ignore[union-attr]
    assert _queued(session) == 0
    reasons = session.execute(
        text("SELECT to_status, reason FROM status_transition WHERE metric_id = :m AND dimension = 'performance'"),
        {"m": city.pothole_metric},
    ).all()
    assert [row.to_status for row in reasons][-2:] == ["at_risk", "on_track"]


def test_a_corrected_contract_term_queues_its_metrics_with_the_change_and_re_evaluates_them(
    admin: Actor, city: City, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert admin.post(f"{API}/metrics/{city.pothole_metric}/readings", json={"period": "2025-08", "value": "41"})
    assert _stored(session, city.pothole_metric).freshness == "overdue"  # type: ignore[union-attr]
    contracts = award_resource(AwardKind.contract)

    # The change, through the same service the API uses, without the after-response run and without the job it
    # would nudge otherwise: the request stays queued.
    monkeypatch.setattr(job_queue, "_host", None)
    crud.update_record(
        session,
        contracts,
        principal=SYSTEM,
        record_id=city.pothole_contract,
        patch=AwardUpdate(end_date=date(2025, 8, 31)),
        if_match="*",
    )
    assert _queued(session) == 1

    drain(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)

    assert _queued(session) == 0
    # The contract ended with August, which was reported: nothing is overdue any more.
    assert _stored(session, city.pothole_metric).freshness == "current"  # type: ignore[union-attr]
    alerts = admin.get(f"{API}/alerts", params={"metric_id": city.pothole_metric}).json()["items"]
    assert "overdue" not in [a["kind"] for a in alerts]
