"""Which alerts a metric's evaluation calls for: a pure function, testable without a database."""

from __future__ import annotations

from dataclasses import dataclass

from app.alerts.models import AlertKind, Severity
from app.status.engine import Evaluation, Freshness, Performance


@dataclass(frozen=True)
class DesiredAlert:
    kind: AlertKind
    severity: Severity
    summary: str


def desired_alerts(evaluation: Evaluation) -> dict[AlertKind, DesiredAlert]:
    wanted: dict[AlertKind, DesiredAlert] = {}
    reasons = {reason.code: reason.message for reason in evaluation.reasons}
    if evaluation.performance in (Performance.at_risk, Performance.off_track):
        severity = Severity.high if evaluation.performance == Performance.off_track else Severity.medium
        summary = next(
            (r.message for r in evaluation.reasons if r.code in ("below_expected", "above_expected", "outside_range")),
            f"The metric is {evaluation.performance.value.replace('_', ' ')}.",
        )
        if "escalated_consecutive" in reasons:
            summary = f"{summary} {reasons['escalated_consecutive']}"
        wanted[AlertKind.performance] = DesiredAlert(AlertKind.performance, severity, summary)
    if evaluation.freshness == Freshness.overdue:
        missing = sum(1 for p in evaluation.periods if p.actual is None and p.period.end < evaluation.as_of)
        severity = Severity.high if missing >= 2 else Severity.medium
        wanted[AlertKind.overdue] = DesiredAlert(
            AlertKind.overdue, severity, reasons.get("overdue", "Data is overdue.")
        )
    if evaluation.projected_miss:
        wanted[AlertKind.projected_miss] = DesiredAlert(
            AlertKind.projected_miss, Severity.medium, reasons.get("projected_miss", "The trend misses the target.")
        )
    return wanted


def recovery_note(kind: AlertKind, evaluation: Evaluation) -> str:
    """Why an alert resolved itself, in words."""
    latest = evaluation.latest
    if kind == AlertKind.performance:
        value = f"{latest.label}: {latest.actual}" if latest else "the latest reading"
        return f"Resolved automatically: back on track ({value} is within tolerance)."
    if kind == AlertKind.overdue:
        return (
            f"Resolved automatically: the data arrived ({latest.label} reported)."
            if latest
            else ("Resolved automatically: no period is overdue any more.")
        )
    return "Resolved automatically: the trend now reaches the target within the off-track band."
