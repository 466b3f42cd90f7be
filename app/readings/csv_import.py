"""Reading a CSV upload into batch items (same columns as the JSON batch)."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from app.kit.problems import InvalidInput
from app.readings.schemas import MAX_BATCH, BatchItem, InvalidItem, invalid_item

COLUMNS = (
    "metric_id",
    "contract_external_id",
    "grant_external_id",
    "metric_code",
    "period",
    "period_start",
    "period_end",
    "value",
    "note",
    "source",
    "reason",
    "provisional",
)
MAX_CSV_BYTES = 8 * 1024 * 1024
_FLAGS = {"true": True, "false": False}
# What spreadsheets and ERPs send a CSV file as.
MEDIA_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})


def parse(payload: bytes) -> list[BatchItem | InvalidItem]:
    if len(payload) > MAX_CSV_BYTES:
        raise InvalidInput.on("body", f"the CSV file is larger than {MAX_CSV_BYTES} bytes", "too_large")
    try:
        text = payload.decode("utf-8-sig")  # tolerates the BOM spreadsheets like to add
    except UnicodeDecodeError as error:
        raise InvalidInput.on("body", f"the CSV file is not UTF-8 (byte {error.start})", "encoding") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in COLUMNS]
    if not header or unknown or "value" not in header:
        raise InvalidInput.on(
            "body.header",
            f"unknown columns {unknown}; expected a header with value and some of {', '.join(COLUMNS)}"
            if unknown
            else f"the first line must be a header with value and some of {', '.join(COLUMNS)}",
            "bad_header",
        )
    reader.fieldnames = header
    items: list[BatchItem | InvalidItem] = []
    try:
        for row in reader:
            if len(items) >= MAX_BATCH:
                raise InvalidInput.on("body", f"at most {MAX_BATCH} rows per file", "too_many_rows")
            if None in row:
                items.append(InvalidItem("row", "the row has more cells than the header"))
                continue
            cells: dict[str, Any] = {
                key: value.strip() for key, value in row.items() if value is not None and value.strip()
            }
            if "provisional" in cells:  # a cell is text; JSON takes only true/false, so does a CSV file
                cells["provisional"] = _FLAGS.get(cells["provisional"].lower(), cells["provisional"])
            try:
                items.append(BatchItem.model_validate(cells))
            except ValidationError as error:
                items.append(invalid_item(error))
    except csv.Error as error:
        raise InvalidInput.on("body", f"the CSV file is malformed: {error}", "malformed_csv") from None
    if not items:
        raise InvalidInput.on("body", "the CSV file has no rows", "empty")
    return items
