"""Retries with an Idempotency-Key take effect once; without a key, re-sending is harmless anyway."""

from __future__ import annotations

from typing import Any

from tests.readings.helpers import (
    outcomes,
    post_batch,
    post_reading,
    reading,
    reading_audit_count,
    readings_of,
    values_by_period,
)
from tests.support import Actor, City, assert_problem


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def nightly(city: City) -> list[dict[str, Any]]:
    return [
        {"contract_external_id": "PO-4500012345", "metric_code": "POT-48H", "period": "2026-01", "value": "81"},
        {"contract_external_id": "PO-4500012345", "metric_code": "POT-48H", "period": "2026-02", "value": "83"},
        {"metric_id": city.rehousing_metric, "period": "2025-12", "value": "7"},
    ]


def test_a_retried_batch_returns_the_first_response_and_writes_nothing_new(admin: Actor, city: City) -> None:
    first = post_batch(admin, nightly(city), headers=key("erp-2026-02-28-run-1"))
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    audit_after_first = reading_audit_count(admin)

    retry = post_batch(admin, nightly(city), headers=key("erp-2026-02-28-run-1"))

    assert retry.status_code == 200, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()  # still says "created", as the first response did
    assert reading_audit_count(admin) == audit_after_first == 3
    for item in first.json()["items"]:
        assert len(reading(admin, item["reading_id"])["history"]) == 1


def test_a_replay_does_not_undo_a_later_correction(manager: Actor, city: City) -> None:
    first = post_reading(manager, city.pothole_metric, headers=key("march-value"), period="2026-03", value="80")
    assert first.status_code == 201, first.text
    corrected = post_reading(manager, city.pothole_metric, period="2026-03", value="85")
    assert corrected.json()["outcome"] == "corrected"

    replay = post_reading(manager, city.pothole_metric, headers=key("march-value"), period="2026-03", value="80")

    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert values_by_period(manager, city.pothole_metric) == {"2026-03-01": "85"}
    assert [rev["value"] for rev in reading(manager, first.json()["id"])["history"]] == ["80", "85"]


def test_the_same_key_for_a_different_request_is_refused(admin: Actor, manager: Actor, city: City) -> None:
    assert post_batch(admin, nightly(city), headers=key("erp-run-7")).status_code == 200
    audit_before = reading_audit_count(admin)
    changed = nightly(city)
    changed[1]["value"] = "84"

    different_payload = post_batch(admin, changed, headers=key("erp-run-7"))
    different_mode = post_batch(admin, nightly(city), headers=key("erp-run-7"), params={"mode": "accept_valid"})
    different_endpoint = post_reading(
        admin, city.pothole_metric, headers=key("erp-run-7"), period="2026-02", value="84"
    )

    for response in (different_payload, different_mode, different_endpoint):
        problem = assert_problem(response, 422, "header.Idempotency-Key")
        assert "different request" in problem["errors"][0]["message"]
    assert values_by_period(admin, city.pothole_metric)["2026-02-01"] == "83"
    assert reading_audit_count(admin) == audit_before


def test_keys_belong_to_the_caller(admin: Actor, manager: Actor, city: City) -> None:
    by_admin = post_reading(admin, city.pothole_metric, headers=key("monthly-upload"), period="2026-01", value="81")
    assert by_admin.status_code == 201, by_admin.text

    by_manager = post_reading(manager, city.pothole_metric, headers=key("monthly-upload"), period="2026-02", value="90")

    assert by_manager.status_code == 201, by_manager.text
    assert "Idempotent-Replayed" not in by_manager.headers
    assert by_manager.json()["recorded_by"] == f"user:{manager.user_id}"
    assert values_by_period(admin, city.pothole_metric) == {"2026-01-01": "81", "2026-02-01": "90"}

    manager_retry = post_reading(
        manager, city.pothole_metric, headers=key("monthly-upload"), period="2026-02", value="90"
    )
    assert manager_retry.headers["Idempotent-Replayed"] == "true"
    assert manager_retry.json() == by_manager.json()


def test_a_rejected_batch_is_replayed_as_the_same_rejection(admin: Actor, city: City) -> None:
    items = nightly(city)
    items[0]["value"] = "180"
    first = post_batch(admin, items, headers=key("bad-run"))
    problem = assert_problem(first, 422, "body.readings.0.value")

    retry = post_batch(admin, items, headers=key("bad-run"))

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert assert_problem(retry, 422, "body.readings.0.value") == problem
    assert readings_of(admin, city.pothole_metric) == []
    assert reading_audit_count(admin) == 0


def test_without_a_key_resending_a_batch_changes_nothing(admin: Actor, city: City) -> None:
    first = post_batch(admin, nightly(city))
    audit_after_first = reading_audit_count(admin)

    again = post_batch(admin, nightly(city))

    assert outcomes(again) == ["unchanged", "unchanged", "unchanged"]
    assert "Idempotent-Replayed" not in again.headers
    assert [item["reading_id"] for item in again.json()["items"]] == [
        item["reading_id"] for item in first.json()["items"]
    ]
    assert reading_audit_count(admin) == audit_after_first


def test_an_oversized_key_is_rejected(admin: Actor, city: City) -> None:
    assert_problem(post_batch(admin, nightly(city), headers=key("k" * 256)), 422, "header.Idempotency-Key")
    assert readings_of(admin, city.pothole_metric) == []


def test_the_same_key_for_a_batch_with_a_different_bad_item_is_refused(admin: Actor, city: City) -> None:
    good = {"metric_id": city.pothole_metric, "period": "2026-01", "value": "81"}
    first = post_batch(
        admin,
        [good, {"metric_id": city.pothole_metric, "period": "2026-02", "value": "eighty"}],
        headers=key("vendor-upload-9"),
        params={"mode": "accept_valid"},
    )
    assert outcomes(first) == ["created", "rejected"]

    other_batch = post_batch(
        admin,
        [good, {"metric_id": city.rehousing_metric, "period": "2025-12", "value": "seven"}],
        headers=key("vendor-upload-9"),
        params={"mode": "accept_valid"},
    )

    assert_problem(other_batch, 422, "header.Idempotency-Key")
    assert "Idempotent-Replayed" not in other_batch.headers
