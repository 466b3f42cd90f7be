"""A figure for a period that has not ended is an early one: the engine shows it on its period but judges nothing
by it (status, adverse runs, freshness, forecast) until the period is over; then it counts like any other."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.engine import Definition, Direction, Freshness, Performance, evaluate
from app.periods import Cadence, parse

PLACEMENTS = Definition(
    direction=Direction.increase,
    cadence=Cadence.monthly,
    unit="placements",
    target_value=Decimal(100),
    target_date=date(2027, 12, 31),
)
OCTOBER, NOVEMBER = parse("2026-10", Cadence.monthly), parse("2026-11", Cadence.monthly)


def test_on_the_last_day_of_november_a_dismal_november_figure_is_shown_not_judged() -> None:
    evaluation = evaluate(PLACEMENTS, {OCTOBER: Decimal(98), NOVEMBER: Decimal(20)}, date(2026, 11, 30))

    assert evaluation.performance == Performance.on_track
    assert evaluation.latest is not None and evaluation.latest.label == "2026-10"
    november = evaluation.periods[-1]
    assert (november.label, november.actual, november.provisional) == ("2026-11", None, Decimal(20))
    assert (november.status, november.shortfall, november.reasons) == (Performance.no_data, None, ())
    assert evaluation.periods[-2].provisional is None


def test_once_november_is_over_the_same_figure_counts() -> None:
    evaluation = evaluate(PLACEMENTS, {OCTOBER: Decimal(98), NOVEMBER: Decimal(20)}, date(2026, 12, 1))

    assert evaluation.performance == Performance.off_track
    november = next(p for p in evaluation.periods if p.label == "2026-11")
    assert (november.actual, november.provisional) == (Decimal(20), None)
    assert "2026-11: 20 placements, 80 % below the expected 100" in evaluation.reasons[0].message


def test_a_month_with_only_an_early_figure_is_no_data_and_never_overdue() -> None:
    evaluation = evaluate(PLACEMENTS, {NOVEMBER: Decimal(20)}, date(2026, 11, 15))

    assert evaluation.performance == Performance.no_data
    assert evaluation.freshness == Freshness.not_due
    assert evaluation.forecast is None
