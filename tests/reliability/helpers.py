"""Helpers of the reliability tests: refusals that must be clean, and proof that nothing was written."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text

from app.db import get_engine
from app.models import metadata

# Written on purpose by a refused request: a sign-in attempt (throttling) and a stored answer that a retry with
# the same Idempotency-Key replays. Every other table must be exactly as it was.
BOOKKEEPING = {"sign_in_attempt", "idempotency_record"}


def row_counts() -> dict[str, int]:
    """Rows per table, in one round trip on a connection of its own (no snapshot kept between calls)."""
    tables = [table.name for table in metadata.sorted_tables if table.name not in BOOKKEEPING]
    query = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM \"{name}\"" for name in tables)
    with get_engine().connect() as connection:
        return {name: int(count) for name, count in connection.execute(text(query)).all()}


def refusal_problem(response: httpx.Response) -> str | None:
    """Why this answer is not a clean refusal (a 4xx RFC 9457 problem), or None when it is."""
    if not 400 <= response.status_code < 500:
        return f"status {response.status_code}: {response.text[:200]}"
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {response.headers.get('content-type')!r}"
    body: Any = response.json()
    if body.get("status") != response.status_code or not str(body.get("type", "")).startswith("https://"):
        return f"not a problem document: {response.text[:200]}"
    if "Traceback" in response.text:
        return "a stack trace in the answer"
    return None


def check_refused(name: str, send: Any, failures: list[str]) -> None:
    """Sends one malformed request; records a failure unless it is refused cleanly with nothing written."""
    before = row_counts()
    response = send()
    problem = refusal_problem(response)
    after = row_counts()
    if problem:
        failures.append(f"{name}: {problem}")
    elif after != before:
        changed = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
        failures.append(f"{name}: answered {response.status_code} but wrote {changed}")
