"""What residents are shown for a metric or a contract: its standing.

The engine judges the latest reading (performance) and, separately, whether data is late (freshness). A
resident reads one word, and late data must never look green: a metric whose reading is overdue stands as
`overdue` ("not reported recently") whatever its last reading said, and a contract stands as its worst metric.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from app.engine import Freshness, Performance


class Standing(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    overdue = "overdue"  # data is late: shown as "not reported recently"
    no_data = "no_data"
    evaluation_error = "evaluation_error"


# Worst last. A late report outranks "no data yet" and "on track", but a contract with one metric off track
# is off track however late its other metrics are.
SEVERITY = {
    Standing.on_track: 0,
    Standing.no_data: 1,
    Standing.overdue: 2,
    Standing.evaluation_error: 3,
    Standing.at_risk: 4,
    Standing.off_track: 5,
}
# How good a standing is, for "improved" and "worsened"; the others are neither better nor worse.
_GOODNESS = {Standing.on_track: 0, Standing.at_risk: 1, Standing.off_track: 2}


def standing_of(performance: Performance | str | None, freshness: Freshness | str | None) -> Standing:
    if freshness == Freshness.overdue:
        return Standing.overdue
    if performance is None:
        return Standing.no_data
    return Standing(Performance(performance).value)


def worst(standings: Iterable[Standing]) -> Standing:
    return max(standings, key=SEVERITY.__getitem__, default=Standing.no_data)


class Change(StrEnum):
    improved = "improved"
    worsened = "worsened"
    stopped_reporting = "stopped_reporting"
    resumed_reporting = "resumed_reporting"


def change_between(before: Standing, after: Standing) -> Change | None:
    """How a metric moved from one standing to another, in the words of the home page; None for no news."""
    if before == after:
        return None
    if after == Standing.overdue:
        return Change.stopped_reporting
    if before == Standing.overdue:
        return Change.resumed_reporting
    if before in _GOODNESS and after in _GOODNESS:
        return Change.improved if _GOODNESS[after] < _GOODNESS[before] else Change.worsened
    return None
