"""The operator's Prometheus scrapes `/metrics`: requests by route template and status with latencies,
readings ingested by outcome, open alerts by kind and severity, sweep durations. Labels never carry ids,
raw paths or users, so the number of series stays small however the API is used."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy import delete, insert
from sqlmodel import Session

from app.alerts.models import Alert, AlertEvent, AlertKind, AlertStatus, Severity
from app.background import dispatch_events
from app.config import get_settings
from app.db import get_engine, utcnow
from app.events.models import Event
from app.jobs.models import MetricRefreshRequest
from app.status.sweep import sweep
from tests.support import Actor, City

READINGS = "/api/v1/readings/batch"


def scrape(client: TestClient) -> list[Sample]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return [sample for family in text_string_to_metric_families(response.text) for sample in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    return sum(s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def http_samples(samples: list[Sample]) -> Iterator[Sample]:
    return (s for s in samples if s.name.startswith("rdc_http_"))


def test_a_request_is_counted_under_its_route_template_never_its_ids(admin: Actor, city: City) -> None:
    admin.get(f"/api/v1/contracts/{city.pothole_contract}")
    admin.get("/api/v1/contracts/987654")  # 404
    admin.get("/api/v1/no-such-thing/424242")
    admin.request("BREW", "/api/v1/contracts")

    samples = scrape(admin.client)

    route = "/api/v1/contracts/{id}"
    assert value(samples, "rdc_http_requests_total", method="GET", route=route, status="200") >= 1
    assert value(samples, "rdc_http_requests_total", method="GET", route=route, status="404") >= 1
    assert value(samples, "rdc_http_request_duration_seconds_count", method="GET", route=route) >= 2
    assert value(samples, "rdc_http_requests_total", method="GET", route="unmatched", status="404") >= 1
    assert value(samples, "rdc_http_requests_total", method="other", route="/api/v1/contracts", status="405") >= 1
    for sample in http_samples(samples):
        assert set(sample.labels) <= {"method", "route", "status", "le"}, sample
        route_label = sample.labels.get("route", "")
        assert route_label == "unmatched" or route_label.startswith("/"), sample
        assert not re.search(r"/\d+(/|$)", route_label), f"an id in a route label: {sample}"
        assert "no-such-thing" not in route_label
    assert "admin@city.example" not in str(samples)


def test_readings_are_counted_by_outcome(admin: Actor, city: City) -> None:
    before = scrape(admin.client)
    item = {"metric_id": city.pothole_metric, "period": "2025-08", "value": "81"}
    admin.post(READINGS, json={"readings": [item, item | {"period": "2025-09"}]})
    admin.post(READINGS, json={"readings": [item, item | {"period": "2025-09", "value": "85"}]})
    admin.post(READINGS, json={"readings": [item | {"period": "2025-10"}]}, params={"dry_run": "true"})
    after = scrape(admin.client)

    def added(outcome: str) -> float:
        name = "rdc_readings_ingested_total"
        return value(after, name, outcome=outcome) - value(before, name, outcome=outcome)

    assert {o: added(o) for o in ("created", "unchanged", "corrected", "rejected")} == {
        "created": 2,
        "unchanged": 1,
        "corrected": 1,
        "rejected": 0,  # and the dry run counted nothing
    }


def test_open_alerts_are_counted_by_kind_and_severity_at_scrape_time(
    admin: Actor, city: City, session: Session
) -> None:
    def alert(kind: AlertKind, severity: Severity, status: AlertStatus) -> Alert:
        rank = {Severity.low: 1, Severity.medium: 2, Severity.high: 3}[severity]
        return Alert(
            metric_id=city.pothole_metric,
            award_id=city.pothole_contract,
            kind=kind,
            severity=severity,
            severity_rank=rank,
            status=status,
            summary="test",
        )

    # Start from no alerts (creating the city's metrics already flagged their missing data).
    session.execute(delete(AlertEvent))
    session.execute(delete(Alert))
    session.add(alert(AlertKind.performance, Severity.high, AlertStatus.open))
    session.add(alert(AlertKind.projected_miss, Severity.medium, AlertStatus.acknowledged))
    session.add(alert(AlertKind.overdue, Severity.low, AlertStatus.resolved))
    session.commit()

    samples = scrape(admin.client)

    open_alerts = {
        (s.labels["kind"], s.labels["severity"]): s.value for s in samples if s.name == "rdc_open_alerts" and s.value
    }
    assert open_alerts == {("performance", "high"): 1, ("projected_miss", "medium"): 1}
    assert value(samples, "rdc_open_alerts", kind="overdue", severity="low") == 0  # resolved: not open


def test_each_sweep_is_timed(admin: Actor, city: City) -> None:
    before = value(scrape(admin.client), "rdc_sweep_duration_seconds_count")
    summary = sweep(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)
    after = scrape(admin.client)

    assert summary is not None
    assert value(after, "rdc_sweep_duration_seconds_count") == before + 1
    assert value(after, "rdc_sweep_duration_seconds_sum") > 0


def test_backlogs_are_counted_at_scrape_time(admin: Actor, city: City, session: Session) -> None:
    assert value(scrape(admin.client), "rdc_refresh_queue_backlog") == 0  # worked off after each response
    dispatch_events(get_engine())
    assert value(scrape(admin.client), "rdc_events_undispatched") == 0

    # As a process killed after its commit, before it could nudge the jobs, would leave them:
    now = utcnow()
    session.connection().execute(
        insert(MetricRefreshRequest.__table__),  # type: ignore[attr-defined]
        [{"metric_id": m, "requested_at": now} for m in (city.pothole_metric, city.rehousing_metric)],
    )
    session.connection().execute(
        insert(Event.__table__),  # type: ignore[attr-defined]
        [
            {
                "uid": "evt_left",
                "type": "period.locked",
                "occurred_at": now,
                "subject_type": "period_lock",
                "payload": {},
            }
        ],
    )
    session.commit()

    after = scrape(admin.client)
    assert value(after, "rdc_refresh_queue_backlog") == 2
    assert value(after, "rdc_events_undispatched") == 1
    assert value(after, "rdc_webhook_deliveries_pending") == value(after, "rdc_emails_pending") == 0
