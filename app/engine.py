"""The off-track engine: pure functions of a metric's definition, its readings and a date.

No database, no HTTP. For each period it computes the expected value, the shortfall in the metric's
direction, a performance status from the tolerance bands, and reasons in words; for the metric it adds
data freshness and a forecast at the target date.

Rules (documented defaults live on the metric):
- expected value: the interim target for the period if set; otherwise the straight line from
  (baseline date, baseline) to (target date, target), read at the period's end, held at the baseline
  before the baseline date and at the target after the target date; without a baseline, the target.
  For `maintain_range` metrics, the range [range_min, range_max].
- shortfall: how far the value is on the wrong side of the expectation (0 when it meets it), in the
  metric's unit, or as a percent of the expected value (of the breached bound for ranges).
- status: shortfall <= at_risk_tolerance -> on_track; <= off_track_tolerance -> at_risk; above -> off_track.
  `escalate_after_periods` consecutive adverse reported periods turn at_risk into off_track
  (periods without a reading neither count nor break the run).
- freshness: `not_due` until the first period's deadline (end + grace days) passes; then `overdue` when the
  latest period past its deadline has no reading, else `current`. Missing data is never on track: a metric
  without readings has performance `no_data`.
- provisional figures: a reading for a period that has not ended by `as_of` (its end is `as_of` or later) is
  shown on its period (`provisional`) but judged by nothing (status, runs, freshness, forecast) until the
  period is over; then it counts like any other.
- forecast: with at least 3 readings, a least-squares line through the latest 6 gives the value projected
  at the target date; `projected_miss` when that misses the target beyond the off-track band. A target
  date already passed gives a realised `target_missed` reason instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from app.periods import Cadence, Period, label, periods_between

HUNDRED = Decimal(100)
FORECAST_MIN_READINGS = 3
FORECAST_WINDOW = 6


class Direction(StrEnum):
    increase = "increase"  # higher is better, e.g. job placements
    decrease = "decrease"  # lower is better, e.g. response time
    maintain_range = "maintain_range"  # stay inside [range_min, range_max]


class ToleranceMode(StrEnum):
    percent = "percent"  # bands are a percentage of the expected value
    absolute = "absolute"  # bands are in the metric's own unit


class Performance(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    no_data = "no_data"
    evaluation_error = "evaluation_error"  # the metric's stored definition cannot be evaluated (see the log)


class Freshness(StrEnum):
    not_due = "not_due"
    current = "current"
    overdue = "overdue"


SEVERITY_ORDER = {
    Performance.on_track: 0,
    Performance.no_data: 1,
    Performance.evaluation_error: 2,
    Performance.at_risk: 3,
    Performance.off_track: 4,
}


def worst(statuses: Sequence[Performance]) -> Performance:
    return max(statuses, key=SEVERITY_ORDER.__getitem__, default=Performance.no_data)


@dataclass(frozen=True)
class Definition:
    """What the engine needs to know about a metric (and the term of its contract or grant)."""

    direction: Direction
    cadence: Cadence
    unit: str
    target_value: Decimal | None = None
    target_date: date | None = None
    baseline_value: Decimal | None = None
    baseline_date: date | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    interim_targets: dict[Period, Decimal] = field(default_factory=dict)
    tolerance_mode: ToleranceMode = ToleranceMode.percent
    at_risk_tolerance: Decimal = Decimal(5)
    off_track_tolerance: Decimal = Decimal(15)
    grace_days: int = 15
    escalate_after_periods: int = 3
    term_start: date | None = None
    term_end: date | None = None
    fiscal_start_month: int = 7


class Dimension(StrEnum):
    """The three things a metric's status says: how it performs, whether its data is on time, where it heads."""

    performance = "performance"
    freshness = "freshness"
    forecast = "forecast"


class ReasonCode(StrEnum):
    """Why a metric has its status; each code explains one dimension."""

    below_expected = "below_expected"
    above_expected = "above_expected"
    outside_range = "outside_range"
    escalated_consecutive = "escalated_consecutive"
    no_data = "no_data"
    overdue = "overdue"
    missing_periods = "missing_periods"
    projected_miss = "projected_miss"
    target_missed = "target_missed"
    evaluation_error = "evaluation_error"

    @property
    def dimension(self) -> Dimension:
        return _DIMENSIONS[self]

    @property
    def is_shortfall(self) -> bool:
        """A value on the wrong side of its expectation (the headline of a performance alert)."""
        return self in (ReasonCode.below_expected, ReasonCode.above_expected, ReasonCode.outside_range)


_DIMENSIONS = {
    ReasonCode.below_expected: Dimension.performance,
    ReasonCode.above_expected: Dimension.performance,
    ReasonCode.outside_range: Dimension.performance,
    ReasonCode.escalated_consecutive: Dimension.performance,
    ReasonCode.no_data: Dimension.performance,
    ReasonCode.overdue: Dimension.freshness,
    ReasonCode.missing_periods: Dimension.freshness,
    ReasonCode.projected_miss: Dimension.forecast,
    ReasonCode.target_missed: Dimension.forecast,
    ReasonCode.evaluation_error: Dimension.performance,
}


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    message: str  # for staff: names the tolerance bands and rules that decided the status
    public_text: str | None = None  # for residents, from published fields only; None when `message` is already

    @property
    def public_message(self) -> str:
        return self.public_text if self.public_text is not None else self.message


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    label: str
    expected: Decimal | None  # None for maintain_range (see expected_range)
    expected_range: tuple[Decimal, Decimal] | None
    actual: Decimal | None
    shortfall: Decimal | None  # in the tolerance mode's measure (unit or percent)
    status: Performance
    adverse_run: int
    reasons: tuple[Reason, ...]
    provisional: Decimal | None = None  # an early figure for a period not yet ended: shown, not judged


@dataclass(frozen=True)
class Forecast:
    projected_value: Decimal
    target_date: date
    projected_miss: bool
    based_on: int


@dataclass(frozen=True)
class Evaluation:
    as_of: date
    performance: Performance
    freshness: Freshness
    projected_miss: bool
    periods: tuple[PeriodResult, ...]
    forecast: Forecast | None
    reasons: tuple[Reason, ...]

    @property
    def latest(self) -> PeriodResult | None:
        reported = [p for p in self.periods if p.actual is not None]
        return reported[-1] if reported else None

    def reason(self, code: ReasonCode) -> str | None:
        return next((r.message for r in self.reasons if r.code == code), None)

    def reason_for(self, dimension: Dimension) -> str | None:
        """The first reason explaining `dimension`, if any."""
        return next((r.message for r in self.reasons if r.code.dimension == dimension), None)


# --- expected values and shortfalls ----------------------------------------------------------------


def expected_at(definition: Definition, period: Period) -> Decimal | None:
    """The expected value for a period (None for maintain_range metrics, which have a range instead)."""
    if definition.direction == Direction.maintain_range:
        return None
    if period in definition.interim_targets:
        return definition.interim_targets[period]
    target, target_date = definition.target_value, definition.target_date
    if target is None:
        return None
    baseline, baseline_date = definition.baseline_value, definition.baseline_date
    if baseline is None or baseline_date is None or target_date is None or target_date <= baseline_date:
        return target
    day = period.end
    if day <= baseline_date:
        return baseline
    if day >= target_date:
        return target
    progress = Decimal((day - baseline_date).days) / Decimal((target_date - baseline_date).days)
    return baseline + (target - baseline) * progress


def shortfall(definition: Definition, actual: Decimal, expected: Decimal | None) -> Decimal:
    """How far `actual` is on the wrong side of the expectation, never negative, in the tolerance measure."""
    if definition.direction == Direction.maintain_range:
        low, high = definition.range_min, definition.range_max
        assert low is not None and high is not None
        if actual < low:
            gap, bound = low - actual, low
        elif actual > high:
            gap, bound = actual - high, high
        else:
            return Decimal(0)
    else:
        assert expected is not None
        gap = expected - actual if definition.direction == Direction.increase else actual - expected
        bound = expected
        if gap <= 0:
            return Decimal(0)
    if definition.tolerance_mode == ToleranceMode.absolute:
        return gap
    if bound == 0:
        return Decimal("Infinity")  # any miss of a zero expectation is infinitely far off in percent
    return gap / abs(bound) * HUNDRED


Edges = tuple[Decimal | None, Decimal | None]  # (lowest, highest) value inside; None: unbounded on that side


def status_edges(definition: Definition, expected: Decimal | None) -> tuple[Edges, Edges] | None:
    """The tolerance bands in the metric's own unit around a period's expectation: the values that count as on
    track, and those that are not yet off track (between the two: at risk). None when nothing is expected."""
    low, high = definition.range_min, definition.range_max
    ranged = definition.direction == Direction.maintain_range
    if (ranged and (low is None or high is None)) or (not ranged and expected is None):
        return None

    def edges(allowed: Decimal) -> Edges:
        if ranged:
            assert low is not None and high is not None
            return low - _tolerance(definition, low, allowed), high + _tolerance(definition, high, allowed)
        assert expected is not None
        margin = _tolerance(definition, expected, allowed)
        return (expected - margin, None) if definition.direction == Direction.increase else (None, expected + margin)

    return edges(definition.at_risk_tolerance), edges(definition.off_track_tolerance)


def _tolerance(definition: Definition, bound: Decimal, allowed: Decimal) -> Decimal:
    return allowed if definition.tolerance_mode == ToleranceMode.absolute else abs(bound) * allowed / HUNDRED


def band_status(definition: Definition, measure: Decimal) -> Performance:
    if measure <= definition.at_risk_tolerance:
        return Performance.on_track
    if measure <= definition.off_track_tolerance:
        return Performance.at_risk
    return Performance.off_track


# --- evaluation ------------------------------------------------------------------------------------


def failed_evaluation(as_of: date) -> Evaluation:
    """What a metric shows when its stored definition cannot be evaluated (e.g. dates stored before the
    accepted range existed): not a status anyone can act on, and no alerts; the error itself is in the log."""
    return Evaluation(
        as_of=as_of,
        performance=Performance.evaluation_error,
        freshness=Freshness.not_due,
        projected_miss=False,
        periods=(),
        forecast=None,
        reasons=(
            Reason(ReasonCode.evaluation_error, "This metric could not be evaluated; the city is looking into it."),
        ),
    )


def evaluate(
    definition: Definition, readings: dict[Period, Decimal], as_of: date, *, detail: bool = True
) -> Evaluation:
    """Per-period results, then the metric's performance, freshness and forecast as of `as_of`.

    With `detail=False` (the sweep) only the latest reported period carries reasons; statuses are the same.
    """
    results: list[PeriodResult] = []
    run = 0
    latest_index, run_before_latest = -1, 0
    for period in _window(definition, readings, as_of):
        actual = readings.get(period)
        if actual is not None and period.end >= as_of:  # not ended: shown, judged once the period is over
            results.append(_evaluate_period(definition, period, None, run, provisional=actual))
            continue
        result = _evaluate_period(definition, period, actual, run, with_reasons=detail)
        if actual is not None:
            latest_index, run_before_latest = len(results), run
            run = result.adverse_run
        results.append(result)
    latest = results[latest_index] if latest_index >= 0 else None
    if latest is not None and not detail:
        latest = _evaluate_period(definition, latest.period, latest.actual, run_before_latest, with_reasons=True)
        results[latest_index] = latest
    performance = latest.status if latest else Performance.no_data
    freshness, freshness_reasons = _freshness(definition, results, as_of)
    forecast, forecast_reasons = _forecast(definition, results, as_of)
    reasons: list[Reason] = list(latest.reasons) if latest else [Reason(ReasonCode.no_data, "No readings yet.")]
    reasons += freshness_reasons + forecast_reasons
    return Evaluation(
        as_of=as_of,
        performance=performance,
        freshness=freshness,
        projected_miss=bool(forecast and forecast.projected_miss),
        periods=tuple(results),
        forecast=forecast,
        reasons=tuple(reasons),
    )


def _window(definition: Definition, readings: dict[Period, Decimal], as_of: date) -> list[Period]:
    """The periods to judge: from the start of the term (or first reading) to today or the term's end."""
    first = definition.term_start or definition.baseline_date or min((p.start for p in readings), default=as_of)
    last = min(as_of, definition.term_end) if definition.term_end else as_of
    if last < first:
        return sorted(readings)
    window = _periods(first, last, definition.cadence, definition.fiscal_start_month)
    if all(period in window for period in readings):
        return list(window)
    return sorted(window.keys() | readings.keys())  # readings outside the window still count


@lru_cache(maxsize=1024)  # many metrics share a term: compute its periods once
def _periods(first: date, last: date, cadence: Cadence, fiscal_start_month: int) -> dict[Period, None]:
    return dict.fromkeys(periods_between(first, last, cadence, fiscal_start_month=fiscal_start_month))


def _evaluate_period(
    definition: Definition,
    period: Period,
    actual: Decimal | None,
    run: int,
    *,
    with_reasons: bool = True,
    provisional: Decimal | None = None,
) -> PeriodResult:
    name = label(period, definition.cadence, fiscal_start_month=definition.fiscal_start_month)
    expected = expected_at(definition, period)
    expected_range = (
        (definition.range_min, definition.range_max)
        if definition.direction == Direction.maintain_range
        and definition.range_min is not None
        and definition.range_max is not None
        else None
    )
    if actual is None or (expected is None and expected_range is None):
        return PeriodResult(
            period, name, expected, expected_range, actual, None, Performance.no_data, run, (), provisional
        )
    measure = shortfall(definition, actual, expected)
    status = band_status(definition, measure)
    run = run + 1 if status != Performance.on_track else 0
    reasons: list[Reason] = []
    if status != Performance.on_track and with_reasons:
        reasons.append(_shortfall_reason(definition, name, actual, expected, measure, status, run))
    if status == Performance.at_risk and run >= definition.escalate_after_periods:
        status = Performance.off_track
        if with_reasons:
            reasons.append(
                Reason(
                    ReasonCode.escalated_consecutive,
                    f"{name}: {_ordinal(run)} adverse {period_word(definition.cadence)} in a row "
                    f"(escalates after {definition.escalate_after_periods}).",
                    f"{name}: {_ordinal(run)} adverse {period_word(definition.cadence)} in a row.",
                )
            )
    return PeriodResult(period, name, expected, expected_range, actual, measure, status, run, tuple(reasons))


def _shortfall_reason(
    definition: Definition,
    name: str,
    actual: Decimal,
    expected: Decimal | None,
    measure: Decimal,
    status: Performance,
    run: int,
) -> Reason:
    band = definition.at_risk_tolerance if status == Performance.at_risk else definition.off_track_tolerance
    band_name = "at-risk" if status == Performance.at_risk else "off-track"
    percent = definition.tolerance_mode == ToleranceMode.percent
    size = f"{_num(measure)} %" if percent else f"{_num(measure)} {definition.unit}"
    band_text = f"{band_name} band {_num(band)}{' %' if percent else ' ' + definition.unit}"
    value = f"{_num(actual)} {definition.unit}"
    run_text = f"; {_ordinal(run)} adverse {period_word(definition.cadence)} in a row" if run >= 2 else ""
    if definition.direction == Direction.maintain_range:
        low, high = definition.range_min, definition.range_max
        side = "below" if low is not None and actual < low else "above"
        outside = f"{name}: {value}, {size} {side} the range {_num(low)} to {_num(high)}"
        return Reason(ReasonCode.outside_range, f"{outside} ({band_text}){run_text}.", f"{outside}{run_text}.")
    side = "below" if definition.direction == Direction.increase else "above"
    code = ReasonCode.below_expected if side == "below" else ReasonCode.above_expected
    short = f"{name}: {value}, {size} {side} the expected {_num(expected)}"
    return Reason(code, f"{short} ({band_text}){run_text}.", f"{short}{run_text}.")


def _freshness(definition: Definition, results: list[PeriodResult], as_of: date) -> tuple[Freshness, list[Reason]]:
    grace = timedelta(days=definition.grace_days)
    due = [r for r in results if r.period.end + grace < as_of]
    if not due:
        return Freshness.not_due, []
    latest_due = due[-1]
    missing = [r for r in due if r.actual is None]
    if latest_due.actual is None:
        deadline = latest_due.period.end + grace
        earlier = len(missing) - 1
        extra = f"; {earlier} earlier {period_word(definition.cadence, earlier)} also missing" if earlier else ""
        return Freshness.overdue, [
            Reason(ReasonCode.overdue, f"{latest_due.label}: no reading, due by {deadline.isoformat()}{extra}.")
        ]
    reasons = (
        [
            Reason(
                ReasonCode.missing_periods,
                f"{len(missing)} earlier {period_word(definition.cadence, len(missing))} "
                f"without a reading: {', '.join(r.label for r in missing[:6])}.",
            )
        ]
        if missing
        else []
    )
    return Freshness.current, reasons


def _forecast(definition: Definition, results: list[PeriodResult], as_of: date) -> tuple[Forecast | None, list[Reason]]:
    target_date = definition.target_date
    if target_date is None:
        return None, []
    if target_date <= as_of:
        final = next((r for r in reversed(results) if r.actual is not None and r.period.end >= target_date), None)
        if final is not None and final.status == Performance.off_track:
            return None, [
                Reason(
                    ReasonCode.target_missed,
                    f"The target date {target_date.isoformat()} has passed and {final.label} is off track.",
                )
            ]
        return None, []
    reported = [r for r in results if r.actual is not None][-FORECAST_WINDOW:]
    if len(reported) < FORECAST_MIN_READINGS:
        return None, []
    projected = _project(
        [(r.period.end.toordinal(), r.actual) for r in reported if r.actual is not None], target_date.toordinal()
    )
    goal = definition.target_value
    expected_final = goal if definition.direction != Direction.maintain_range else None
    if definition.direction != Direction.maintain_range and goal is None:
        return None, []
    measure = shortfall(definition, projected, expected_final)
    miss = measure > definition.off_track_tolerance
    forecast = Forecast(projected_value=projected, target_date=target_date, projected_miss=miss, based_on=len(reported))
    if not miss:
        return forecast, []
    trend = (
        f"At the recent trend ({len(reported)} readings) the metric reaches {_num(projected)} {definition.unit} "
        f"by {target_date.isoformat()}"
    )
    target_text = (
        f"the range {_num(definition.range_min)} to {_num(definition.range_max)}"
        if definition.direction == Direction.maintain_range
        else f"the target {_num(goal)}"
    )
    return forecast, [
        Reason(
            ReasonCode.projected_miss,
            f"{trend}, missing {target_text} beyond the off-track band.",
            f"{trend}, missing {target_text}.",
        )
    ]


def least_squares(points: Sequence[tuple[int, Decimal]]) -> tuple[Decimal, Decimal, Decimal | None]:
    """The least-squares line through (at least one of) the points: mean x, mean y and the slope of y per unit
    of x (None when x does not vary), in exact decimal arithmetic."""
    n = Decimal(len(points))
    mean_x = sum(Decimal(x) for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((Decimal(x) - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return mean_x, mean_y, None
    return mean_x, mean_y, sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in points) / spread


def _project(points: list[tuple[int, Decimal]], at: int) -> Decimal:
    """Least-squares line through the points, read at `at`."""
    mean_x, mean_y, slope = least_squares(points)
    if slope is None:
        return mean_y
    return (mean_y + slope * (Decimal(at) - mean_x)).quantize(Decimal("0.01"))


def _num(value: Decimal | None) -> str:
    if value is None:
        return "?"
    if value.is_infinite():
        return "∞"
    # Two decimals at most: one would round 94.96 to 95 and make an at-risk value read as within the band.
    rounded = value.quantize(Decimal("0.01")).normalize()
    text = f"{rounded:f}"
    return text


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def period_word(cadence: Cadence, count: int = 1) -> str:
    """`month` or `months` (for `count`), in words about this cadence's periods."""
    word = {Cadence.weekly: "week", Cadence.monthly: "month", Cadence.quarterly: "quarter", Cadence.annual: "year"}
    return word[cadence] + ("s" if count != 1 else "")
