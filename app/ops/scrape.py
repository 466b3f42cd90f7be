"""The Prometheus scrape: this process's (or every worker's) instruments, plus open alerts counted by the
database at scrape time."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.alerts.models import Alert, AlertKind, AlertStatus, Severity
from app.db import get_engine
from app.events.service import undispatched_count
from app.jobs.refresh_queue import backlog
from app.notifications.models import EmailStatus, OutgoingEmail
from app.webhooks.models import DeliveryStatus, WebhookDelivery

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


class BacklogCollector:
    """Work waiting, counted by the database at scrape time (all processes, all hosts). A backlog that keeps
    growing means no worker is taking it: `rdc_refresh_queue_backlog` (metric refreshes),
    `rdc_events_undispatched` (events not yet turned into deliveries and notifications),
    `rdc_webhook_deliveries_pending` and `rdc_emails_pending`."""

    def collect(self) -> Iterator[Metric]:
        try:
            with Session(get_engine()) as session:
                counts = {
                    "rdc_refresh_queue_backlog": backlog(session),
                    "rdc_events_undispatched": undispatched_count(session),
                    "rdc_webhook_deliveries_pending": _count(session, WebhookDelivery, DeliveryStatus.pending),
                    "rdc_emails_pending": _count(session, OutgoingEmail, EmailStatus.pending),
                }
        except SQLAlchemyError as error:
            log.warning("backlogs not counted: %s", type(error).__name__)
            return
        for name, waiting in counts.items():
            family = GaugeMetricFamily(name, _BACKLOG_HELP[name])
            family.add_metric([], waiting)
            yield family


_BACKLOG_HELP = {
    "rdc_refresh_queue_backlog": "Metric refreshes queued and not yet done (all processes, all hosts)",
    "rdc_events_undispatched": "Events committed and not yet dispatched to webhooks and notifications",
    "rdc_webhook_deliveries_pending": "Webhook deliveries waiting for their next attempt",
    "rdc_emails_pending": "E-mails waiting to be sent",
}


def _count(session: Session, model: Any, status: StrEnum) -> int:
    return int(session.connection().execute(select(func.count()).where(model.status == status)).scalar_one())


_backlogs = BacklogCollector()


def render() -> tuple[bytes, str]:
    """The scrape: this process's metrics (or every worker's, in multiprocess mode) and the open alerts."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(_open_alerts)
    registry.register(_backlogs)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def reset_multiprocess_dir(path: str) -> None:
    """Empties prometheus_client's multiprocess directory before the workers start (an earlier run's files
    would otherwise be added to this run's counts)."""
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
