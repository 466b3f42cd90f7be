"""Who may send and read readings, and the audit trail every written value leaves."""

from __future__ import annotations

from typing import Any

from tests.readings.helpers import (
    API,
    BATCH,
    IMPORT,
    audit_of,
    import_csv,
    outcomes,
    post_batch,
    post_reading,
    readings_of,
    readings_url,
    values_by_period,
)
from tests.support import Actor, City, assert_problem

ERP_ITEMS = [
    {
        "contract_external_id": "PO-4500012345",
        "metric_code": "POT-48H",
        "period": "2026-01",
        "value": "81",
    },
    {"grant_external_id": "GR-2025-031", "metric_code": "HOUSED", "period": "2025-12", "value": "7"},
]


def service_account(admin: Actor, scopes: list[str]) -> tuple[Actor, int]:
    """An ERP feed set up by an admin, signed in with the OAuth2 client credentials grant."""
    registered = admin.post(f"{API}/service-accounts", json={"name": "Oracle ERP nightly feed", "scopes": scopes})
    assert registered.status_code == 201, registered.text
    account = registered.json()
    token = admin.client.post(
        f"{API}/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": account["client_id"],
            "client_secret": account["client_secret"],
        },
    )
    assert token.status_code == 200, token.text
    return Actor(admin.client, {"Authorization": f"Bearer {token.json()['access_token']}"}), account["id"]


# --- integrations ----------------------------------------------------------------------------------


def test_an_erp_service_account_posts_a_batch_by_external_ids(admin: Actor, city: City) -> None:
    erp, account_id = service_account(admin, ["readings:write"])

    response = post_batch(erp, ERP_ITEMS)

    assert outcomes(response) == ["created", "created"]
    assert values_by_period(admin, city.pothole_metric) == {"2026-01-01": "81"}
    assert values_by_period(admin, city.rehousing_metric) == {"2025-12-01": "7"}
    assert {item["recorded_by"] for item in readings_of(admin, city.pothole_metric)} == {
        f"service_account:{account_id}"
    }
    assert {item["source"] for item in readings_of(admin, city.pothole_metric)} == {"erp"}  # from the credential
    csv = "grant_external_id,metric_code,period,value\nGR-2025-031,HOUSED,2026-01,8\n"
    assert outcomes(import_csv(erp, csv)) == ["created"]
    # Writing does not imply reading, and verifying is for city staff only.
    reading_id = response.json()["items"][0]["reading_id"]
    assert_problem(erp.get(f"{API}/readings/{reading_id}"), 403)
    assert_problem(erp.post(f"{API}/readings/{reading_id}/verify"), 403)


def test_a_service_account_without_the_write_scope_is_forbidden(admin: Actor, city: City) -> None:
    reader, _ = service_account(admin, ["readings:read", "catalog:read"])

    assert_problem(post_batch(reader, ERP_ITEMS), 403)
    assert_problem(post_reading(reader, city.pothole_metric, period="2026-01", value="81"), 403)
    assert_problem(
        reader.post(IMPORT, content=b"metric_id,period,value\n1,2026-01,81\n", headers={"Content-Type": "text/csv"}),
        403,
    )
    assert readings_of(admin, city.pothole_metric) == []
    assert reader.get(readings_url(city.pothole_metric)).status_code == 200  # it may still read


def test_staff_without_the_write_role_cannot_post_readings(
    viewer: Actor, buyer: Actor, anonymous: Actor, admin: Actor, city: City
) -> None:
    for actor, status in ((viewer, 403), (buyer, 403), (anonymous, 401)):
        assert_problem(post_reading(actor, city.pothole_metric, period="2026-01", value="81"), status)
        assert_problem(post_batch(actor, ERP_ITEMS), status)
    assert readings_of(admin, city.pothole_metric) == []
    assert viewer.get(readings_url(city.pothole_metric)).status_code == 200


# --- department scope ------------------------------------------------------------------------------


def test_a_manager_cannot_post_readings_for_another_departments_contract(
    housing_manager: Actor, admin: Actor, city: City
) -> None:
    single = post_reading(housing_manager, city.pothole_metric, period="2026-01", value="81")
    assert_problem(single, 404)

    batch = post_batch(
        housing_manager,
        [
            {"metric_id": city.pothole_metric, "period": "2026-01", "value": "81"},
            ERP_ITEMS[0],
            ERP_ITEMS[1],  # their own grant
        ],
        params={"mode": "accept_valid"},
    )

    assert outcomes(batch) == ["rejected", "rejected", "created"]
    first, second, _ = batch.json()["items"]
    assert first["field"] == "metric_id"
    limits = f"(you are limited to departments [{city.human_services}])"
    assert first["reason"] == f"no metric with id {city.pothole_metric} within your reach {limits}"
    assert second["field"] == "contract_external_id"
    assert readings_of(admin, city.pothole_metric) == []
    assert values_by_period(admin, city.rehousing_metric) == {"2025-12-01": "7"}


def test_a_manager_cannot_read_another_departments_readings(manager: Actor, housing_manager: Actor, city: City) -> None:
    posted = post_reading(manager, city.pothole_metric, period="2026-01", value="81").json()

    assert_problem(housing_manager.get(f"{API}/readings/{posted['id']}"), 404)
    assert_problem(housing_manager.get(readings_url(city.pothole_metric)), 404)
    assert_problem(housing_manager.post(f"{API}/readings/{posted['id']}/verify"), 404)
    assert manager.get(f"{API}/readings/{posted['id']}").status_code == 200


# --- audit -----------------------------------------------------------------------------------------


def reading_entries(admin: Actor, reading_id: int) -> list[dict[str, Any]]:
    return sorted(audit_of(admin, entity="reading", entity_id=reading_id), key=lambda entry: entry["id"])


def test_each_written_value_leaves_an_audit_entry_with_the_request_id(admin: Actor, manager: Actor, city: City) -> None:
    created = post_reading(
        manager, city.pothole_metric, headers={"X-Request-ID": "erp-run-41"}, period="2026-01", value="81"
    )
    reading_id = created.json()["id"]
    assert created.headers["X-Request-ID"] == "erp-run-41"
    post_reading(manager, city.pothole_metric, headers={"X-Request-ID": "erp-run-42"}, period="2026-01", value="81")
    post_batch(
        manager,
        [{"metric_id": city.pothole_metric, "period": "2026-01", "value": "79.50"}],
        headers={"X-Request-ID": "erp-run-43"},
    )

    entries = reading_entries(admin, reading_id)

    assert [(entry["action"], entry["request_id"]) for entry in entries] == [
        ("create", "erp-run-41"),
        ("update", "erp-run-43"),  # the unchanged re-send (erp-run-42) wrote nothing
    ]
    create, update = entries
    assert create["changes"]["value"] == [None, "81"]
    assert create["changes"]["metric_id"] == [None, city.pothole_metric]
    assert create["changes"]["period_start"] == [None, "2026-01-01"]
    assert update["changes"] == {"value": ["81", "79.5"]}
    assert {(entry["actor"], entry["actor_role"]) for entry in entries} == {
        (f"user:{manager.user_id}", "contract_manager")
    }


def test_a_csv_import_is_audited_with_its_request_id(admin: Actor, manager: Actor, city: City) -> None:
    response = manager.post(
        IMPORT,
        content=b"metric_id,period,value\n" + f"{city.pothole_metric},2026-02,83\n".encode(),
        headers={"Content-Type": "text/csv", "X-Request-ID": "upload-feb"},
    )
    reading_id = response.json()["items"][0]["reading_id"]

    [entry] = reading_entries(admin, reading_id)

    assert (entry["action"], entry["request_id"], entry["changes"]["value"]) == ("create", "upload-feb", [None, "83"])


def test_rejected_batches_and_dry_runs_leave_no_audit_entries(admin: Actor, manager: Actor, city: City) -> None:
    items = [
        {"metric_id": city.pothole_metric, "period": "2026-01", "value": "81"},
        {"metric_id": city.pothole_metric, "period": "2026-02", "value": "181"},
    ]
    assert_problem(post_batch(manager, items), 422)
    assert post_batch(manager, items, params={"dry_run": "true", "mode": "accept_valid"}).status_code == 200
    assert audit_of(admin, entity="reading") == []

    assert outcomes(post_batch(manager, items, params={"mode": "accept_valid"})) == ["created", "rejected"]
    assert len(audit_of(admin, entity="reading")) == 1


def test_a_viewer_is_refused_before_the_batch_is_even_checked(viewer: Actor) -> None:
    assert_problem(viewer.post(BATCH, json={"readings": []}), 403)
