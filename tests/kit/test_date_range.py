"""Every date and instant the service accepts lies between 1900-01-01 and 2199-12-31. Dates beyond (an ERP's
"open-ended" 9999-12-31, a typo of year 1) are a 422 naming the field, and nothing is stored, so no later read,
sweep or export can trip over them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tests.readings.helpers import import_csv, post_batch, post_reading
from tests.support import Actor, City, assert_problem, contract_payload, metric_payload

API = "/api/v1"


def _count(session: Session, table: str) -> int:
    session.rollback()
    return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_contract_starting_in_year_one_is_refused_and_not_stored(buyer: Actor, city: City, session: Session) -> None:
    before = _count(session, "award")
    payload = contract_payload(
        number="C-0001", external_id="PO-0001", vendor_id=city.paving_vendor, department_id=city.transportation
    )
    response = buyer.post(f"{API}/contracts", json=payload | {"start_date": "0001-01-01"})

    body = assert_problem(response, 422, "body.start_date")
    assert "1900-01-01" in str(body)
    assert _count(session, "award") == before


def test_an_open_ended_target_date_of_9999_is_refused(buyer: Actor, city: City, session: Session) -> None:
    before = _count(session, "metric")
    response = buyer.post(
        f"{API}/goals/{city.pothole_goal}/metrics", json=metric_payload(code="OPEN", target_date="9999-12-31")
    )

    assert_problem(response, 422, "body.target_date")
    assert _count(session, "metric") == before


def test_a_weekly_metric_over_the_whole_calendar_is_refused(buyer: Actor, city: City) -> None:
    response = buyer.post(
        f"{API}/goals/{city.pothole_goal}/metrics",
        json=metric_payload(code="WEEKLY", cadence="weekly", baseline_date="0001-01-03", target_date="9999-12-27"),
    )

    assert_problem(response, 422, "body.baseline_date")


def test_a_reading_for_december_9999_is_a_422_from_the_single_post(admin: Actor, city: City) -> None:
    response = post_reading(admin, city.pothole_metric, period="9999-12", value="80")

    assert_problem(response, 422)


def test_a_reading_for_december_9999_is_isolated_in_an_accept_valid_batch(
    admin: Actor, city: City, session: Session
) -> None:
    items = [
        {"metric_id": city.pothole_metric, "period": "9999-12", "value": "80"},
        {"metric_id": city.pothole_metric, "period": "2025-08", "value": "80"},
    ]
    response = post_batch(admin, items, params={"mode": "accept_valid"})

    assert response.status_code == 200, response.text
    assert [item["outcome"] for item in response.json()["items"]] == ["rejected", "created"]
    assert _count(session, "reading") == 1


def test_a_reading_for_december_9999_is_rejected_by_the_csv_import(admin: Actor, city: City) -> None:
    csv = f"metric_id,period,value\n{city.pothole_metric},9999-12,80\n"
    response = import_csv(admin, csv)

    assert_problem(response, 422)


@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
@pytest.mark.parametrize(("path", "name"), [("/audit", "since"), ("/audit", "until"), ("/alerts", "opened_since")])
def test_instants_at_the_edges_of_the_calendar_are_a_422_not_a_500(
    admin: Actor, path: str, name: str, instant: str
) -> None:
    response = admin.get(f"{API}{path}", params={name: instant})

    assert_problem(response, 422, f"query.{name}")
