import pytest

from tests.support import metric_payload

API = "/api/v1"

@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_probe(admin, city):
    url = f"{API}/contracts/{city.pothole_contract}"
    r = admin.update(url, {"title": "Pothole repair services"})
    print("noop", r.headers["ETag"], admin.get(f"{API}/audit", params={"entity": "contract"}).json()["items"][0]["changes"])
    r = admin.post(f"{API}/goals/{city.pothole_goal}/metrics", json=metric_payload(code="E1", interim_targets=[{"period": "2026-01", "value": "8e1"}]))
    print("interim", r.json()["interim_targets"])
    r = admin.post(f"{API}/contracts", json={"number": "C-F", "title": "f", "vendor_id": city.paving_vendor, "department_id": city.transportation, "value": 1234567890123456.78, "start_date": "2026-01-01", "end_date": "2026-02-01"})
    print("float", r.status_code, r.json().get("value"))
