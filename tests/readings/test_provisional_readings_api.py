"""A vendor's figure for a month that has not ended (November's on 30 November) is refused unless it is marked
provisional; marked so, it is stored and shown on the status, flagged, but it drives neither the status nor an
alert until the month is over."""

from __future__ import annotations

from typing import Any

from app.db import utcnow
from app.periods import Cadence, containing, label
from tests.readings.helpers import API, import_csv, post_batch, post_reading, reading
from tests.support import Actor, assert_problem, closed_months


def _this_month() -> str:
    return label(containing(utcnow().date(), Cadence.monthly), Cadence.monthly)


def _status(actor: Actor, metric: int) -> dict[str, Any]:
    response = actor.get(f"{API}/metrics/{metric}/status")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_figure_for_the_running_month_is_refused_unless_marked_provisional(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]

    refused = post_reading(manager, metric, period=_this_month(), value="79")
    body = assert_problem(refused, 422, "body.period")
    assert "has not ended yet" in body["detail"]

    accepted = post_reading(manager, metric, period=_this_month(), value="79", provisional=True)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["provisional"] is True
    assert reading(manager, accepted.json()["id"])["provisional"] is True

    closed = post_reading(manager, metric, period=closed_months(1)[0], value="81")
    assert closed.status_code == 201, closed.text
    assert closed.json()["provisional"] is False  # a month that has ended takes a final figure


def test_batches_and_csv_files_name_the_item_whose_period_has_not_ended(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    last_month = closed_months(1)[0]

    batch = post_batch(
        manager,
        [
            {"metric_id": metric, "period": last_month, "value": "80"},
            {"metric_id": metric, "period": _this_month(), "value": "70"},
        ],
    )
    assert_problem(batch, 422, "body.readings.1.period")

    partial = post_batch(
        manager,
        [
            {"metric_id": metric, "period": last_month, "value": "80"},
            {"metric_id": metric, "period": _this_month(), "value": "70"},
        ],
        params={"mode": "accept_valid"},
    )
    assert partial.status_code == 200, partial.text
    assert [(i["outcome"], i["field"]) for i in partial.json()["items"]] == [("created", None), ("rejected", "period")]

    csv = f"metric_id,period,value,provisional\n{metric},{_this_month()},70,\n"
    assert_problem(import_csv(manager, csv), 422, "body.readings.0.period")
    marked = import_csv(manager, f"metric_id,period,value,provisional\n{metric},{_this_month()},70,true\n")
    assert marked.status_code == 200, marked.text
    assert marked.json()["summary"]["created"] == 1
    assert_problem(
        import_csv(manager, f"metric_id,period,value,provisional\n{metric},{_this_month()},70,maybe\n"),
        422,
        "body.readings.0.provisional",
    )


def test_a_provisional_figure_is_shown_flagged_but_drives_neither_the_status_nor_an_alert(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    last_month = closed_months(1)[0]
    assert post_reading(manager, metric, period=last_month, value="80").status_code == 201
    # Half-way through the month the count is dismal: it must not turn the contract off track.
    early = post_reading(manager, metric, period=_this_month(), value="10", provisional=True)
    assert early.status_code == 201, early.text

    status = _status(manager, metric)
    assert status["performance"] == "on_track"
    assert (status["latest_period"], status["latest_value"]) == (last_month, "80")
    running = next(p for p in status["periods"] if p["label"] == _this_month())
    assert (running["actual"], running["provisional"], running["status"]) == ("10", True, "no_data")
    judged = next(p for p in status["periods"] if p["label"] == last_month)
    assert (judged["provisional"], judged["status"]) == (False, "on_track")
    alerts = manager.get(f"{API}/alerts", params={"metric_id": metric}).json()["items"]
    assert [a for a in alerts if a["kind"] == "performance"] == []


def test_a_corrected_provisional_figure_keeps_its_flag_in_the_history(
    manager: Actor, streetlights: dict[str, int]
) -> None:
    metric = streetlights["metric"]
    first = post_reading(manager, metric, period=_this_month(), value="60", provisional=True).json()
    corrected = post_reading(manager, metric, period=_this_month(), value="65", provisional=True)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["outcome"] == "corrected"

    history = reading(manager, first["id"])["history"]
    assert [(h["value"], h["provisional"]) for h in history] == [("60", True), ("65", True)]
