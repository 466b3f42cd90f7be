"""Properties of the off-track engine that must hold for every metric, not just the examples.

Decimals are built from integers (no NaN, no floats), so every expected boundary is exact.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.engine import (
    SEVERITY_ORDER,
    Definition,
    Direction,
    Freshness,
    Performance,
    PeriodResult,
    ToleranceMode,
    band_status,
    evaluate,
    shortfall,
    worst,
)
from app.periods import Cadence, Period, parse

D = Decimal
CENT = D("0.01")
TENTH = D("0.1")
PERIOD = parse("2026-03", Cadence.monthly)
AS_OF = date(2026, 4, 1)
MONTHS = [parse(f"2026-{m:02d}", Cadence.monthly) for m in range(1, 13)]

examples = settings(max_examples=200, deadline=None)


def scaled(low: int, high: int, unit: Decimal = CENT) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda i: D(i) * unit)


values = scaled(-1_000_000, 1_000_000)  # -10 000.00 .. 10 000.00
nonzero_values = values.filter(lambda v: v != 0)
distances = scaled(0, 500_000)
modes = st.sampled_from(ToleranceMode)
escalations = st.integers(1, 6)


@st.composite
def bands(draw: Any, mode: ToleranceMode) -> tuple[Decimal, Decimal]:
    """(at_risk_tolerance, off_track_tolerance), at_risk <= off_track as metric validation requires."""
    unit = TENTH if mode == ToleranceMode.percent else CENT
    top = 3_000 if mode == ToleranceMode.percent else 300_000
    first, second = draw(scaled(0, top, unit)), draw(scaled(0, top, unit))
    return min(first, second), max(first, second)


def rank(status: Performance) -> int:
    return SEVERITY_ORDER[status]


def metric(
    direction: Direction,
    mode: ToleranceMode,
    band: tuple[Decimal, Decimal],
    *,
    expected: Decimal | None = None,
    low: Decimal | None = None,
    high: Decimal | None = None,
    escalate: int = 3,
    **extra: Any,
) -> Definition:
    """A metric whose expectation is `expected` in every period (no baseline, so no straight line)."""
    return Definition(
        direction=direction,
        cadence=Cadence.monthly,
        unit="units",
        target_value=expected,
        target_date=date(2027, 12, 31) if direction != Direction.maintain_range else None,
        range_min=low,
        range_max=high,
        tolerance_mode=mode,
        at_risk_tolerance=band[0],
        off_track_tolerance=band[1],
        escalate_after_periods=escalate,
        **extra,
    )


def judged(definition: Definition, value: Decimal) -> PeriodResult:
    """The result of a single reading for March 2026, judged on 1 April 2026."""
    evaluation = evaluate(definition, {PERIOD: value}, AS_OF)
    return next(r for r in evaluation.periods if r.period == PERIOD)


# --- direction symmetry ------------------------------------------------------------------------------


@examples
@given(expected=values, value=values, mode=modes, data=st.data())
def test_a_decrease_metric_mirrored_around_the_expectation_gets_the_same_status(
    expected: Decimal, value: Decimal, mode: ToleranceMode, data: st.DataObject
) -> None:
    band = data.draw(bands(mode))
    up = judged(metric(Direction.increase, mode, band, expected=expected), value)
    down = judged(metric(Direction.decrease, mode, band, expected=expected), 2 * expected - value)

    assert down.status == up.status
    assert down.shortfall == up.shortfall


@examples
@given(
    series=st.lists(st.tuples(values, st.none() | values), min_size=1, max_size=12),
    mode=modes,
    escalate=escalations,
    data=st.data(),
)
def test_mirrored_series_with_interim_targets_get_the_same_statuses_and_runs(
    series: list[tuple[Decimal, Decimal | None]], mode: ToleranceMode, escalate: int, data: st.DataObject
) -> None:
    band = data.draw(bands(mode))
    interim = {MONTHS[i]: expected for i, (expected, _) in enumerate(series)}
    up_readings = {MONTHS[i]: v for i, (_, v) in enumerate(series) if v is not None}
    down_readings = {MONTHS[i]: 2 * e - v for i, (e, v) in enumerate(series) if v is not None}
    common: dict[str, Any] = {"expected": D(0), "escalate": escalate, "interim_targets": interim}

    up = evaluate(metric(Direction.increase, mode, band, **common), up_readings, date(2027, 1, 1))
    down = evaluate(metric(Direction.decrease, mode, band, **common), down_readings, date(2027, 1, 1))

    assert [(r.status, r.adverse_run, r.shortfall) for r in down.periods] == [
        (r.status, r.adverse_run, r.shortfall) for r in up.periods
    ]
    assert down.performance == up.performance


@examples
@given(low=values, width=distances, value=values, mode=modes, data=st.data())
def test_a_range_mirrored_around_zero_gets_the_same_status(
    low: Decimal, width: Decimal, value: Decimal, mode: ToleranceMode, data: st.DataObject
) -> None:
    band = data.draw(bands(mode))
    high = low + width
    plain = judged(metric(Direction.maintain_range, mode, band, low=low, high=high), value)
    mirrored = judged(metric(Direction.maintain_range, mode, band, low=-high, high=-low), -value)

    assert mirrored.status == plain.status
    assert mirrored.shortfall == plain.shortfall


# --- monotonicity: a better value never gives a worse status -----------------------------------------


@examples
@given(expected=values, first=values, second=values, mode=modes, escalate=escalations, data=st.data())
def test_a_higher_value_of_an_increase_metric_is_never_worse(
    expected: Decimal, first: Decimal, second: Decimal, mode: ToleranceMode, escalate: int, data: st.DataObject
) -> None:
    definition = metric(Direction.increase, mode, data.draw(bands(mode)), expected=expected, escalate=escalate)
    lower, higher = sorted((first, second))

    assert rank(judged(definition, higher).status) <= rank(judged(definition, lower).status)
    assert judged(definition, higher).shortfall <= judged(definition, lower).shortfall  # type: ignore[operator]


@examples
@given(expected=values, first=values, second=values, mode=modes, escalate=escalations, data=st.data())
def test_a_lower_value_of_a_decrease_metric_is_never_worse(
    expected: Decimal, first: Decimal, second: Decimal, mode: ToleranceMode, escalate: int, data: st.DataObject
) -> None:
    definition = metric(Direction.decrease, mode, data.draw(bands(mode)), expected=expected, escalate=escalate)
    lower, higher = sorted((first, second))

    assert rank(judged(definition, lower).status) <= rank(judged(definition, higher).status)
    assert judged(definition, lower).shortfall <= judged(definition, higher).shortfall  # type: ignore[operator]


@examples
@given(
    low=values,
    width=distances,
    near=distances,
    farther=distances,
    side=st.sampled_from(["below", "above"]),
    escalate=escalations,
    mode=modes,
    data=st.data(),
)
def test_a_value_closer_to_the_range_on_the_same_side_is_never_worse(
    low: Decimal,
    width: Decimal,
    near: Decimal,
    farther: Decimal,
    side: str,
    escalate: int,
    mode: ToleranceMode,
    data: st.DataObject,
) -> None:
    high = low + width
    definition = metric(Direction.maintain_range, mode, data.draw(bands(mode)), low=low, high=high, escalate=escalate)
    far = near + farther

    def at(distance: Decimal) -> Decimal:
        return low - distance if side == "below" else high + distance

    assert rank(judged(definition, at(near)).status) <= rank(judged(definition, at(far)).status)


@examples
@given(
    low=values,
    width=distances,
    near=distances,
    farther=distances,
    near_side=st.sampled_from([-1, 1]),
    far_side=st.sampled_from([-1, 1]),
    data=st.data(),
)
def test_in_absolute_bands_a_value_closer_to_the_range_on_either_side_is_never_worse(
    low: Decimal,
    width: Decimal,
    near: Decimal,
    farther: Decimal,
    near_side: int,
    far_side: int,
    data: st.DataObject,
) -> None:
    high = low + width
    mode = ToleranceMode.absolute
    definition = metric(Direction.maintain_range, mode, data.draw(bands(mode)), low=low, high=high)

    def at(distance: Decimal, side: int) -> Decimal:
        return low - distance if side < 0 else high + distance

    close, away = judged(definition, at(near, near_side)), judged(definition, at(near + farther, far_side))
    assert close.shortfall == near
    assert rank(close.status) <= rank(away.status)


@examples
@given(
    series=st.lists(st.none() | values, min_size=1, max_size=12),
    expected=values,
    direction=st.sampled_from([Direction.increase, Direction.decrease]),
    mode=modes,
    escalate=escalations,
    improvement=scaled(1, 500_000),
    data=st.data(),
)
def test_improving_one_reading_never_worsens_any_period_or_the_metric(
    series: list[Decimal | None],
    expected: Decimal,
    direction: Direction,
    mode: ToleranceMode,
    escalate: int,
    improvement: Decimal,
    data: st.DataObject,
) -> None:
    reported = [i for i, v in enumerate(series) if v is not None]
    assume(reported)
    which = data.draw(st.sampled_from(reported))
    definition = metric(direction, mode, data.draw(bands(mode)), expected=expected, escalate=escalate)
    before = {MONTHS[i]: v for i, v in enumerate(series) if v is not None}
    after = dict(before)
    after[MONTHS[which]] += improvement if direction == Direction.increase else -improvement

    old, new = evaluate(definition, before, date(2027, 1, 1)), evaluate(definition, after, date(2027, 1, 1))

    for was, now in zip(old.periods, new.periods, strict=True):
        assert rank(now.status) <= rank(was.status), (was, now)
        assert now.adverse_run <= was.adverse_run
    assert rank(new.performance) <= rank(old.performance)


# --- boundaries of the bands -------------------------------------------------------------------------

KINDS = ["increase", "decrease", "below range", "above range"]


def boundary_metric(kind: str, bound: Decimal, mode: ToleranceMode, band: tuple[Decimal, Decimal]) -> Definition:
    """A metric whose expectation (or breached range bound) is `bound`."""
    if kind == "increase":
        return metric(Direction.increase, mode, band, expected=bound)
    if kind == "decrease":
        return metric(Direction.decrease, mode, band, expected=bound)
    if kind == "below range":
        return metric(Direction.maintain_range, mode, band, low=bound, high=bound + 10)
    return metric(Direction.maintain_range, mode, band, low=bound - 10, high=bound)


def missing_by(kind: str, bound: Decimal, gap: Decimal) -> Decimal:
    """The value that is `gap` on the wrong side of `bound`."""
    return bound - gap if kind in ("increase", "below range") else bound + gap


@examples
@given(
    kind=st.sampled_from(KINDS),
    bound=values,
    at_risk=scaled(0, 200_000),
    spread=scaled(1, 200_000),
)
def test_absolute_band_edges_belong_to_the_better_status(
    kind: str, bound: Decimal, at_risk: Decimal, spread: Decimal
) -> None:
    off_track = at_risk + spread
    definition = boundary_metric(kind, bound, ToleranceMode.absolute, (at_risk, off_track))
    tiny = D("0.001")

    def status(gap: Decimal) -> Performance:
        result = judged(definition, missing_by(kind, bound, gap))
        assert result.shortfall == gap
        return result.status

    assert status(at_risk) == Performance.on_track
    assert status(at_risk + tiny) == Performance.at_risk
    assert status(off_track) == Performance.at_risk
    assert status(off_track + tiny) == Performance.off_track


@examples
@given(
    kind=st.sampled_from(KINDS),
    bound=nonzero_values,
    at_risk=scaled(0, 1_000, TENTH),
    spread=scaled(1, 1_000, TENTH),
)
def test_percent_band_edges_belong_to_the_better_status(
    kind: str, bound: Decimal, at_risk: Decimal, spread: Decimal
) -> None:
    off_track = at_risk + spread
    definition = boundary_metric(kind, bound, ToleranceMode.percent, (at_risk, off_track))
    tiny = D("0.000001")  # at most 0.01 % of any |bound| >= 0.01, below the 0.1 % step between bands

    def status(gap: Decimal) -> Performance:
        return judged(definition, missing_by(kind, bound, gap)).status

    at_risk_gap, off_track_gap = abs(bound) * at_risk / 100, abs(bound) * off_track / 100
    assert judged(definition, missing_by(kind, bound, at_risk_gap)).shortfall == at_risk
    assert status(at_risk_gap) == Performance.on_track
    assert status(at_risk_gap + tiny) == Performance.at_risk
    assert judged(definition, missing_by(kind, bound, off_track_gap)).shortfall == off_track
    assert status(off_track_gap) == Performance.at_risk
    assert status(off_track_gap + tiny) == Performance.off_track


@examples
@given(measure=scaled(0, 10_000, TENTH), data=st.data())
def test_band_status_is_a_step_function_of_the_measure(measure: Decimal, data: st.DataObject) -> None:
    at_risk, off_track = data.draw(bands(ToleranceMode.percent))
    definition = metric(Direction.increase, ToleranceMode.percent, (at_risk, off_track), expected=D(1))
    expected = (
        Performance.on_track
        if measure <= at_risk
        else Performance.at_risk
        if measure <= off_track
        else Performance.off_track
    )

    assert band_status(definition, measure) == expected


# --- shortfall ---------------------------------------------------------------------------------------


@examples
@given(
    direction=st.sampled_from(Direction),
    mode=modes,
    expected=values,
    low=values,
    width=distances,
    value=values,
)
def test_shortfall_is_never_negative_and_zero_exactly_when_the_value_meets_the_expectation(
    direction: Direction, mode: ToleranceMode, expected: Decimal, low: Decimal, width: Decimal, value: Decimal
) -> None:
    high = low + width
    definition = metric(direction, mode, (D(5), D(15)), expected=expected, low=low, high=high)
    expectation = None if direction == Direction.maintain_range else expected

    measure = shortfall(definition, value, expectation)

    meets = {
        Direction.increase: value >= expected,
        Direction.decrease: value <= expected,
        Direction.maintain_range: low <= value <= high,
    }[direction]
    assert measure >= 0
    assert (measure == 0) == meets
    assert judged(definition, value).shortfall == measure


@examples
@given(
    series=st.lists(st.none() | values, min_size=0, max_size=12),
    direction=st.sampled_from(Direction),
    mode=modes,
    baseline=values,
    target=values,
    low=values,
    width=distances,
)
def test_no_period_of_a_straight_line_metric_has_a_negative_shortfall(
    series: list[Decimal | None],
    direction: Direction,
    mode: ToleranceMode,
    baseline: Decimal,
    target: Decimal,
    low: Decimal,
    width: Decimal,
) -> None:
    definition = metric(
        direction,
        mode,
        (D(5), D(15)),
        expected=target,
        low=low,
        high=low + width,
        baseline_value=baseline,
        baseline_date=date(2025, 12, 31),
    )
    readings = {MONTHS[i]: v for i, v in enumerate(series) if v is not None}

    for result in evaluate(definition, readings, date(2027, 1, 1)).periods:
        assert (result.shortfall is None) == (result.actual is None)
        assert result.shortfall is None or result.shortfall >= 0


# --- escalation, gaps and the metric's performance ---------------------------------------------------


@examples
@given(
    series=st.lists(st.none() | values, min_size=0, max_size=12),
    expected=values,
    direction=st.sampled_from([Direction.increase, Direction.decrease]),
    mode=modes,
    escalate=escalations,
    data=st.data(),
)
def test_statuses_follow_the_bands_and_the_escalation_rule(
    series: list[Decimal | None],
    expected: Decimal,
    direction: Direction,
    mode: ToleranceMode,
    escalate: int,
    data: st.DataObject,
) -> None:
    definition = metric(direction, mode, data.draw(bands(mode)), expected=expected, escalate=escalate)
    readings = {MONTHS[i]: v for i, v in enumerate(series) if v is not None}

    evaluation = evaluate(definition, readings, date(2027, 1, 1))

    run = 0
    for result in evaluation.periods:
        if result.actual is None:
            assert result.status == Performance.no_data
            assert result.adverse_run == run  # neither counts nor breaks the run
            continue
        band = band_status(definition, shortfall(definition, result.actual, expected))
        run = run + 1 if band != Performance.on_track else 0
        escalated = band == Performance.at_risk and run >= escalate
        assert result.adverse_run == run
        assert result.status == (Performance.off_track if escalated else band)
        assert not (result.status == Performance.at_risk and result.adverse_run >= escalate)
        codes = [r.code for r in result.reasons]
        assert ("escalated_consecutive" in codes) == escalated
        if result.status != Performance.on_track:
            assert result.reasons[0].message.startswith(f"{result.label}: ")
    latest = evaluation.latest
    assert evaluation.performance == (latest.status if latest else Performance.no_data)


@examples
@given(
    series=st.lists(values, min_size=1, max_size=6),
    gaps=st.lists(st.integers(0, 1), min_size=6, max_size=6),
    expected=values,
    mode=modes,
    escalate=escalations,
    data=st.data(),
)
def test_months_without_a_reading_between_readings_change_no_status(
    series: list[Decimal], gaps: list[int], expected: Decimal, mode: ToleranceMode, escalate: int, data: st.DataObject
) -> None:
    definition = metric(Direction.increase, mode, data.draw(bands(mode)), expected=expected, escalate=escalate)
    packed = {MONTHS[i]: v for i, v in enumerate(series)}
    positions, index = [], 0
    for i in range(len(series)):
        index += gaps[i] if i else 0
        positions.append(index)
        index += 1
    spaced = {MONTHS[p]: v for p, v in zip(positions, series, strict=True)}

    def reported(readings: dict[Period, Decimal]) -> list[tuple[Performance, int]]:
        evaluation = evaluate(definition, readings, date(2027, 1, 1))
        return [(r.status, r.adverse_run) for r in evaluation.periods if r.actual is not None]

    assert reported(spaced) == reported(packed)


@examples
@given(
    direction=st.sampled_from(Direction),
    mode=modes,
    expected=values,
    as_of=st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)),
    term=st.booleans(),
)
def test_a_metric_without_readings_is_never_on_track(
    direction: Direction, mode: ToleranceMode, expected: Decimal, as_of: date, term: bool
) -> None:
    definition = metric(
        direction,
        mode,
        (D(5), D(15)),
        expected=expected,
        low=expected,
        high=expected + 1,
        term_start=date(2026, 1, 1) if term else None,
        term_end=date(2026, 12, 31) if term else None,
    )

    evaluation = evaluate(definition, {}, as_of)

    assert evaluation.performance == Performance.no_data
    assert evaluation.forecast is None
    assert not evaluation.projected_miss
    assert all(r.status == Performance.no_data for r in evaluation.periods)


# --- freshness and forecast --------------------------------------------------------------------------


@examples
@given(
    present=st.lists(st.booleans(), min_size=12, max_size=12),
    grace=st.integers(0, 60),
    near=st.sampled_from(MONTHS),
    offset=st.integers(-2, 2),
    anywhere=st.none() | st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 6, 30)),
)
def test_freshness_follows_the_deadline_of_the_latest_due_period(
    present: list[bool], grace: int, near: Period, offset: int, anywhere: date | None
) -> None:
    # Mostly a day or two either side of a deadline, where an off-by-one would show.
    as_of = anywhere or near.end + timedelta(days=grace + offset)
    definition = metric(
        Direction.increase,
        ToleranceMode.percent,
        (D(5), D(15)),
        expected=D(100),
        grace_days=grace,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 12, 31),
    )
    readings = {MONTHS[i]: D(100) for i, here in enumerate(present) if here and MONTHS[i].start <= as_of}

    freshness = evaluate(definition, readings, as_of).freshness

    due = [p for p in MONTHS if p.end + timedelta(days=grace) < as_of]
    if not due:
        assert freshness == Freshness.not_due
    elif due[-1] in readings:
        assert freshness == Freshness.current
    else:
        assert freshness == Freshness.overdue


@examples
@given(
    level=values,
    count=st.integers(0, 8),
    target=values,
    direction=st.sampled_from([Direction.increase, Direction.decrease]),
    mode=modes,
    data=st.data(),
)
def test_a_flat_trend_projects_its_level_and_misses_only_beyond_the_off_track_band(
    level: Decimal,
    count: int,
    target: Decimal,
    direction: Direction,
    mode: ToleranceMode,
    data: st.DataObject,
) -> None:
    band = data.draw(bands(mode))
    definition = metric(direction, mode, band, expected=target)
    readings = {MONTHS[i]: level for i in range(count)}

    evaluation = evaluate(definition, readings, date(2026, 9, 1))  # target date 31 Dec 2027

    if count < 3:
        assert evaluation.forecast is None
        assert not evaluation.projected_miss
        return
    assert evaluation.forecast is not None
    assert evaluation.forecast.projected_value == level
    assert evaluation.forecast.based_on == min(count, 6)
    assert evaluation.projected_miss == (shortfall(definition, level, target) > band[1])
    assert evaluation.projected_miss == any(r.code == "projected_miss" for r in evaluation.reasons)


@examples
@given(
    series=st.lists(values, min_size=0, max_size=12),
    target=values,
    as_of=st.dates(min_value=date(2027, 12, 31), max_value=date(2029, 12, 31)),
    mode=modes,
)
def test_after_the_target_date_nothing_is_projected(
    series: list[Decimal], target: Decimal, as_of: date, mode: ToleranceMode
) -> None:
    definition = metric(Direction.increase, mode, (D(5), D(15)), expected=target)
    readings = {MONTHS[i]: v for i, v in enumerate(series)}

    evaluation = evaluate(definition, readings, as_of)

    assert evaluation.forecast is None
    assert not evaluation.projected_miss
    assert all(r.code != "projected_miss" for r in evaluation.reasons)


# --- worst() -----------------------------------------------------------------------------------------

statuses = st.lists(st.sampled_from(Performance), max_size=8)


def test_worst_ranks_on_track_then_no_data_then_at_risk_then_off_track() -> None:
    ladder = [Performance.on_track, Performance.no_data, Performance.at_risk, Performance.off_track]

    for better, worse in pairwise(ladder):
        assert worst([better, worse]) == worse
        assert worst([worse, better]) == worse
    assert worst([]) == Performance.no_data


@examples
@given(items=statuses)
def test_worst_is_one_of_the_statuses_and_no_better_than_any(items: list[Performance]) -> None:
    result = worst(items)

    if not items:
        assert result == Performance.no_data
        return
    assert result in items
    assert all(rank(result) >= rank(item) for item in items)


@examples
@given(first=statuses, second=statuses, data=st.data())
def test_worst_ignores_order_and_grouping(first: list[Performance], second: list[Performance], data: Any) -> None:
    shuffled = data.draw(st.permutations(first + second))

    assert worst(shuffled) == worst(first + second)
    if first and second:
        assert worst([worst(first), worst(second)]) == worst(first + second)
