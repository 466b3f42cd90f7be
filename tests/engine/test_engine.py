"""The off-track engine, told as the stories a contract manager would tell about a metric.

Pure functions only: a `Definition`, its readings and a date in, an `Evaluation` out. No database, no HTTP.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    Definition,
    Direction,
    Evaluation,
    Freshness,
    Performance,
    PeriodResult,
    ToleranceMode,
    evaluate,
    expected_at,
    worst,
)
from app.periods import Cadence, Period, parse

D = Decimal


def month(text: str) -> Period:
    return parse(text, Cadence.monthly)


def week(text: str) -> Period:
    return parse(text, Cadence.weekly)


def placements(**overrides: Any) -> Definition:
    """A job-placement contract: 100 placements a month expected, 5 % / 15 % bands (the defaults)."""
    values: dict[str, Any] = {
        "direction": Direction.increase,
        "cadence": Cadence.monthly,
        "unit": "placements",
        "target_value": D(100),
        "target_date": date(2026, 12, 31),
    }
    return Definition(**(values | overrides))


def response_time(**overrides: Any) -> Definition:
    """A pothole-repair contract: at most 48 hours from report to repair."""
    values: dict[str, Any] = {
        "direction": Direction.decrease,
        "cadence": Cadence.monthly,
        "unit": "hours",
        "target_value": D(48),
        "target_date": date(2026, 12, 31),
    }
    return Definition(**(values | overrides))


def caseload(**overrides: Any) -> Definition:
    """A case-management grant: 18 to 22 open cases per caseworker."""
    values: dict[str, Any] = {
        "direction": Direction.maintain_range,
        "cadence": Cadence.monthly,
        "unit": "cases",
        "range_min": D(18),
        "range_max": D(22),
    }
    return Definition(**(values | overrides))


def one(definition: Definition, period: Period, value: str | int, as_of: date | None = None) -> PeriodResult:
    """The result for a single reading (judged the day after its period ends)."""
    evaluation = evaluate(definition, {period: D(value)}, as_of or period.end + timedelta(days=1))
    return next(r for r in evaluation.periods if r.period == period)


def by_label(evaluation: Evaluation) -> dict[str, PeriodResult]:
    return {r.label: r for r in evaluation.periods}


def codes(evaluation: Evaluation) -> list[str]:
    return [r.code for r in evaluation.reasons]


def message(evaluation: Evaluation, code: str) -> str:
    found = [r.message for r in evaluation.reasons if r.code == code]
    assert found, f"no {code!r} reason in {evaluation.reasons}"
    return found[0]


# --- the headline story ------------------------------------------------------------------------------


def test_a_placement_contract_18_percent_below_expected_is_off_track_and_says_so_in_numbers() -> None:
    evaluation = evaluate(placements(off_track_tolerance=D(15)), {month("2026-03"): D(82)}, date(2026, 4, 5))

    march = by_label(evaluation)["2026-03"]
    assert march.expected == D(100)
    assert march.actual == D(82)
    assert march.shortfall == D(18)
    assert march.status == Performance.off_track
    assert evaluation.performance == Performance.off_track
    assert evaluation.reasons[0].code == "below_expected"
    assert evaluation.reasons[0].message == (
        "2026-03: 82 placements, 18 % below the expected 100 (off-track band 15 %)."
    )


@pytest.mark.parametrize(
    ("actual", "shortfall", "status"),
    [
        pytest.param("120", "0", Performance.on_track, id="beats the target"),
        pytest.param("100", "0", Performance.on_track, id="meets the target"),
        pytest.param("95", "5", Performance.on_track, id="at the at-risk band"),
        pytest.param("94", "6", Performance.at_risk, id="past the at-risk band"),
        pytest.param("85", "15", Performance.at_risk, id="at the off-track band"),
        pytest.param("84", "16", Performance.off_track, id="past the off-track band"),
    ],
)
def test_the_percent_bands_sort_a_placement_month(actual: str, shortfall: str, status: Performance) -> None:
    result = one(placements(), month("2026-03"), actual)

    assert result.shortfall == D(shortfall)
    assert result.status == status
    assert bool(result.reasons) == (status != Performance.on_track)


def test_a_month_on_track_gives_no_reasons_at_all() -> None:
    evaluation = evaluate(placements(), {month("2026-03"): D(101)}, date(2026, 4, 5))

    assert evaluation.performance == Performance.on_track
    assert evaluation.reasons == ()


# --- expected values ---------------------------------------------------------------------------------


def straight_line(**overrides: Any) -> Definition:
    """Baseline 100 on 31 Dec 2025, target 465 on 31 Dec 2026: one placement more per day of the year."""
    return placements(
        baseline_value=D(100),
        baseline_date=date(2025, 12, 31),
        target_value=D(465),
        target_date=date(2026, 12, 31),
        **overrides,
    )


def test_the_expected_value_follows_the_straight_line_read_at_the_period_end() -> None:
    definition = straight_line()

    assert expected_at(definition, month("2026-01")) == D(131)  # 31 days in
    assert expected_at(definition, month("2026-03")) == D(190)  # 90 days in
    assert expected_at(definition, month("2026-06")) == D(281)  # 181 days in


def test_the_expected_value_is_held_at_the_baseline_before_the_baseline_date() -> None:
    definition = straight_line()

    assert expected_at(definition, month("2025-11")) == D(100)
    assert expected_at(definition, month("2025-12")) == D(100)  # ends on the baseline date


def test_the_expected_value_is_held_at_the_target_after_the_target_date() -> None:
    definition = straight_line()

    assert expected_at(definition, month("2026-12")) == D(465)
    assert expected_at(definition, month("2027-03")) == D(465)


def test_an_interim_target_overrides_the_straight_line_for_its_period_only() -> None:
    definition = straight_line(interim_targets={month("2026-03"): D(150)})

    assert expected_at(definition, month("2026-03")) == D(150)
    assert expected_at(definition, month("2026-04")) == D(220)  # back on the line (120 days in)

    # 160 placements: 16 % short of the line's 190, but above the interim target of 150.
    result = one(definition, month("2026-03"), "160")
    assert result.expected == D(150)
    assert result.status == Performance.on_track


def test_without_a_baseline_the_target_is_expected_from_the_start() -> None:
    definition = placements(target_value=D(100), target_date=date(2026, 12, 31))

    assert expected_at(definition, month("2026-01")) == D(100)
    assert one(definition, month("2026-01"), "90").status == Performance.at_risk


def test_a_reading_before_the_baseline_date_is_judged_against_the_baseline() -> None:
    evaluation = evaluate(straight_line(), {month("2025-10"): D(80)}, date(2026, 1, 5))

    october = by_label(evaluation)["2025-10"]
    assert october.expected == D(100)
    assert october.shortfall == D(20)
    assert october.status == Performance.off_track


def test_a_range_metric_has_a_range_not_an_expected_value() -> None:
    result = one(caseload(), month("2026-03"), "20")

    assert result.expected is None
    assert result.expected_range == (D(18), D(22))


# --- decrease and maintain_range ---------------------------------------------------------------------


def test_response_times_above_the_expected_hours_are_adverse() -> None:
    evaluation = evaluate(response_time(), {month("2026-03"): D(60)}, date(2026, 4, 5))

    march = by_label(evaluation)["2026-03"]
    assert march.shortfall == D(25)  # 12 hours over 48 is 25 %
    assert march.status == Performance.off_track
    assert evaluation.reasons[0].code == "above_expected"
    assert evaluation.reasons[0].message == "2026-03: 60 hours, 25 % above the expected 48 (off-track band 15 %)."


def test_response_times_below_the_expected_hours_are_on_track() -> None:
    result = one(response_time(), month("2026-03"), "30")

    assert result.shortfall == D(0)
    assert result.status == Performance.on_track


@pytest.mark.parametrize("value", ["18", "20", "22"])
def test_a_caseload_inside_the_range_or_on_its_edges_is_on_track(value: str) -> None:
    result = one(caseload(), month("2026-03"), value)

    assert result.shortfall == D(0)
    assert result.status == Performance.on_track
    assert result.reasons == ()


def test_a_caseload_below_the_range_is_measured_against_the_lower_bound() -> None:
    evaluation = evaluate(caseload(), {month("2026-03"): D(17)}, date(2026, 4, 5))

    march = by_label(evaluation)["2026-03"]
    assert march.shortfall is not None
    assert round(march.shortfall, 2) == D("5.56")  # 1 case short of 18
    assert march.status == Performance.at_risk
    assert evaluation.reasons[0].code == "outside_range"
    assert evaluation.reasons[0].message == "2026-03: 17 cases, 5.56 % below the range 18 to 22 (at-risk band 5 %)."


def test_a_caseload_above_the_range_is_measured_against_the_upper_bound() -> None:
    evaluation = evaluate(caseload(), {month("2026-03"): D(26)}, date(2026, 4, 5))

    march = by_label(evaluation)["2026-03"]
    assert march.shortfall is not None
    assert round(march.shortfall, 2) == D("18.18")  # 4 cases over 22
    assert march.status == Performance.off_track
    assert evaluation.reasons[0].message == (
        "2026-03: 26 cases, 18.18 % above the range 18 to 22 (off-track band 15 %)."
    )


def test_a_range_in_absolute_bands_counts_cases_outside_it() -> None:
    definition = caseload(tolerance_mode=ToleranceMode.absolute, at_risk_tolerance=D(1), off_track_tolerance=D(3))

    assert one(definition, month("2026-03"), "17").status == Performance.on_track  # 1 below
    assert one(definition, month("2026-03"), "24").status == Performance.at_risk  # 2 above
    result = one(definition, month("2026-03"), "14")  # 4 below
    assert result.shortfall == D(4)
    assert result.status == Performance.off_track


# --- absolute and percent bands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "actual", "shortfall", "status"),
    [
        pytest.param(ToleranceMode.percent, "188", "6", Performance.at_risk, id="percent: 12 of 200 is 6 %"),
        pytest.param(ToleranceMode.absolute, "188", "12", Performance.at_risk, id="absolute: 12 placements"),
        pytest.param(ToleranceMode.percent, "180", "10", Performance.at_risk, id="percent: 20 of 200 is 10 %"),
        pytest.param(ToleranceMode.absolute, "180", "20", Performance.off_track, id="absolute: 20 placements"),
        pytest.param(ToleranceMode.percent, "196", "2", Performance.on_track, id="percent: 4 of 200 is 2 %"),
        pytest.param(ToleranceMode.absolute, "196", "4", Performance.on_track, id="absolute: 4 placements"),
    ],
)
def test_the_same_miss_reads_differently_in_percent_and_absolute_bands(
    mode: ToleranceMode, actual: str, shortfall: str, status: Performance
) -> None:
    definition = placements(target_value=D(200), tolerance_mode=mode, at_risk_tolerance=D(5), off_track_tolerance=D(15))

    result = one(definition, month("2026-03"), actual)

    assert result.shortfall == D(shortfall)
    assert result.status == status


def test_an_absolute_band_reason_speaks_in_the_metric_unit() -> None:
    definition = placements(
        target_value=D(200), tolerance_mode=ToleranceMode.absolute, at_risk_tolerance=D(5), off_track_tolerance=D(15)
    )

    evaluation = evaluate(definition, {month("2026-03"): D(180)}, date(2026, 4, 5))

    assert evaluation.reasons[0].message == (
        "2026-03: 180 placements, 20 placements below the expected 200 (off-track band 15 placements)."
    )


def test_a_negative_expectation_is_measured_in_percent_of_its_size() -> None:
    # Change in people sleeping unsheltered: 20 fewer expected, only 17 fewer reported.
    definition = response_time(unit="people", target_value=D(-20))

    result = one(definition, month("2026-03"), "-17")

    assert result.shortfall == D(15)
    assert result.status == Performance.at_risk
    assert one(definition, month("2026-03"), "-25").status == Performance.on_track


def test_missing_a_zero_expectation_in_percent_is_off_track() -> None:
    definition = response_time(target_value=D(0), unit="complaints")

    result = one(definition, month("2026-03"), "1")

    assert result.shortfall is not None and result.shortfall.is_infinite()
    assert result.status == Performance.off_track
    assert one(definition, month("2026-03"), "0").status == Performance.on_track


# --- escalation after consecutive adverse periods ----------------------------------------------------


def test_the_third_at_risk_month_in_a_row_escalates_to_off_track() -> None:
    readings = {month("2026-01"): D(90), month("2026-02"): D(90), month("2026-03"): D(90)}

    evaluation = evaluate(placements(escalate_after_periods=3), readings, date(2026, 4, 5))

    results = by_label(evaluation)
    assert [results[m].status for m in ("2026-01", "2026-02", "2026-03")] == [
        Performance.at_risk,
        Performance.at_risk,
        Performance.off_track,
    ]
    assert [results[m].adverse_run for m in ("2026-01", "2026-02", "2026-03")] == [1, 2, 3]
    assert evaluation.performance == Performance.off_track
    assert codes(evaluation)[:2] == ["below_expected", "escalated_consecutive"]
    assert message(evaluation, "below_expected") == (
        "2026-03: 90 placements, 10 % below the expected 100 (at-risk band 5 %); 3rd adverse month in a row."
    )
    assert message(evaluation, "escalated_consecutive") == "2026-03: 3rd adverse month in a row (escalates after 3)."


def test_a_month_without_a_reading_neither_counts_nor_breaks_the_run() -> None:
    readings = {month("2026-01"): D(90), month("2026-03"): D(90), month("2026-04"): D(90)}

    evaluation = evaluate(placements(escalate_after_periods=3), readings, date(2026, 5, 5))

    results = by_label(evaluation)
    assert results["2026-02"].status == Performance.no_data
    assert results["2026-02"].adverse_run == 1  # carried, not counted
    assert results["2026-03"].status == Performance.at_risk
    assert results["2026-03"].adverse_run == 2
    assert results["2026-04"].status == Performance.off_track
    assert results["2026-04"].adverse_run == 3


def test_a_month_on_track_breaks_the_run() -> None:
    readings = {month(f"2026-0{i}"): D(v) for i, v in enumerate([90, 90, 100, 90, 90], start=1)}

    evaluation = evaluate(placements(escalate_after_periods=3), readings, date(2026, 6, 5))

    results = by_label(evaluation)
    assert [results[f"2026-0{i}"].adverse_run for i in range(1, 6)] == [1, 2, 0, 1, 2]
    assert all(results[f"2026-0{i}"].status != Performance.off_track for i in range(1, 6))
    assert evaluation.performance == Performance.at_risk


def test_off_track_months_count_towards_the_run_that_escalates_an_at_risk_month() -> None:
    readings = {month("2026-01"): D(70), month("2026-02"): D(70), month("2026-03"): D(90)}

    evaluation = evaluate(placements(escalate_after_periods=3), readings, date(2026, 4, 5))

    march = by_label(evaluation)["2026-03"]
    assert march.adverse_run == 3
    assert march.status == Performance.off_track
    assert [r.code for r in march.reasons] == ["below_expected", "escalated_consecutive"]


def test_escalating_after_one_period_makes_every_at_risk_month_off_track() -> None:
    result = one(placements(escalate_after_periods=1), month("2026-03"), "90")

    assert result.status == Performance.off_track
    assert [r.code for r in result.reasons] == ["below_expected", "escalated_consecutive"]


def test_below_the_escalation_count_an_at_risk_month_stays_at_risk() -> None:
    readings = {month(f"2026-0{i}"): D(90) for i in range(1, 5)}

    evaluation = evaluate(placements(escalate_after_periods=5), readings, date(2026, 5, 5))

    assert evaluation.performance == Performance.at_risk
    assert by_label(evaluation)["2026-04"].adverse_run == 4


# --- freshness ---------------------------------------------------------------------------------------


def termed(**overrides: Any) -> Definition:
    values: dict[str, Any] = {"term_start": date(2026, 1, 1), "term_end": date(2026, 12, 31), "grace_days": 15}
    return placements(**(values | overrides))


def test_data_is_not_due_until_the_first_months_grace_days_have_passed() -> None:
    evaluation = evaluate(termed(), {}, date(2026, 2, 15))  # January is due by 15 February

    assert evaluation.freshness == Freshness.not_due
    assert "overdue" not in codes(evaluation)


def test_data_is_overdue_the_day_after_the_deadline_without_a_reading() -> None:
    evaluation = evaluate(termed(), {}, date(2026, 2, 16))

    assert evaluation.freshness == Freshness.overdue
    assert message(evaluation, "overdue") == "2026-01: no reading, due by 2026-02-15."


def test_data_is_current_when_the_latest_due_month_has_a_reading() -> None:
    evaluation = evaluate(termed(), {month("2026-01"): D(100)}, date(2026, 2, 16))

    assert evaluation.freshness == Freshness.current
    assert evaluation.performance == Performance.on_track


def test_the_current_month_is_not_yet_due_even_without_a_reading() -> None:
    # February has no reading, but it is only due on 15 March.
    evaluation = evaluate(termed(), {month("2026-01"): D(100)}, date(2026, 3, 10))

    assert evaluation.freshness == Freshness.current


def test_grace_days_move_the_deadline() -> None:
    definition = termed(grace_days=0)

    assert evaluate(definition, {}, date(2026, 1, 31)).freshness == Freshness.not_due
    overdue = evaluate(definition, {}, date(2026, 2, 1))
    assert overdue.freshness == Freshness.overdue
    assert message(overdue, "overdue") == "2026-01: no reading, due by 2026-01-31."
    assert evaluate(replace(definition, grace_days=30), {}, date(2026, 2, 1)).freshness == Freshness.not_due


def test_an_overdue_month_says_how_many_earlier_months_are_also_missing() -> None:
    evaluation = evaluate(termed(), {month("2026-01"): D(100)}, date(2026, 5, 20))

    assert evaluation.freshness == Freshness.overdue
    assert message(evaluation, "overdue") == ("2026-04: no reading, due by 2026-05-15; 2 earlier months also missing.")


def test_current_data_still_lists_earlier_months_without_a_reading() -> None:
    readings = {month("2026-01"): D(100), month("2026-04"): D(100)}

    evaluation = evaluate(termed(), readings, date(2026, 5, 20))

    assert evaluation.freshness == Freshness.current
    assert message(evaluation, "missing_periods") == "2 earlier months without a reading: 2026-02, 2026-03."


def test_a_metric_without_readings_is_no_data_and_never_on_track() -> None:
    for as_of in (date(2026, 1, 10), date(2026, 6, 1)):
        evaluation = evaluate(termed(), {}, as_of)

        assert evaluation.performance == Performance.no_data
        assert evaluation.latest is None
        assert evaluation.reasons[0].code == "no_data"
        assert evaluation.forecast is None
        assert evaluation.projected_miss is False
        assert all(r.status == Performance.no_data for r in evaluation.periods)
    assert evaluate(termed(), {}, date(2026, 6, 1)).freshness == Freshness.overdue


def test_no_data_ranks_worse_than_on_track_but_better_than_at_risk() -> None:
    assert worst([Performance.on_track, Performance.no_data]) == Performance.no_data
    assert worst([Performance.no_data, Performance.at_risk]) == Performance.at_risk
    assert worst([Performance.at_risk, Performance.off_track, Performance.on_track]) == Performance.off_track
    assert worst([]) == Performance.no_data


def test_performance_is_the_status_of_the_latest_reading_not_the_worst() -> None:
    readings = {month("2026-01"): D(50), month("2026-02"): D(100)}

    evaluation = evaluate(termed(), readings, date(2026, 3, 20))

    assert by_label(evaluation)["2026-01"].status == Performance.off_track
    assert evaluation.performance == Performance.on_track
    assert evaluation.latest is not None and evaluation.latest.label == "2026-02"


def test_the_window_stops_at_the_end_of_the_term() -> None:
    evaluation = evaluate(termed(), {month("2026-12"): D(100)}, date(2027, 6, 1))

    assert evaluation.periods[-1].label == "2026-12"
    assert evaluation.freshness == Freshness.current


# --- forecast ----------------------------------------------------------------------------------------


def visits(**overrides: Any) -> Definition:
    """Weekly home visits; period ends are exactly 7 days apart, so the trend line is exact."""
    values: dict[str, Any] = {
        "direction": Direction.increase,
        "cadence": Cadence.weekly,
        "unit": "visits",
        "target_value": D(100),
        "target_date": week("2026-W10").end,
        "at_risk_tolerance": D(5),
        "off_track_tolerance": D(15),
    }
    return Definition(**(values | overrides))


def weekly(*values: int, first: int = 1) -> dict[Period, Decimal]:
    return {week(f"2026-W{first + i:02d}"): D(v) for i, v in enumerate(values)}


def test_two_readings_are_too_few_for_a_forecast() -> None:
    evaluation = evaluate(visits(), weekly(10, 20), date(2026, 1, 13))

    assert evaluation.forecast is None
    assert evaluation.projected_miss is False


def test_three_readings_on_course_project_the_target_without_a_miss() -> None:
    evaluation = evaluate(visits(), weekly(10, 20, 30), date(2026, 1, 20))

    assert evaluation.forecast is not None
    assert evaluation.forecast.projected_value == D(100)  # +10 a week for 7 more weeks
    assert evaluation.forecast.target_date == date(2026, 3, 8)
    assert evaluation.forecast.based_on == 3
    assert evaluation.forecast.projected_miss is False
    assert evaluation.projected_miss is False
    assert "projected_miss" not in codes(evaluation)


def test_a_flat_trend_far_below_target_is_a_projected_miss_with_the_numbers() -> None:
    evaluation = evaluate(visits(), weekly(50, 50, 50), date(2026, 1, 20))

    assert evaluation.forecast is not None
    assert evaluation.forecast.projected_value == D(50)
    assert evaluation.projected_miss is True
    assert message(evaluation, "projected_miss") == (
        "At the recent trend (3 readings) the metric reaches 50 visits by 2026-03-08, "
        "missing the target 100 beyond the off-track band."
    )
    assert "target_missed" not in codes(evaluation)


def test_a_projection_inside_the_off_track_band_is_not_a_miss() -> None:
    assert evaluate(visits(), weekly(85, 85, 85), date(2026, 1, 20)).projected_miss is False  # 15 % short
    assert evaluate(visits(), weekly(84, 84, 84), date(2026, 1, 20)).projected_miss is True  # 16 % short


def test_the_forecast_uses_only_the_latest_six_readings() -> None:
    # Two early weeks at 0 would drag the line down; the latest six are flat at 100.
    evaluation = evaluate(visits(), weekly(0, 0, 100, 100, 100, 100, 100, 100), date(2026, 3, 2))

    assert evaluation.forecast is not None
    assert evaluation.forecast.based_on == 6
    assert evaluation.forecast.projected_value == D(100)
    assert evaluation.projected_miss is False


def test_a_falling_response_time_trend_is_forecast_for_a_decrease_metric() -> None:
    definition = visits(direction=Direction.decrease, unit="hours", target_value=D(48))

    improving = evaluate(definition, weekly(83, 78, 73), date(2026, 1, 20))  # -5 a week: 38 by W10
    assert improving.forecast is not None and improving.forecast.projected_value == D(38)
    assert improving.projected_miss is False

    worsening = evaluate(definition, weekly(60, 62, 64), date(2026, 1, 20))  # 78 by W10
    assert worsening.forecast is not None and worsening.forecast.projected_value == D(78)
    assert worsening.projected_miss is True


def test_after_the_target_date_a_miss_is_realised_not_projected() -> None:
    readings = weekly(50, 50, 50, 50, first=8)  # W08..W11; W10 holds the target date

    evaluation = evaluate(visits(), readings, date(2026, 3, 20))

    assert evaluation.forecast is None
    assert evaluation.projected_miss is False
    assert "projected_miss" not in codes(evaluation)
    assert message(evaluation, "target_missed") == "The target date 2026-03-08 has passed and 2026-W11 is off track."


def test_after_the_target_date_a_met_target_gives_no_miss_at_all() -> None:
    evaluation = evaluate(visits(), weekly(100, 100, 100, first=8), date(2026, 3, 20))

    assert evaluation.forecast is None
    assert evaluation.projected_miss is False
    assert not {"projected_miss", "target_missed"} & set(codes(evaluation))


def test_a_range_metric_is_forecast_against_its_range() -> None:
    definition = caseload(cadence=Cadence.weekly, target_date=week("2026-W10").end)

    drifting = evaluate(definition, weekly(22, 23, 24), date(2026, 1, 20))  # +1 a week: 31 by W10

    assert drifting.forecast is not None and drifting.forecast.projected_value == D(31)
    assert drifting.projected_miss is True
    assert "missing the range 18 to 22 beyond the off-track band" in message(drifting, "projected_miss")


# --- labels in reasons -------------------------------------------------------------------------------


def test_reasons_name_fiscal_quarters_by_their_fiscal_label() -> None:
    definition = placements(cadence=Cadence.quarterly, fiscal_start_month=7)
    quarter = parse("FY2027-Q1", Cadence.quarterly)  # July to September 2026

    evaluation = evaluate(definition, {quarter: D(80)}, date(2026, 10, 5))

    assert evaluation.reasons[0].message.startswith("FY2027-Q1: 80 placements, 20 % below the expected 100")


def test_reasons_name_iso_weeks_and_say_weeks_in_a_row() -> None:
    evaluation = evaluate(visits(target_value=D(100)), weekly(90, 90), date(2026, 1, 13))

    assert evaluation.reasons[0].message == (
        "2026-W02: 90 visits, 10 % below the expected 100 (at-risk band 5 %); 2nd adverse week in a row."
    )


def test_reason_numbers_keep_their_decimals() -> None:
    evaluation = evaluate(placements(target_value=D("80.5")), {month("2026-03"): D("72.5")}, date(2026, 4, 5))

    # 8 short of 80.5 is 9.94 %, shown to two decimal places (one would print 94.96 as 95, inside a 5 % band).
    assert evaluation.reasons[0].message == (
        "2026-03: 72.5 placements, 9.94 % below the expected 80.5 (at-risk band 5 %)."
    )
