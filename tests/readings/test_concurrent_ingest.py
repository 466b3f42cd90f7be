"""Several ERP clients post overlapping batches at once to a server with 2 worker processes.

However the requests interleave, each (metric, period) ends with exactly one current reading, each
was created exactly once, and every correction is in its revision history.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import text
from sqlmodel import Session

from tests.support import Actor, City, created, metric_payload

MONTHS = [
    f"{year}-{month:02d}" for year, month in [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 11)]
]


def _add_metrics(admin: Actor, city: City, count: int) -> list[str]:
    codes = [f"KPI-{n:02d}" for n in range(count)]
    for code in codes:
        created(admin.post(f"/api/v1/goals/{city.pothole_goal}/metrics", json=metric_payload(code=code)))
    return codes


def _batch(codes: list[str], client_number: int) -> list[dict[str, Any]]:
    # Clients agree on most values, but each sends its own value for every third month: those are corrections.
    return [
        {
            "contract_external_id": "PO-4500012345",
            "metric_code": code,
            "period": month,
            "value": str(80 + (client_number if index % 3 == 0 else 0)),
        }
        for code in codes
        for index, month in enumerate(MONTHS)
    ]


def _post_all(
    base: str, headers: dict[str, str], batches: list[list[dict[str, Any]]], **extra: Any
) -> list[httpx.Response]:
    def post(batch: list[dict[str, Any]]) -> httpx.Response:
        return httpx.post(
            f"{base}/api/v1/readings/batch", json={"readings": batch}, headers=headers, timeout=120, **extra
        )

    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        return list(pool.map(post, batches))


def test_overlapping_batches_from_parallel_clients_never_duplicate_a_reading(
    live_server: str, admin: Actor, city: City, session: Session
) -> None:
    codes = _add_metrics(admin, city, 8)
    clients = 6
    responses = _post_all(live_server, admin.headers, [_batch(codes, n) for n in range(clients)])

    assert [r.status_code for r in responses] == [200] * clients, [r.text[:300] for r in responses]
    outcomes = Counter(item["outcome"] for r in responses for item in r.json()["items"])
    keys = len(codes) * len(MONTHS)
    assert outcomes["created"] == keys  # every (metric, period) created exactly once, by one of the clients
    assert outcomes["rejected"] == 0
    assert sum(outcomes.values()) == keys * clients

    total = session.execute(text("SELECT count(*) FROM reading")).scalar_one()
    distinct = session.execute(
        text("SELECT count(*) FROM (SELECT DISTINCT metric_id, period_start FROM reading) AS keys")
    ).scalar_one()
    assert (total, distinct) == (keys, keys)
    # Each correction archived exactly one previous value, and every reading's revision number agrees.
    archived = session.execute(text("SELECT count(*) FROM reading_revision")).scalar_one()
    assert archived == outcomes["corrected"]
    inconsistent = session.execute(
        text(
            "SELECT count(*) FROM reading r WHERE r.revision <> 1 + "
            "(SELECT count(*) FROM reading_revision v WHERE v.reading_id = r.id)"
        )
    ).scalar_one()
    assert inconsistent == 0


def test_the_same_idempotency_key_sent_in_parallel_takes_effect_once(
    live_server: str, admin: Actor, city: City, session: Session
) -> None:
    codes = _add_metrics(admin, city, 4)
    batch = _batch(codes, 1)
    headers = admin.headers | {"Idempotency-Key": "erp-file-2026-10-31"}
    responses = _post_all(live_server, headers, [batch] * 5)

    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, [r.text[:300] for r in responses]
    first_runs = [r for r in responses if r.status_code == 200 and "idempotent-replayed" not in r.headers]
    assert len(first_runs) == 1
    for response in responses:
        if response.status_code == 200:
            assert response.json() == first_runs[0].json()
    created_count = session.execute(text("SELECT count(*) FROM reading")).scalar_one()
    assert created_count == len(codes) * len(MONTHS)
    audit_entries = session.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'reading'")).scalar_one()
    assert audit_entries == created_count

    # A later retry of the same request is a replay of the stored response.
    replay = httpx.post(f"{live_server}/api/v1/readings/batch", json={"readings": batch}, headers=headers, timeout=60)
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first_runs[0].json()
