"""Which alerts a metric's evaluation calls for: pure functions, testable without a database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.engine import Evaluation, Freshness, Performance, ReasonCode


class AlertKind(StrEnum):
    performance = "performance"  # at_risk or off_track (the severity says which)
    overdue = "overdue"  # a reading is missing past its deadline
    projected_miss = "projected_miss"  # the trend misses the target beyond the off-track band


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


SEVERITY_RANK = {Severity.low: 1, Severity.medium: 2, Severity.high: 3}


@dataclass(frozen=True)
class DesiredAlert:
    kind: AlertKind
    severity: Severity
    summary: str


def desired_alerts(evaluation: Evaluation) -> dict[AlertKind, DesiredAlert]:
    wanted: dict[AlertKind, DesiredAlert] = {}
    if evaluation.performance in (Performance.at_risk, Performance.off_track):
        severity = Severity.high if evaluation.performance == Performance.off_track else Severity.medium
        summary = next(
            (r.message for r in evaluation.reasons if r.code.is_shortfall),
            f"The metric is {evaluation.performance.value.replace('_', ' ')}.",
        )
        escalation = evaluation.reason(ReasonCode.escalated_consecutive)
        if escalation:
            summary = f"{summary} {escalation}"
        wanted[AlertKind.performance] = DesiredAlert(AlertKind.performance, severity, summary)
    if evaluation.freshness == Freshness.overdue:
        missing = sum(1 for p in evaluation.periods if p.actual is None and p.period.end < evaluation.as_of)
        severity = Severity.high if missing >= 2 else Severity.medium
        wanted[AlertKind.overdue] = DesiredAlert(
            AlertKind.overdue, severity, evaluation.reason(ReasonCode.overdue) or "Data is overdue."
        )
    if evaluation.projected_miss:
        wanted[AlertKind.projected_miss] = DesiredAlert(
            AlertKind.projected_miss,
            Severity.medium,
            evaluation.reason(ReasonCode.projected_miss) or "The trend misses the target.",
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
