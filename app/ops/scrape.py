"""The Prometheus scrape: this process's (or every worker's) instruments, plus open alerts counted by the
database at scrape time."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.alerts.models import Alert, AlertKind, AlertStatus, Severity
from app.db import get_engine
from app.jobs.refresh_queue import backlog

log = logging.getLogger("app.metrics")


class OpenAlertsCollector:
    """`rdc_open_alerts{kind, severity}`: unresolved alerts, counted by the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        statement = (
            select(Alert.kind, Alert.severity, func.count())  # type: ignore[call-overload]
            .where(Alert.status != AlertStatus.resolved)
            .group_by(Alert.kind, Alert.severity)
        )
        try:
            with get_engine().connect() as connection:
                rows = connection.execute(statement).all()
        except SQLAlchemyError as error:  # the rest of the scrape still works while the database is away
            log.warning("open alerts not counted: %s", type(error).__name__)
            return
        counts = {(AlertKind(kind), Severity(severity)): int(n) for kind, severity, n in rows}
        family = GaugeMetricFamily(
            "rdc_open_alerts",
            "Unresolved alerts (open or acknowledged), by kind and severity",
            labels=["kind", "severity"],
        )
        for kind in AlertKind:
            for severity in Severity:
                family.add_metric([kind.value, severity.value], counts.get((kind, severity), 0))
        yield family


_open_alerts = OpenAlertsCollector()


class RefreshBacklogCollector:
    """`rdc_refresh_queue_backlog`: metric refreshes waiting, counted by the database at scrape time."""

    def collect(self) -> Iterator[Metric]:
        try:
            with Session(get_engine()) as session:
                waiting = backlog(session)
        except SQLAlchemyError as error:
            log.warning("refresh backlog not counted: %s", type(error).__name__)
            return
        family = GaugeMetricFamily(
            "rdc_refresh_queue_backlog", "Metric refreshes queued and not yet done (all processes, all hosts)"
        )
        family.add_metric([], waiting)
        yield family


_refresh_backlog = RefreshBacklogCollector()


def render() -> tuple[bytes, str]:
    """The scrape: this process's metrics (or every worker's, in multiprocess mode) and the open alerts."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(_open_alerts)
    registry.register(_refresh_backlog)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def reset_multiprocess_dir(path: str) -> None:
    """Empties prometheus_client's multiprocess directory before the workers start (an earlier run's files
    would otherwise be added to this run's counts)."""
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
