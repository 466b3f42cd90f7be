"""The city checks readings (verification) and closes reported periods (period locks)."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.roles import Role
from tests.auth.helpers import reconfigure
from tests.readings.helpers import (
    API,
    LOCKS,
    audit_of,
    lock_periods,
    post_batch,
    post_reading,
    problem_fields,
    reading,
    values_by_period,
)
from tests.support import Actor, City, assert_problem

# --- verification ----------------------------------------------------------------------------------


@pytest.fixture
def vendor(make_actor: Any, city: City) -> Actor:
    """Metro Paving's operations lead, who posts the pothole contract's figures; the city verifies them."""
    return make_actor(Role.vendor, vendor_id=city.paving_vendor)  # type: ignore[no-any-return]


def test_a_contract_manager_verifies_a_reading(manager: Actor, vendor: Actor, city: City) -> None:
    posted = post_reading(vendor, city.pothole_metric, period="2026-03", value="87.5").json()

    verified = manager.post(f"{API}/readings/{posted['id']}/verify")

    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["verified_at"] is not None
    assert body["verified_by"] == f"user:{manager.user_id}"
    assert body["value"] == "87.5"
    assert verified.headers["ETag"] == f'"v{body["version"]}"'
    detail = reading(manager, posted["id"])
    assert (detail["verified_at"], detail["verified_by"]) == (body["verified_at"], body["verified_by"])
    assert detail["history"][-1]["recorded_by"] == f"user:{vendor.user_id}"  # verifying is not recording

    again = manager.post(f"{API}/readings/{posted['id']}/verify")
    assert again.json()["verified_at"] == body["verified_at"]  # verifying twice keeps the first check


def test_verifying_does_not_change_when_the_value_was_recorded(manager: Actor, vendor: Actor, city: City) -> None:
    posted = post_reading(vendor, city.pothole_metric, period="2026-03", value="87.5").json()
    recorded_at = reading(manager, posted["id"])["history"][-1]["recorded_at"]

    manager.post(f"{API}/readings/{posted['id']}/verify")

    assert reading(manager, posted["id"])["history"][-1]["recorded_at"] == recorded_at


def test_a_correction_clears_the_verification_but_a_resend_does_not(manager: Actor, vendor: Actor, city: City) -> None:
    posted = post_reading(vendor, city.pothole_metric, period="2026-03", value="87.5").json()
    manager.post(f"{API}/readings/{posted['id']}/verify")

    resent = post_reading(vendor, city.pothole_metric, period="2026-03", value="87.5")
    assert resent.json()["outcome"] == "unchanged"
    assert resent.json()["verified_at"] is not None

    corrected = post_reading(vendor, city.pothole_metric, period="2026-03", value="86")
    assert corrected.json()["outcome"] == "corrected"
    assert (corrected.json()["verified_at"], corrected.json()["verified_by"]) == (None, None)
    assert reading(manager, posted["id"])["verified_at"] is None

    reverified = manager.post(f"{API}/readings/{posted['id']}/verify")
    assert reverified.json()["verified_at"] is not None


def test_verifying_with_a_stale_etag_is_refused(manager: Actor, vendor: Actor, city: City) -> None:
    posted = post_reading(vendor, city.pothole_metric, period="2026-03", value="87.5").json()
    stale = manager.get(f"{API}/readings/{posted['id']}").headers["ETag"]
    post_reading(vendor, city.pothole_metric, period="2026-03", value="86")  # corrected meanwhile

    response = manager.post(f"{API}/readings/{posted['id']}/verify", headers={"If-Match": stale})

    assert_problem(response, 412)
    assert reading(manager, posted["id"])["verified_at"] is None


def test_a_viewer_cannot_verify(manager: Actor, vendor: Actor, viewer: Actor, buyer: Actor, city: City) -> None:
    posted = post_reading(vendor, city.pothole_metric, period="2026-03", value="87.5").json()

    assert_problem(viewer.post(f"{API}/readings/{posted['id']}/verify"), 403)
    assert_problem(buyer.post(f"{API}/readings/{posted['id']}/verify"), 403)
    assert reading(viewer, posted["id"])["verified_at"] is None


def test_verifying_an_unknown_reading_is_not_found(manager: Actor, vendor: Actor) -> None:
    assert_problem(manager.post(f"{API}/readings/999999/verify"), 404)


def test_nobody_verifies_a_value_they_recorded(
    manager: Actor, make_actor: Any, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted = post_reading(manager, city.pothole_metric, period="2026-03", value="87.5").json()

    assert_problem(manager.post(f"{API}/readings/{posted['id']}/verify"), 403, "path.id")
    colleague = make_actor(Role.contract_manager, (city.transportation,))
    assert colleague.post(f"{API}/readings/{posted['id']}/verify").status_code == 200

    reconfigure(monkeypatch, separate_verification="false")  # a city of one contract manager may turn it off
    own = post_reading(manager, city.pothole_metric, period="2026-04", value="88").json()
    assert manager.post(f"{API}/readings/{own['id']}/verify").status_code == 200


# --- period locks ----------------------------------------------------------------------------------


def test_a_locked_period_refuses_new_values_and_corrections(manager: Actor, city: City) -> None:
    post_reading(manager, city.pothole_metric, period="2025-12", value="80")
    lock_id = lock_periods(manager, "2025-12-31", "Q2 FY2026 closed for the council report", city.pothole_contract)
    lock = manager.get(LOCKS).json()["items"]
    assert [(item["id"], item["award_id"], item["locked_through"], item["locked_by"]) for item in lock] == [
        (lock_id, city.pothole_contract, "2025-12-31", f"user:{manager.user_id}")
    ]

    correction = post_reading(manager, city.pothole_metric, period="2025-12", value="82")
    new_value = post_reading(manager, city.pothole_metric, period="2025-11", value="79")
    with_reason = post_reading(manager, city.pothole_metric, period="2025-12", value="82", reason="typo")

    for response in (correction, new_value, with_reason):
        problem = assert_problem(response, 422, "body.period")
        assert "locked" in problem["errors"][0]["message"]
    assert values_by_period(manager, city.pothole_metric) == {"2025-12-01": "80"}


def test_resending_an_unchanged_value_into_a_locked_period_is_fine(manager: Actor, city: City) -> None:
    post_reading(manager, city.pothole_metric, period="2025-12", value="80")
    lock_periods(manager, "2025-12-31", "closed", city.pothole_contract)

    resent = post_reading(manager, city.pothole_metric, period="2025-12", value="80.0")
    batch = post_batch(
        manager,
        [
            {"metric_id": city.pothole_metric, "period": "2025-12", "value": "80"},
            {"metric_id": city.pothole_metric, "period": "2026-01", "value": "81"},  # after the lock
        ],
    )

    assert resent.status_code == 200, resent.text
    assert resent.json()["outcome"] == "unchanged"
    assert [item["outcome"] for item in batch.json()["items"]] == ["unchanged", "created"]


def test_a_locked_item_rejects_an_all_or_nothing_batch(manager: Actor, city: City) -> None:
    lock_periods(manager, "2025-12-31", "closed", city.pothole_contract)
    items = [
        {"metric_id": city.pothole_metric, "period": "2026-01", "value": "81"},
        {"metric_id": city.pothole_metric, "period": "2025-12", "value": "80"},
    ]

    strict = post_batch(manager, items)
    assert_problem(strict, 422)
    assert problem_fields(strict) == ["body.readings.1.period"]
    assert values_by_period(manager, city.pothole_metric) == {}

    lenient = post_batch(manager, items, params={"mode": "accept_valid"})
    assert [item["outcome"] for item in lenient.json()["items"]] == ["created", "rejected"]
    assert values_by_period(manager, city.pothole_metric) == {"2026-01-01": "81"}


def test_an_admin_corrects_a_locked_period_only_with_a_reason(admin: Actor, manager: Actor, city: City) -> None:
    posted = post_reading(manager, city.pothole_metric, period="2025-12", value="80").json()
    lock_periods(manager, "2025-12-31", "closed", city.pothole_contract)

    without_reason = post_reading(admin, city.pothole_metric, period="2025-12", value="82")
    assert_problem(without_reason, 422, "body.period")

    reason = "Auditor found a keying error in the December ERP extract"
    with_reason = post_reading(admin, city.pothole_metric, period="2025-12", value="82", reason=reason)

    assert with_reason.status_code == 200, with_reason.text
    assert with_reason.json()["outcome"] == "corrected"
    history = reading(manager, posted["id"])["history"]
    assert [(rev["value"], rev["reason"], rev["recorded_by"]) for rev in history] == [
        ("80", None, f"user:{manager.user_id}"),
        ("82", reason, f"user:{admin.user_id}"),
    ]
    [entry] = [e for e in audit_of(admin, entity="reading", entity_id=posted["id"]) if e["action"] == "update"]
    assert entry["changes"]["value"] == ["80", "82"]
    assert entry["changes"]["reason"] == [None, reason]

    new_in_locked = post_reading(admin, city.pothole_metric, period="2025-11", value="78", reason=reason)
    assert new_in_locked.status_code == 201, new_in_locked.text


def test_a_contract_lock_leaves_other_contracts_open(admin: Actor, manager: Actor, city: City) -> None:
    lock_periods(manager, "2025-12-31", "closed", city.pothole_contract)

    grant = post_reading(admin, city.rehousing_metric, period="2025-12", value="5")

    assert grant.status_code == 201, grant.text


def test_a_citywide_lock_closes_every_contract_and_grant(admin: Actor, city: City) -> None:
    lock_periods(admin, "2025-10-31", "FY2026 Q1 closed citywide")

    assert_problem(post_reading(admin, city.pothole_metric, period="2025-10", value="70"), 422, "body.period")
    assert_problem(post_reading(admin, city.rehousing_metric, period="2025-10", value="3"), 422, "body.period")
    assert post_reading(admin, city.rehousing_metric, period="2025-11", value="3").status_code == 201


def test_the_latest_of_several_locks_applies_until_it_is_removed(admin: Actor, manager: Actor, city: City) -> None:
    lock_periods(admin, "2025-10-31", "Q1 closed citywide")
    december = lock_periods(manager, "2025-12-31", "Q2 closed", city.pothole_contract)
    assert_problem(post_reading(manager, city.pothole_metric, period="2025-12", value="80"), 422, "body.period")

    assert admin.delete(f"{LOCKS}/{december}").status_code == 204

    assert post_reading(manager, city.pothole_metric, period="2025-12", value="80").status_code == 201
    assert_problem(post_reading(manager, city.pothole_metric, period="2025-10", value="80"), 422, "body.period")
    assert [item["locked_through"] for item in manager.get(LOCKS).json()["items"]] == ["2025-10-31"]


def test_only_an_admin_removes_a_lock(admin: Actor, manager: Actor, viewer: Actor, city: City) -> None:
    lock_id = lock_periods(manager, "2025-12-31", "closed", city.pothole_contract)

    assert_problem(manager.delete(f"{LOCKS}/{lock_id}"), 403)
    assert_problem(viewer.delete(f"{LOCKS}/{lock_id}"), 403)
    assert len(admin.get(LOCKS).json()["items"]) == 1

    assert admin.delete(f"{LOCKS}/{lock_id}").status_code == 204
    assert admin.get(LOCKS).json()["items"] == []
    assert_problem(admin.delete(f"{LOCKS}/{lock_id}"), 404)
    assert post_reading(manager, city.pothole_metric, period="2025-12", value="80").status_code == 201
    actions = [entry["action"] for entry in audit_of(admin, entity="period_lock", entity_id=lock_id)]
    assert sorted(actions) == ["create", "delete"]


def test_who_may_lock_periods(
    manager: Actor, housing_manager: Actor, viewer: Actor, buyer: Actor, admin: Actor, city: City
) -> None:
    body = {"award_id": city.pothole_contract, "locked_through": "2025-12-31", "reason": "closed"}

    assert_problem(viewer.post(LOCKS, json=body), 403)
    assert_problem(buyer.post(LOCKS, json=body), 403)
    assert_problem(housing_manager.post(LOCKS, json=body), 422, "body.award_id")  # not a contract they manage
    assert_problem(manager.post(LOCKS, json=body | {"award_id": 999_999}), 422, "body.award_id")
    assert_problem(manager.post(LOCKS, json={"locked_through": "2025-12-31", "reason": "closed"}), 404)  # citywide
    assert_problem(manager.post(LOCKS, json=body | {"reason": ""}), 422, "body.reason")
    assert_problem(manager.post(LOCKS, json=body | {"locked_through": "end of Q2"}), 422, "body.locked_through")
    assert admin.get(LOCKS).json()["items"] == []
    assert post_reading(manager, city.pothole_metric, period="2025-12", value="80").status_code == 201
