"""CSV uploads from spreadsheets: POST /readings/import with a text/csv body."""

from __future__ import annotations

from typing import Any

import pytest

from tests.readings.helpers import (
    import_csv,
    outcomes,
    post_batch,
    problem_fields,
    reading,
    reading_audit_count,
    readings_of,
    values_by_period,
)
from tests.support import Actor, City, assert_problem

HEADER = "contract_external_id,metric_code,period,value,note"


def rows(*lines: str, newline: str = "\n") -> str:
    return newline.join((HEADER, *lines)) + newline


def test_a_spreadsheet_export_with_a_bom_and_crlf_lines_is_imported(manager: Actor, city: City) -> None:
    text = "\ufeff" + rows(
        "PO-4500012345,POT-48H,2026-01,81,",
        'PO-4500012345,POT-48H,2026-02,83.5,"Late, re-run by ERP"',
        newline="\r\n",
    )

    response = import_csv(manager, text)

    assert response.status_code == 200, response.text
    assert response.json()["committed"] is True
    assert outcomes(response) == ["created", "created"]
    assert values_by_period(manager, city.pothole_metric) == {"2026-01-01": "81", "2026-02-01": "83.5"}
    assert reading(manager, response.json()["items"][1]["reading_id"])["note"] == "Late, re-run by ERP"


def test_mixed_line_endings_and_blank_lines_are_tolerated(manager: Actor, city: City) -> None:
    text = (
        HEADER
        + "\r\nPO-4500012345,POT-48H,2026-01,81,"
        + "\nPO-4500012345,POT-48H,2026-02,82,"
        + "\r\rPO-4500012345,POT-48H,2026-03,83,"  # a classic Mac line ending, then a blank line
    )

    response = import_csv(manager, text)

    assert outcomes(response) == ["created", "created", "created"]
    assert values_by_period(manager, city.pothole_metric) == {
        "2026-01-01": "81",
        "2026-02-01": "82",
        "2026-03-01": "83",
    }


def test_cells_are_trimmed_and_any_column_of_the_batch_may_be_used(admin: Actor, city: City) -> None:
    text = (
        " metric_id , period_start , period_end , value , source \n"
        f" {city.pothole_metric} , 2026-04-01 , 2026-04-30 ,  88 , manual \n"
        f"{city.rehousing_metric},2025-12-01,2025-12-31,9,\n"
    )

    response = import_csv(admin, text)

    assert outcomes(response) == ["created", "created"]
    assert values_by_period(admin, city.pothole_metric) == {"2026-04-01": "88"}
    assert (
        reading(admin, response.json()["items"][1]["reading_id"])["source"] == "manual"
    )  # an admin's upload, whatever the column says


def test_a_dry_run_reports_exactly_what_the_import_then_does(manager: Actor, admin: Actor, city: City) -> None:
    post_batch(
        manager,
        [
            {"metric_id": city.pothole_metric, "period": "2026-01", "value": "81"},
            {"metric_id": city.pothole_metric, "period": "2026-02", "value": "82"},
        ],
    )
    audit_before = reading_audit_count(admin)
    text = rows(
        "PO-4500012345,POT-48H,2026-01,81,",  # unchanged
        "PO-4500012345,POT-48H,2026-02,79,ERP correction",  # corrected
        "PO-4500012345,POT-48H,2026-03,84,",  # created
        "PO-4500012345,POT-48H,2026-04,n/a,",  # rejected: not a number
        "PO-4500012345,POT-48H,2026-05,101,",  # rejected: above 100 percent
    )

    dry = import_csv(manager, text, mode="accept_valid", dry_run="true")

    assert dry.status_code == 200, dry.text
    assert dry.json()["committed"] is False
    assert dry.json()["summary"] == {"created": 1, "unchanged": 1, "corrected": 1, "rejected": 2}
    assert values_by_period(manager, city.pothole_metric) == {"2026-01-01": "81", "2026-02-01": "82"}
    assert reading_audit_count(admin) == audit_before

    real = import_csv(manager, text, mode="accept_valid")

    assert real.json()["committed"] is True
    assert real.json()["summary"] == dry.json()["summary"]
    assert reading_audit_count(admin) == audit_before + 2  # one created, one corrected
    assert _without_new_ids(real.json()["items"]) == _without_new_ids(dry.json()["items"])
    assert [(item["field"], item["outcome"]) for item in real.json()["items"][3:]] == [
        ("value", "rejected"),
        ("value", "rejected"),
    ]
    assert values_by_period(manager, city.pothole_metric) == {
        "2026-01-01": "81",
        "2026-02-01": "79",
        "2026-03-01": "84",
    }


def _without_new_ids(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item | {"reading_id": None} if item["outcome"] == "created" else item for item in items]


def test_a_dry_run_of_a_bad_file_answers_what_the_import_then_answers(manager: Actor, city: City) -> None:
    text = rows("PO-4500012345,POT-48H,2026-01,81,", "PO-4500012345,POT-48H,2026-02,n/a,")

    dry = import_csv(manager, text, dry_run="true")

    assert_problem(dry, 422)
    assert problem_fields(dry) == ["body.readings.1.value"]

    dry_accepting = import_csv(manager, text, mode="accept_valid", dry_run="true")

    assert dry_accepting.status_code == 200, dry_accepting.text
    assert dry_accepting.json()["committed"] is False
    assert [(item["outcome"], item["field"]) for item in dry_accepting.json()["items"]] == [
        ("created", None),
        ("rejected", "value"),
    ]
    assert readings_of(manager, city.pothole_metric) == []

    real = import_csv(manager, text)

    assert_problem(real, 422)
    assert problem_fields(real) == ["body.readings.1.value"]
    assert readings_of(manager, city.pothole_metric) == []


def test_a_non_numeric_row_is_rejected_and_the_rest_kept_with_accept_valid(manager: Actor, city: City) -> None:
    text = rows(
        "PO-4500012345,POT-48H,2026-01,81,",
        "PO-4500012345,POT-48H,2026-02,eighty,",
        "PO-4500012345,POT-48H,2026-03,83,",
    )

    all_or_nothing = import_csv(manager, text)
    assert_problem(all_or_nothing, 422)
    assert problem_fields(all_or_nothing) == ["body.readings.1.value"]
    assert readings_of(manager, city.pothole_metric) == []

    accept_valid = import_csv(manager, text, mode="accept_valid")
    assert outcomes(accept_valid) == ["created", "rejected", "created"]
    assert values_by_period(manager, city.pothole_metric) == {"2026-01-01": "81", "2026-03-01": "83"}


def test_a_row_with_more_cells_than_the_header_is_rejected(manager: Actor, city: City) -> None:
    text = rows(
        "PO-4500012345,POT-48H,2026-01,81,",
        "PO-4500012345,POT-48H,2026-02,81,5,decimal comma",  # 81,5 split into two cells
    )

    strict = import_csv(manager, text)
    assert_problem(strict, 422, "body.readings.1.row")
    assert readings_of(manager, city.pothole_metric) == []

    lenient = import_csv(manager, text, mode="accept_valid")
    assert outcomes(lenient) == ["created", "rejected"]
    assert "more cells than the header" in lenient.json()["items"][1]["reason"]
    assert values_by_period(manager, city.pothole_metric) == {"2026-01-01": "81"}


def test_a_row_with_missing_cells_is_rejected_on_the_missing_value(manager: Actor, city: City) -> None:
    response = import_csv(manager, rows("PO-4500012345,POT-48H,2026-01"), mode="accept_valid")
    assert outcomes(response) == ["rejected"]
    assert response.json()["items"][0]["field"] == "value"


@pytest.mark.parametrize(
    "header",
    [
        "contract_external_id,metric_code,period,amount",  # unknown column
        "contract_external_id,metric_code,period",  # no value column
        "contract_external_id;metric_code;period;value",  # semicolons (a European spreadsheet)
        "PO-4500012345,POT-48H,2026-01,81",  # no header at all
    ],
    ids=["unknown-column", "no-value", "semicolons", "no-header"],
)
def test_a_file_with_a_wrong_header_is_rejected(manager: Actor, city: City, header: str) -> None:
    response = import_csv(manager, header + "\nPO-4500012345,POT-48H,2026-01,81\n")
    problem = assert_problem(response, 422, "body.header")
    assert "value" in problem["errors"][0]["message"]
    assert readings_of(manager, city.pothole_metric) == []


@pytest.mark.parametrize(("text", "field"), [("", "body.header"), (HEADER + "\r\n", "body")], ids=["empty", "header"])
def test_a_file_without_rows_is_rejected(manager: Actor, text: str, field: str) -> None:
    assert_problem(import_csv(manager, text), 422, field)


def test_a_file_that_is_not_utf8_is_rejected(manager: Actor, city: City) -> None:
    latin1 = rows("PO-4500012345,POT-48H,2026-01,81,Relevé de janvier").encode("latin-1")

    response = import_csv(manager, latin1)

    problem = assert_problem(response, 422, "body")
    assert "UTF-8" in problem["errors"][0]["message"]
    assert readings_of(manager, city.pothole_metric) == []


def test_a_utf8_note_survives_the_import(manager: Actor, city: City) -> None:
    response = import_csv(manager, rows("PO-4500012345,POT-48H,2026-01,81,Relevé de janvier ✓"))
    assert reading(manager, response.json()["items"][0]["reading_id"])["note"] == "Relevé de janvier ✓"


def test_a_retried_upload_with_a_key_is_replayed(manager: Actor, admin: Actor, city: City) -> None:
    text = rows("PO-4500012345,POT-48H,2026-01,81,", "PO-4500012345,POT-48H,2026-02,82,")
    headers = {"Content-Type": "text/csv", "Idempotency-Key": "upload-2026-02"}

    dry = manager.post("/api/v1/readings/import", content=text.encode(), headers=headers, params={"dry_run": "true"})
    assert dry.json()["committed"] is False
    first = manager.post("/api/v1/readings/import", content=text.encode(), headers=headers)
    assert first.json()["committed"] is True  # the dry run did not use up the key
    audit_after_first = reading_audit_count(admin)

    retry = manager.post("/api/v1/readings/import", content=text.encode(), headers=headers)

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert reading_audit_count(admin) == audit_after_first == 2
    other_file = manager.post(
        "/api/v1/readings/import", content=(text + "PO-4500012345,POT-48H,2026-03,83,\n").encode(), headers=headers
    )
    assert_problem(other_file, 422, "header.Idempotency-Key")


def test_a_file_over_the_limits_is_rejected_before_anything_is_read(manager: Actor, city: City) -> None:
    too_many_rows = rows(*[f"PO-4500012345,POT-48H,2026-01,{n % 100}," for n in range(10_001)])
    problem = assert_problem(import_csv(manager, too_many_rows), 422, "body")
    assert "10000 rows" in problem["errors"][0]["message"]

    too_large = rows("PO-4500012345,POT-48H,2026-01,81," + "x" * (8 * 1024 * 1024))
    assert_problem(import_csv(manager, too_large), 422, "body")
    assert readings_of(manager, city.pothole_metric) == []
