"""Readings with their status as CSV, for spreadsheets: streamed a chunk of metrics at a time.

Internal (it names who recorded each value): served to signed-in staff only, limited to their departments.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from sqlmodel import Session, col, select

from app.auth.principal import Principal
from app.awards.models import Award
from app.kit.sql import in_values
from app.metrics.models import Metric
from app.metrics.service import metric_scope
from app.ocds.releases import timestamp
from app.readings.models import Reading
from app.status.schemas import tidy
from app.status.service import evaluate_metrics

CHUNK = 200
COLUMNS = (
    "kind",
    "number",
    "external_id",
    "metric_code",
    "metric_name",
    "period_label",
    "period_start",
    "period_end",
    "value",
    "expected_value",
    "status",
    "source",
    "recorded_by",
    "updated_at",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str | None) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def iter_csv(session: Session, *, principal: Principal, fiscal_start_month: int, chunk: int = CHUNK) -> Iterator[str]:
    yield _lines([COLUMNS])
    last_id = 0
    while True:
        statement = select(Metric.id).where(col(Metric.award_id).is_not(None), col(Metric.id) > last_id)
        if not principal.reach.citywide:
            statement = statement.where(metric_scope(principal.reach))
        ids = [int(i) for i in session.exec(statement.order_by(col(Metric.id)).limit(chunk)).all() if i is not None]
        if not ids:
            return
        yield _lines(_rows(session, ids, fiscal_start_month))
        last_id = ids[-1]


def _rows(session: Session, metric_ids: Sequence[int], fiscal_start_month: int) -> Iterator[Sequence[Any]]:
    dialect = session.get_bind().dialect.name
    owners = {
        metric.id: (metric, award)
        for metric, award in session.exec(
            select(Metric, Award)
            .join(Award, col(Award.id) == Metric.award_id)
            .where(in_values(Metric.id, metric_ids, dialect=dialect))
        ).all()
    }
    evaluations = evaluate_metrics(session, metric_ids, fiscal_start_month=fiscal_start_month)
    readings = session.exec(
        select(Reading)
        .where(in_values(Reading.metric_id, metric_ids, dialect=dialect))
        .order_by(col(Reading.metric_id), col(Reading.period_start))
    ).all()
    results = {
        (metric_id, result.period.start): result
        for metric_id, evaluation in evaluations.items()
        for result in evaluation.periods
    }
    for reading in readings:
        metric, award = owners[reading.metric_id]
        result = results.get((reading.metric_id, reading.period_start))
        expected = tidy(result.expected) if result else None
        yield (
            award.kind.value,
            safe_text(award.number),
            safe_text(award.external_id),
            safe_text(metric.code),
            safe_text(metric.name),
            result.label if result else "",
            reading.period_start.isoformat(),
            reading.period_end.isoformat(),
            format(reading.value, "f"),
            format(expected, "f") if expected is not None else "",
            result.status.value if result else "",
            reading.source.value,
            safe_text(reading.recorded_by),
            timestamp(reading.updated_at),
        )


def _lines(rows: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()
