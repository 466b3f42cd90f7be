"""The effectiveness rules (app/effectiveness/rules.py): pure, told as the questions a contract manager asks
after a corrective plan is done. Did the shortfall fall? Over how many months? Is it too early to tell?"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from app.effectiveness.rules import MAX_PERIODS, Point, Tally, Verdict, compare, points
from app.engine import Definition, Direction, ToleranceMode, evaluate
from app.periods import Cadence, Period, label, parse, periods_between

D = Decimal
MONTHS = ("month", "months")
# A plan completed in August 2026; months before and after it are numbered from it.
AUGUST = parse("2026-08", Cadence.monthly)


@cache
def month_at(offset: int) -> Period:
    """The month `offset` months from August 2026 (negative: before)."""
    months = periods_between(date(2024, 1, 1), date(2029, 12, 31), Cadence.monthly)
    return months[months.index(AUGUST) + offset]


def series(before: list[Decimal], after: list[Decimal]) -> list[Point]:
    """Shortfalls (percent) for the months right before and right after August; the value mirrors the shortfall
    of an increase metric expected at 100."""
    found = []
    for offset, gap in [*zip(range(-len(before), 0), before, strict=True), *enumerate(after, start=1)]:
        period = month_at(offset)
        found.append(Point(label(period, Cadence.monthly), period.start, period.end, offset, D(100) - gap, gap))
    return found


def judge(before: list[Decimal], after: list[Decimal]) -> tuple[Verdict, int, str]:
    result = compare(
        series(before, after),
        completed_start=AUGUST.start,
        completed_end=AUGUST.end,
        what="Night crew (2026-08)",
        words=MONTHS,
    )
    return result.verdict, result.periods_used, result.summary


def test_a_shortfall_that_fell_from_19_to_6_percent_says_so_in_numbers() -> None:
    result = compare(
        series([D(20), D(19), D(18)], [D(8), D(6), D(4)]),
        completed_start=AUGUST.start,
        completed_end=AUGUST.end,
        what="Night crew (2026-08)",
        words=MONTHS,
    )

    assert result.verdict == Verdict.improved
    assert result.summary == "after Night crew (2026-08), shortfall fell from 19 % to 6 % over 3 months"
    assert (result.periods_used, result.available_before, result.available_after) == (3, 3, 3)
    assert result.before is not None and result.after is not None
    assert result.before.periods == ("2026-05", "2026-06", "2026-07")
    assert result.after.periods == ("2026-09", "2026-10", "2026-11")
    assert (result.before.trend, result.after.trend) == (D(1), D(2))  # the value rose 1, then 2 points a month
    assert result.change == D(-13)


def test_with_one_month_after_completion_it_is_too_early_to_tell() -> None:
    assert judge([D(20), D(19), D(18)], [D(2)]) == (
        Verdict.too_early,
        0,
        "too early to tell: 1 month of data after completion",
    )
    assert judge([D(20)], []) == (Verdict.too_early, 0, "too early to tell: 0 months of data after completion")


def test_with_one_month_before_completion_there_is_too_little_history() -> None:
    assert judge([D(20)], [D(2), D(1)]) == (
        Verdict.too_little_history,
        0,
        "too little history to tell: 1 month of data before completion",
    )


def test_the_nearest_months_are_compared_and_never_more_than_six_a_side() -> None:
    result = compare(
        series([D(50)] * 4 + [D(10)] * 6, [D(0)] * 2),
        completed_start=AUGUST.start,
        completed_end=AUGUST.end,
        what="x",
        words=MONTHS,
    )
    assert result.periods_used == 2
    assert result.before is not None and result.before.shortfall == D(10)  # the two months just before, not the 50s
    long = compare(
        series([D(10)] * 9, [D(5)] * 8), completed_start=AUGUST.start, completed_end=AUGUST.end, what="x", words=MONTHS
    )
    assert (long.periods_used, long.available_before, long.available_after) == (MAX_PERIODS, 9, 8)


def test_a_metric_on_target_on_both_sides_stayed_on_target() -> None:
    assert judge([D(0), D(0)], [D(0), D(0)]) == (
        Verdict.unchanged,
        2,
        "after Night crew (2026-08), the metric stayed on target over 2 months",
    )
    assert judge([D(5), D(5)], [D("5.5"), D("5.4")])[::2] == (
        Verdict.unchanged,
        "after Night crew (2026-08), shortfall stayed about level, 5 % then 5.5 %, over 2 months",
    )


def test_the_completion_month_itself_counts_on_neither_side() -> None:
    inside = Point("2026-08", AUGUST.start, AUGUST.end, 0, D(0), D(99))
    with_august = [*series([D(20), D(20)], []), inside, *series([], [D(10), D(10)])]
    result = compare(with_august, completed_start=AUGUST.start, completed_end=AUGUST.end, what="x", words=MONTHS)
    assert (result.available_before, result.available_after, result.change) == (2, 2, D(-10))


# Shortfalls in hundredths of a percent (integers map to decimals fast; st.decimals is slow to warm up).
shortfalls = st.integers(0, 20_000).map(lambda n: D(n) / 100)
examples = settings(max_examples=200, deadline=None)


@examples
@given(before=st.lists(shortfalls, max_size=9), after=st.lists(shortfalls, max_size=9))
def test_k_is_the_same_on_both_sides(before: list[Decimal], after: list[Decimal]) -> None:
    result = compare(
        series(before, after), completed_start=AUGUST.start, completed_end=AUGUST.end, what="x", words=MONTHS
    )
    if result.verdict.concluded:
        assert result.before is not None and result.after is not None
        assert len(result.before.periods) == len(result.after.periods) == result.periods_used
        assert result.periods_used == min(len(before), len(after), MAX_PERIODS) >= 2
    else:
        assert result.periods_used == 0 and min(len(before), len(after)) < 2


@examples
@given(
    before=st.lists(shortfalls, min_size=2, max_size=9),
    after=st.lists(shortfalls, min_size=2, max_size=9),
    better=st.integers(0, 5_000).map(lambda n: D(n) / 100),
)
def test_a_series_that_only_got_better_never_says_worsened(
    before: list[Decimal], after: list[Decimal], better: Decimal
) -> None:
    ceiling = min(before)  # every month after is at least as good as the best month before
    improved_after = [min(gap, ceiling) - min(better, min(gap, ceiling)) for gap in after]
    verdict, _, summary = judge(before, improved_after)
    assert verdict != Verdict.worsened
    assert "rose" not in summary


@examples
@given(before=st.lists(shortfalls, min_size=2, max_size=6), after=st.lists(shortfalls, min_size=2, max_size=6))
def test_swapping_before_and_after_swaps_improved_and_worsened(before: list[Decimal], after: list[Decimal]) -> None:
    k = min(len(before), len(after))
    forward, _, _ = judge(before[-k:], after[:k])
    backward, _, _ = judge(list(reversed(after[:k])), list(reversed(before[-k:])))
    mirror = {
        Verdict.improved: Verdict.worsened,
        Verdict.worsened: Verdict.improved,
        Verdict.unchanged: Verdict.unchanged,
    }
    assert backward == mirror[forward]


# --- the engine's shortfall, in percent, whatever the metric --------------------------------------------


def test_points_take_the_engines_shortfall_in_percent_in_the_metrics_direction() -> None:
    response_hours = Definition(
        direction=Direction.decrease,
        cadence=Cadence.monthly,
        unit="hours",
        target_value=D(48),
        target_date=date(2027, 12, 31),
        tolerance_mode=ToleranceMode.absolute,  # the bands are in hours; effectiveness still speaks percent
    )
    readings = {parse("2026-09", Cadence.monthly): D(60), parse("2026-10", Cadence.monthly): D(40)}
    readings[parse("2026-11", Cadence.monthly)] = D(96)  # not ended on 30 November: left out
    evaluation = evaluate(response_hours, readings, date(2026, 11, 30))

    found = points(response_hours, evaluation.periods)

    assert [(p.label, p.value, p.shortfall) for p in found] == [("2026-09", D(60), D(25)), ("2026-10", D(40), D(0))]
    assert found[1].index == found[0].index + 1


def test_a_zero_expectation_has_no_shortfall_in_percent_and_is_left_out() -> None:
    incidents = Definition(
        direction=Direction.decrease,
        cadence=Cadence.monthly,
        unit="incidents",
        target_value=D(0),
        target_date=date(2027, 1, 1),
    )
    evaluation = evaluate(incidents, {parse("2026-09", Cadence.monthly): D(3)}, date(2026, 11, 30))
    assert points(incidents, evaluation.periods) == []


def test_a_tally_says_how_many_of_how_many_improved() -> None:
    tally = Tally()
    for verdict in [Verdict.improved] * 4 + [Verdict.unchanged, Verdict.too_early, Verdict.not_applicable]:
        tally = tally.add(verdict)
    assert (tally.total, tally.improved, tally.unchanged, tally.not_yet_known) == (6, 4, 1, 1)
    assert tally.words(("plan", "plans")) == "4 of 6 plans improved their metric (1 unchanged, 1 not enough data yet)"
    assert Tally().add(Verdict.worsened).words(("plan", "plans")) == "0 of 1 plan improved its metric (1 worsened)"
    assert Tally().words(("plan", "plans")) == "no completed plans linked to a metric yet"
