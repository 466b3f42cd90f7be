"""Did a completed plan or action item move its metric? Pure functions: the engine's per-period results and the
completion's period in, a comparison in numbers and words out. No database, no HTTP.

Rules:
- level: each judged period's shortfall in percent of its expected value, in the metric's direction, by the
  engine's own rule (`engine.shortfall`, in percent whatever the metric's tolerance mode); 0 when it meets it.
  Periods without a judged reading (missing, provisional, or no expectation) are left out.
- the completion's own period is neither before nor after (the work landed somewhere inside it).
- the same number of periods on each side: k = min(periods before, periods after, 6), the k nearest to the
  completion on each side. With k < 2 nothing is concluded: fewer than 2 periods after the completion is
  "too early to tell", fewer than 2 before it is "too little history" (one period is an anecdote, not a level).
- verdict: the mean shortfall after minus the mean before, in percentage points: at least 1 point lower is
  `improved`, at least 1 point higher is `worsened`, anything in between `unchanged`.
- trend: the least-squares slope of the value per period on each side (the metric's unit per period; periods
  without a reading leave gaps, they do not close up), shown beside the verdict, not deciding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.engine import Definition, PeriodResult, ToleranceMode, least_squares, shortfall

MAX_PERIODS = 6
MIN_PERIODS = 2
MATERIAL_CHANGE = Decimal(1)  # percentage points of shortfall


class Verdict(StrEnum):
    improved = "improved"
    unchanged = "unchanged"
    worsened = "worsened"
    too_early = "too_early"  # fewer than MIN_PERIODS judged periods after the completion
    too_little_history = "too_little_history"  # fewer than MIN_PERIODS before it
    not_applicable = "not_applicable"  # not completed, or linked to no metric

    @property
    def concluded(self) -> bool:
        return self in (Verdict.improved, Verdict.unchanged, Verdict.worsened)


@dataclass(frozen=True)
class Point:
    """One judged period of the metric."""

    label: str
    start: date
    end: date
    index: int  # the period's position in the metric's sequence of periods (a missing period leaves a gap)
    value: Decimal
    shortfall: Decimal  # percent of the expected value, 0 when met


@dataclass(frozen=True)
class Side:
    periods: tuple[str, ...]
    shortfall: Decimal  # the mean, percent
    trend: Decimal | None  # the value's slope per period; None for a single period


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    periods_used: int  # k: the same number on each side (0 when nothing was concluded)
    available_before: int
    available_after: int
    before: Side | None
    after: Side | None
    change: Decimal | None  # the mean shortfall after minus before, percentage points
    summary: str


def points(definition: Definition, periods: Sequence[PeriodResult]) -> list[Point]:
    """The judged periods of an evaluation, each with its shortfall in percent of the expected value."""
    in_percent = replace(definition, tolerance_mode=ToleranceMode.percent)
    found = []
    for index, result in enumerate(periods):
        if result.actual is None or (result.expected is None and result.expected_range is None):
            continue
        gap = shortfall(in_percent, result.actual, result.expected)
        if not gap.is_finite():  # a miss of a zero expectation has no size in percent
            continue
        found.append(Point(result.label, result.period.start, result.period.end, index, result.actual, gap))
    return found


def compare(
    series: Sequence[Point],
    *,
    completed_start: date,
    completed_end: date,
    what: str,
    words: tuple[str, str],
) -> Comparison:
    """The metric before and after a completion in the period `completed_start`..`completed_end`.

    `what` names the action and its period in the summary ("Night crew (2026-08)"); `words` is the cadence's
    period in the singular and plural ("month", "months").
    """
    before = [p for p in series if p.end < completed_start]
    after = [p for p in series if p.start > completed_end]
    k = min(len(before), len(after), MAX_PERIODS)

    def count(n: int) -> str:
        return f"{n} {words[0] if n == 1 else words[1]}"

    if len(after) < MIN_PERIODS:
        summary = f"too early to tell: {count(len(after))} of data after completion"
        return Comparison(Verdict.too_early, 0, len(before), len(after), None, None, None, summary)
    if len(before) < MIN_PERIODS:
        summary = f"too little history to tell: {count(len(before))} of data before completion"
        return Comparison(Verdict.too_little_history, 0, len(before), len(after), None, None, None, summary)
    earlier, later = _side(before[-k:]), _side(after[:k])
    change = later.shortfall - earlier.shortfall
    verdict = (
        Verdict.improved
        if change <= -MATERIAL_CHANGE
        else Verdict.worsened
        if change >= MATERIAL_CHANGE
        else Verdict.unchanged
    )
    span = f"over {count(k)}"
    if verdict == Verdict.unchanged and earlier.shortfall == 0 and later.shortfall == 0:
        moved = f"the metric stayed on target {span}"
    elif verdict == Verdict.unchanged:
        moved = (
            f"shortfall stayed about level, {percent(earlier.shortfall)} % then {percent(later.shortfall)} %, {span}"
        )
    else:
        direction = "fell" if verdict == Verdict.improved else "rose"
        moved = f"shortfall {direction} from {percent(earlier.shortfall)} % to {percent(later.shortfall)} % {span}"
    return Comparison(verdict, k, len(before), len(after), earlier, later, change, f"after {what}, {moved}")


def _side(chosen: Sequence[Point]) -> Side:
    n = Decimal(len(chosen))
    return Side(
        periods=tuple(p.label for p in chosen),
        shortfall=sum((p.shortfall for p in chosen), Decimal(0)) / n,
        trend=least_squares([(p.index, p.value) for p in chosen])[2],
    )


def percent(value: Decimal) -> str:
    """A percentage for people: one decimal at most (19, 6.3)."""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


@dataclass(frozen=True)
class Tally:
    """How many completed actions moved their metric which way."""

    total: int = 0
    improved: int = 0
    unchanged: int = 0
    worsened: int = 0
    not_yet_known: int = 0  # too early to tell, or too little history

    def add(self, verdict: Verdict) -> Tally:
        if verdict == Verdict.not_applicable:
            return self
        known = {
            Verdict.improved: (1, 0, 0),
            Verdict.unchanged: (0, 1, 0),
            Verdict.worsened: (0, 0, 1),
        }.get(verdict)
        if known is None:
            return replace(self, total=self.total + 1, not_yet_known=self.not_yet_known + 1)
        return Tally(
            self.total + 1,
            self.improved + known[0],
            self.unchanged + known[1],
            self.worsened + known[2],
            self.not_yet_known,
        )

    def words(self, noun: tuple[str, str]) -> str:
        """'4 of 6 plans improved their metric (1 unchanged, 1 not enough data yet)'."""
        if self.total == 0:
            return f"no completed {noun[1]} linked to a metric yet"
        subject, their = (noun[0], "its") if self.total == 1 else (noun[1], "their")
        rest = [
            f"{n} {name}"
            for n, name in (
                (self.unchanged, "unchanged"),
                (self.worsened, "worsened"),
                (self.not_yet_known, "not enough data yet"),
            )
            if n
        ]
        return f"{self.improved} of {self.total} {subject} improved {their} metric" + (
            f" ({', '.join(rest)})" if rest else ""
        )
