"""Evaluating metrics from the database, and keeping statuses, transitions and alerts up to date."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.alerts import service as alerts
from app.awards.models import Award
from app.db import utcnow
from app.engine import Definition, Dimension, Evaluation, evaluate, failed_evaluation
from app.events import service as events
from app.events.types import EventType
from app.kit.sql import in_values
from app.kit.telemetry import EVALUATION_ERRORS
from app.metrics.models import Metric
from app.metrics.service import lock_for_writes
from app.periods import Period, PeriodError, parse
from app.readings.models import Reading
from app.status.models import MetricStatus, StatusTransition

log = logging.getLogger("app.status")


@dataclass(frozen=True)
class Subject:
    """A metric to evaluate, with what the alerts need to know about its contract or grant."""

    metric_id: int
    award_id: int | None
    contract_manager_id: int | None
    definition: Definition
    department_id: int | None = None


@dataclass
class RefreshSummary:
    metrics: int = 0
    transitions: int = 0
    alerts_opened: int = 0
    alerts_changed: int = 0
    alerts_resolved: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add_alerts(self, changes: alerts.AlertChanges) -> None:
        self.alerts_opened += changes.opened
        self.alerts_changed += changes.changed
        self.alerts_resolved += changes.resolved

    def add(self, other: RefreshSummary) -> None:
        self.metrics += other.metrics
        self.transitions += other.transitions
        self.alerts_opened += other.alerts_opened
        self.alerts_changed += other.alerts_changed
        self.alerts_resolved += other.alerts_resolved
        for key, value in other.by_status.items():
            self.by_status[key] += value


def _definition(metric: Metric, award: Award | None, fiscal_start_month: int) -> Definition:
    interim: dict[Period, Decimal] = {}
    for target in metric.interim_targets:
        try:
            interim[parse(str(target["period"]), metric.cadence, fiscal_start_month=fiscal_start_month)] = Decimal(
                str(target["value"])
            )
        except (PeriodError, KeyError, ArithmeticError):
            continue  # validated on write; a changed fiscal year start could orphan one
    return Definition(
        direction=metric.direction,
        cadence=metric.cadence,
        unit=metric.unit,
        target_value=metric.target_value,
        target_date=metric.target_date,
        baseline_value=metric.baseline_value,
        baseline_date=metric.baseline_date,
        range_min=metric.range_min,
        range_max=metric.range_max,
        interim_targets=interim,
        tolerance_mode=metric.tolerance_mode,
        at_risk_tolerance=metric.at_risk_tolerance,
        off_track_tolerance=metric.off_track_tolerance,
        grace_days=metric.grace_days,
        escalate_after_periods=metric.escalate_after_periods,
        term_start=award.start_date if award else None,
        term_end=award.end_date if award else None,
        fiscal_start_month=fiscal_start_month,
    )


def subjects(session: Session, metric_ids: Iterable[int], *, fiscal_start_month: int) -> list[Subject]:
    ids = set(metric_ids)
    if not ids:
        return []
    rows = session.exec(
        select(Metric, Award)
        .outerjoin(Award, Award.id == Metric.award_id)  # type: ignore[arg-type]
        .where(in_values(Metric.id, ids, dialect=session.get_bind().dialect.name))
        .order_by(col(Metric.id))
    ).all()
    return [
        Subject(
            metric_id=metric.id,  # type: ignore[arg-type]
            award_id=metric.award_id,
            contract_manager_id=award.contract_manager_id if award else None,
            definition=_definition(metric, award, fiscal_start_month),
            department_id=award.department_id if award else None,
        )
        for metric, award in rows
    ]


def readings_by_metric(session: Session, metric_ids: Iterable[int]) -> dict[int, dict[Period, Decimal]]:
    ids = set(metric_ids)
    found: dict[int, dict[Period, Decimal]] = defaultdict(dict)
    if not ids:
        return found
    table = Reading.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    # The raw column skips the exact-decimal type's per-row processing (this reads millions of rows).
    raw_value = literal_column("reading.value")  # type: ignore[var-annotated]
    rows = (
        session.connection()
        .execute(
            select(table.c.metric_id, table.c.period_start, table.c.period_end, raw_value).where(
                in_values(table.c.metric_id, ids, dialect=dialect)
            )
        )
        .all()
    )
    scale = dialect == "sqlite"  # stored there as an integer count of millionths
    periods: dict[tuple[date, date], Period] = {}  # one Period object per distinct period, not per reading
    for metric_id, start, end, value in rows:
        period = periods.get((start, end))
        if period is None:
            period = periods[(start, end)] = Period(start, end)
        found[metric_id][period] = Decimal(value).scaleb(-6) if scale else value
    return found


def evaluate_metrics(
    session: Session, metric_ids: Iterable[int], *, fiscal_start_month: int, as_of: date | None = None
) -> dict[int, Evaluation]:
    """Fresh evaluations, computed now and not stored (for the status endpoints)."""
    evaluated = evaluate_subjects(session, metric_ids, fiscal_start_month=fiscal_start_month, as_of=as_of)
    return {subject.metric_id: evaluation for subject, evaluation in evaluated}


def evaluate_subjects(
    session: Session,
    metric_ids: Iterable[int],
    *,
    fiscal_start_month: int,
    as_of: date | None = None,
    detail: bool = True,
) -> list[tuple[Subject, Evaluation]]:
    """Fresh evaluations with the definitions they were made from (for rules that build on the engine's)."""
    as_of = as_of or utcnow().date()
    chosen = subjects(session, metric_ids, fiscal_start_month=fiscal_start_month)
    readings = readings_by_metric(session, [s.metric_id for s in chosen])
    return [(s, _evaluate(s, readings.get(s.metric_id, {}), as_of, detail=detail)) for s in chosen]


def _evaluate(subject: Subject, readings: dict[Period, Decimal], as_of: date, *, detail: bool) -> Evaluation:
    """The metric's evaluation; one whose stored definition cannot be evaluated is logged, counted and shown as
    `evaluation_error`, and never stops the other metrics of a list, a sweep or an export."""
    try:
        return evaluate(subject.definition, readings, as_of, detail=detail)
    except Exception:
        log.exception("metric %d could not be evaluated", subject.metric_id)
        EVALUATION_ERRORS.inc()
        return failed_evaluation(as_of)


def refresh(
    session: Session, metric_ids: Iterable[int], *, fiscal_start_month: int, as_of: date | None = None
) -> RefreshSummary:
    """Re-evaluates these metrics and stores what changed: status, transitions, alerts. The caller commits.

    On PostgreSQL the metrics' rows are locked first (`lock_for_writes`, ascending ids), so a metric is refreshed
    by one process at a time and never while its readings or definition are being written; on SQLite the
    caller holds the database's write lock.
    """
    as_of = as_of or utcnow().date()
    now = utcnow()
    ids = sorted(set(metric_ids))
    lock_for_writes(session, ids)
    chosen = subjects(session, ids, fiscal_start_month=fiscal_start_month)
    summary = RefreshSummary(metrics=len(chosen))
    if not chosen:
        return summary
    readings = readings_by_metric(session, [s.metric_id for s in chosen])
    previous = _stored_statuses(session, [s.metric_id for s in chosen])
    status_rows: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    alert_subjects: list[alerts.AlertSubject] = []
    for subject in chosen:
        evaluation = _evaluate(subject, readings.get(subject.metric_id, {}), as_of, detail=False)
        summary.by_status[evaluation.performance.value] += 1
        old = previous.get(subject.metric_id)
        changes = _transitions(subject, old, evaluation, now)
        transitions += changes
        if old is None or changes or _row_changed(old, evaluation):
            status_rows.append(_status_row(subject, evaluation, now))
        if subject.award_id is not None:
            alert_subjects.append(
                alerts.AlertSubject(subject.metric_id, subject.award_id, subject.contract_manager_id, evaluation)
            )
    _upsert_statuses(session, status_rows)
    if transitions:
        session.connection().execute(insert(StatusTransition.__table__), transitions)  # type: ignore[attr-defined]
        events.record_all(session, _transition_events(transitions, {s.metric_id: s for s in chosen}))
    summary.transitions = len(transitions)
    summary.add_alerts(alerts.reconcile_all(session, alert_subjects, now))
    return summary


def _stored_statuses(session: Session, metric_ids: list[int]) -> dict[int, Any]:
    stored = MetricStatus.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    rows = session.connection().execute(
        select(stored).where(in_values(stored.c.metric_id, metric_ids, dialect=dialect))
    )
    return {row.metric_id: row for row in rows}


def _status_row(subject: Subject, evaluation: Evaluation, now: datetime) -> dict[str, Any]:
    latest = evaluation.latest
    return {
        "metric_id": subject.metric_id,
        "award_id": subject.award_id,
        "performance": evaluation.performance,
        "freshness": evaluation.freshness,
        "projected_miss": evaluation.projected_miss,
        "latest_period_start": latest.period.start if latest else None,
        "latest_value": latest.actual if latest else None,
        "expected_value": latest.expected if latest else None,
        "reasons": [{"code": r.code, "message": r.message} for r in evaluation.reasons],
        "as_of": evaluation.as_of,
        "evaluated_at": now,
    }


def _row_changed(old: Any, evaluation: Evaluation) -> bool:
    latest = evaluation.latest
    return (
        old.as_of != evaluation.as_of
        or old.latest_period_start != (latest.period.start if latest else None)
        or old.latest_value != (latest.actual if latest else None)
        or [r["message"] for r in old.reasons] != [r.message for r in evaluation.reasons]
    )


def _transitions(subject: Subject, old: Any, evaluation: Evaluation, now: datetime) -> list[dict[str, Any]]:
    """What changed since the stored status (`old` is its row, or None the first time)."""
    first_reason = evaluation.reasons[0].message if evaluation.reasons else ""
    changes: Sequence[tuple[Dimension, str | None, str]] = (
        (Dimension.performance, old.performance if old else None, evaluation.performance.value),
        (Dimension.freshness, old.freshness if old else None, evaluation.freshness.value),
        (
            Dimension.forecast,
            ("projected_miss" if old.projected_miss else "on_course") if old else None,
            "projected_miss" if evaluation.projected_miss else "on_course",
        ),
    )
    return [
        {
            "metric_id": subject.metric_id,
            "award_id": subject.award_id,
            "dimension": dimension,
            "from_status": before,
            "to_status": after,
            "reason": evaluation.reason_for(dimension) or first_reason,
            "occurred_at": now,
        }
        for dimension, before, after in changes
        if before != after
    ]


_TRANSITION_EVENTS = {
    Dimension.performance: EventType.metric_performance_changed,
    Dimension.freshness: EventType.metric_freshness_changed,
    Dimension.forecast: EventType.metric_forecast_changed,
}


def _transition_events(transitions: list[dict[str, Any]], by_metric: dict[int, Subject]) -> list[events.NewEvent]:
    """Events for real transitions; a metric's first evaluation is its starting point, not news."""
    return [
        events.NewEvent(
            type=_TRANSITION_EVENTS[Dimension(t["dimension"])],
            subject_type="metric",
            subject_id=t["metric_id"],
            department_id=by_metric[t["metric_id"]].department_id,
            award_id=t["award_id"],
            payload={
                "metric_id": t["metric_id"],
                "dimension": Dimension(t["dimension"]).value,
                "from": t["from_status"],
                "to": t["to_status"],
                "reason": t["reason"],
            },
            occurred_at=t["occurred_at"],
        )
        for t in transitions
        if t["from_status"] is not None
    ]


def _upsert_statuses(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = MetricStatus.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = sorted(rows, key=lambda row: row["metric_id"])  # one lock order for every writer
    statement = insert(table)
    updates = {name: statement.excluded[name] for name in rows[0] if name != "metric_id"}
    session.connection().execute(statement.on_conflict_do_update(index_elements=["metric_id"], set_=updates), rows)
