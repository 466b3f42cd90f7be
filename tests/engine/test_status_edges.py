"""The band edges the public chart draws agree with the engine's verdict on every reading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.engine import Definition, Direction, Performance, ToleranceMode, band_status, shortfall, status_edges
from app.periods import Cadence

DECIMALS = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(1000), places=2)


def _inside(edges: tuple[Decimal | None, Decimal | None], value: Decimal) -> bool:
    low, high = edges
    return (low is None or value >= low) and (high is None or value <= high)


@given(
    direction=st.sampled_from(list(Direction)),
    mode=st.sampled_from(list(ToleranceMode)),
    expected=DECIMALS,
    width=DECIMALS,
    at_risk=st.decimals(min_value=Decimal(0), max_value=Decimal(20), places=1),
    extra=st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=1),
    actual=st.decimals(min_value=Decimal(-100), max_value=Decimal(2500), places=2),
)
def test_a_reading_inside_the_on_track_edges_is_on_track_and_outside_the_off_track_edges_is_off_track(
    direction: Direction,
    mode: ToleranceMode,
    expected: Decimal,
    width: Decimal,
    at_risk: Decimal,
    extra: Decimal,
    actual: Decimal,
) -> None:
    definition = Definition(
        direction=direction,
        cadence=Cadence.monthly,
        unit="units",
        target_value=expected,
        target_date=date(2027, 6, 30),
        range_min=expected,
        range_max=expected + width,
        tolerance_mode=mode,
        at_risk_tolerance=at_risk,
        off_track_tolerance=at_risk + extra,
    )
    expectation = None if direction == Direction.maintain_range else expected
    edges = status_edges(definition, expectation)
    assert edges is not None
    on_track, not_off_track = edges

    status = band_status(definition, shortfall(definition, actual, expectation))

    assert (status == Performance.on_track) == _inside(on_track, actual)
    assert (status == Performance.off_track) == (not _inside(not_off_track, actual))


def test_nothing_expected_draws_no_band() -> None:
    definition = Definition(direction=Direction.increase, cadence=Cadence.monthly, unit="jobs")
    assert status_edges(definition, None) is None
