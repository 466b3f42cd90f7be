"""A contract manager downloads every reading with its status, to work on it in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.auth.roles import Role
from app.ocds.readings_csv import COLUMNS, iter_csv
from tests.readings.helpers import post_reading
from tests.support import Actor, City, assert_problem, created
from tests.transparency.scenario import Published

CSV_EXPORT = "/api/v1/export/readings.csv"


def download(actor: Actor) -> list[dict[str, str]]:
    response = actor.get(CSV_EXPORT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    reader = csv.DictReader(io.StringIO(response.text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_a_manager_gets_every_reading_with_expected_value_and_status(
    make_actor: Any, admin: Actor, city: City, published: Published
) -> None:
    manager = make_actor(Role.contract_manager)
    rows = download(manager)

    potholes = [row for row in rows if row["metric_code"] == "POT-48H"]
    status = admin.get(f"/api/v1/metrics/{city.pothole_metric}/status").json()
    expected = {p["label"]: p["expected"] for p in status["periods"]}
    assert [(r["period_label"], r["value"], r["expected_value"], r["status"]) for r in potholes] == [
        ("2025-07", "74", expected["2025-07"], "on_track"),
        ("2025-08", "77", expected["2025-08"], "on_track"),
        ("2025-09", "79.5", expected["2025-09"], "on_track"),
    ]
    first = potholes[0]
    assert (first["kind"], first["number"], first["external_id"]) == ("contract", "C-2026-0142", "PO-4500012345")
    assert (first["period_start"], first["period_end"], first["source"]) == ("2025-07-01", "2025-07-31", "manual")
    assert first["metric_name"] == "Potholes repaired within 48 hours"
    assert first["recorded_by"] == f"user:{admin.user_id}"
    assert first["updated_at"].endswith("Z")

    crew = next(row for row in rows if row["metric_code"] == "CREW-RESPONSE")
    # A range metric has no single expected value.
    assert (crew["value"], crew["expected_value"], crew["status"]) == ("30", "", "off_track")
    # Staff see internal metrics too: this file is not a publication.
    assert any(row["metric_code"] == "POT-COST" for row in rows)


def test_department_staff_get_only_their_departments_readings(
    make_actor: Any, admin: Actor, city: City, published: Published
) -> None:
    created(post_reading(admin, city.rehousing_metric, period="2025-10", value="9"))
    housing_manager = make_actor(Role.contract_manager, (city.human_services,))

    rows = download(housing_manager)

    assert [(r["kind"], r["number"], r["metric_code"], r["value"]) for r in rows] == [
        ("grant", "G-2025-0031", "HOUSED", "9")
    ]


def test_text_cells_cannot_smuggle_spreadsheet_formulas(admin: Actor, city: City, published: Published) -> None:
    renamed = admin.update(f"/api/v1/metrics/{city.pothole_metric}", {"name": '=HYPERLINK("http://x.example")'})
    assert renamed.status_code == 200, renamed.text

    names = {row["metric_name"] for row in download(admin) if row["metric_code"] == "POT-48H"}

    assert names == {'\'=HYPERLINK("http://x.example")'}


def test_the_file_is_produced_a_chunk_of_metrics_at_a_time(
    session: Session, admin: Actor, published: Published
) -> None:
    pieces = list(iter_csv(session, principal=SYSTEM, fiscal_start_month=7, chunk=1))

    assert len(pieces) > 3  # the header, then one piece per metric with readings or not
    assert "".join(pieces) == admin.get(CSV_EXPORT).text


def test_the_export_is_for_signed_in_staff(anonymous: Actor) -> None:
    assert_problem(anonymous.get(CSV_EXPORT), 401)
