"""Every successful write to the portfolio leaves an audit entry; a refused one leaves none."""

from typing import Any

from tests.support import Actor, City, assert_problem, contract_payload, created, metric_payload

API = "/api/v1"


def trail(admin: Actor, entity: str, entity_id: int) -> list[dict[str, Any]]:
    response = admin.get(f"{API}/audit", params={"entity": entity, "entity_id": entity_id, "limit": 200})
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["items"]))  # oldest first


def test_create_update_and_delete_of_every_resource_are_audited(admin: Actor, city: City) -> None:
    department = created(admin.post(f"{API}/departments", json={"name": "Parks", "code": "PRK"}))
    vendor = created(admin.post(f"{API}/vendors", json={"legal_name": "Greenway Landscaping LLC"}))
    priority = created(admin.post(f"{API}/priorities", json={"code": "tree-canopy", "title": "30% tree canopy"}))
    procurement = created(
        admin.post(f"{API}/procurements", json={"title": "Tree planting", "department_id": department, "method": "ifb"})
    )
    parties = {"vendor_id": vendor, "department_id": department, "procurement_id": procurement, "external_id": None}
    contract = created(admin.post(f"{API}/contracts", json=contract_payload(number="C-PRK-1", **parties)))
    grant = created(admin.post(f"{API}/grants", json=contract_payload(number="G-PRK-1", **parties)))
    goal = created(
        admin.post(f"{API}/contracts/{contract}/goals", json={"title": "Plant trees", "priority_id": priority})
    )
    metric = created(admin.post(f"{API}/goals/{goal}/metrics", json=metric_payload(code="TREES")))
    records = [
        ("metric", f"{API}/metrics/{metric}", metric, {"name": "Trees planted"}),
        ("goal", f"{API}/goals/{goal}", goal, {"title": "Plant 5,000 trees"}),
        ("contract", f"{API}/contracts/{contract}", contract, {"status": "completed"}),
        ("grant", f"{API}/grants/{grant}", grant, {"status": "terminated"}),
        ("procurement", f"{API}/procurements/{procurement}", procurement, {"status": "awarded"}),
        ("priority", f"{API}/priorities/{priority}", priority, {"target_year": 2035}),
        ("vendor", f"{API}/vendors/{vendor}", vendor, {"is_active": False}),
        ("department", f"{API}/departments/{department}", department, {"name": "Parks and Recreation"}),
    ]

    for _, url, _, change in records:
        assert admin.update(url, change).status_code == 200, url
    for _, url, _, _ in records:
        assert admin.delete(url).status_code == 204, url

    for entity, _, record_id, change in records:
        entries = trail(admin, entity, record_id)
        assert [entry["action"] for entry in entries] == ["create", "update", "delete"], entity
        create, update, delete = entries
        assert create["changes"]["id"] == [None, record_id], entity
        assert {field: after for field, (_, after) in update["changes"].items()} == change, entity
        assert all(before != after for before, after in update["changes"].values()), entity
        assert delete["changes"]["id"] == [record_id, None], entity
        assert {entry["actor"] for entry in entries} == {f"user:{admin.user_id}"}, entity
        assert all(entry["request_id"] for entry in entries), entity


def test_an_update_records_only_the_fields_that_changed(admin: Actor, city: City) -> None:
    url = f"{API}/procurements/{city.pothole_rfp}"

    assert admin.update(url, {"status": "cancelled", "title": "Citywide pothole repair services"}).status_code == 200

    latest = trail(admin, "procurement", city.pothole_rfp)[-1]
    assert latest["changes"] == {"status": ["awarded", "cancelled"]}


def test_refused_writes_leave_no_audit_entry(admin: Actor, city: City) -> None:
    url = f"{API}/contracts/{city.pothole_contract}"
    before = trail(admin, "contract", city.pothole_contract)

    assert_problem(admin.patch(url, json={"status": "completed"}), 428)
    assert_problem(admin.patch(url, json={"status": "completed"}, headers={"If-Match": '"v9"'}), 412)
    assert_problem(admin.update(url, {"end_date": "2020-01-01"}), 422)
    assert_problem(admin.update(url, {"vendor_id": 999999}), 422)
    assert_problem(admin.delete(url), 409)
    assert_problem(admin.delete(f"{API}/vendors/{city.paving_vendor}"), 409)

    assert trail(admin, "contract", city.pothole_contract) == before
    assert [entry["action"] for entry in trail(admin, "vendor", city.paving_vendor)] == ["create"]


def test_the_request_id_ties_an_audit_entry_to_the_call(admin: Actor, city: City) -> None:
    url = f"{API}/grants/{city.rehousing_grant}"
    etag = admin.get(url).headers["ETag"]

    response = admin.patch(
        url, json={"title": "Rapid rehousing"}, headers={"If-Match": etag, "X-Request-ID": "erp-sync-42"}
    )

    assert response.headers["X-Request-ID"] == "erp-sync-42"
    assert trail(admin, "grant", city.rehousing_grant)[-1]["request_id"] == "erp-sync-42"
