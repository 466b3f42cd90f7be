"""What residents are shown: late data never looks green, and a contract stands as its worst measure."""

from __future__ import annotations

from app.engine import Freshness, Performance
from app.transparency.standing import Change, Standing, change_between, standing_of, worst


def test_a_late_reading_stands_as_not_reported_whatever_the_last_one_said() -> None:
    assert standing_of(Performance.on_track, Freshness.overdue) == Standing.overdue
    assert standing_of(Performance.off_track, Freshness.overdue) == Standing.overdue
    assert standing_of(Performance.on_track, Freshness.current) == Standing.on_track
    assert standing_of("at_risk", "not_due") == Standing.at_risk
    assert standing_of(None, None) == Standing.no_data  # never evaluated


def test_a_contract_stands_as_its_worst_measure() -> None:
    assert worst([Standing.on_track, Standing.overdue]) == Standing.overdue  # never green with late data
    assert worst([Standing.overdue, Standing.off_track]) == Standing.off_track
    assert worst([Standing.on_track, Standing.no_data]) == Standing.no_data
    assert worst([]) == Standing.no_data


def test_a_move_between_standings_is_told_in_the_home_page_words() -> None:
    assert change_between(Standing.off_track, Standing.on_track) == Change.improved
    assert change_between(Standing.on_track, Standing.at_risk) == Change.worsened
    assert change_between(Standing.on_track, Standing.overdue) == Change.stopped_reporting
    assert change_between(Standing.overdue, Standing.off_track) == Change.resumed_reporting
    assert change_between(Standing.no_data, Standing.on_track) is None  # a first reading is not a change
    assert change_between(Standing.at_risk, Standing.at_risk) is None
