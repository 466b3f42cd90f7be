"""Two people editing the same record never silently overwrite each other (RFC 9110 If-Match)."""

from typing import Any

from app.auth.roles import Role
from tests.support import Actor, City, assert_problem

API = "/api/v1"


def editable(city: City) -> dict[str, tuple[str, dict[str, Any]]]:
    """For each resource: a record of the city and a harmless change to it."""
    return {
        "department": (f"{API}/departments/{city.transportation}", {"description": "Streets and signals"}),
        "vendor": (f"{API}/vendors/{city.paving_vendor}", {"contact_name": "Sam Lee"}),
        "priority": (f"{API}/priorities/{city.vision_zero}", {"target_year": 2031}),
        "procurement": (f"{API}/procurements/{city.pothole_rfp}", {"description": "Three-year term"}),
        "contract": (f"{API}/contracts/{city.pothole_contract}", {"status": "completed"}),
        "grant": (f"{API}/grants/{city.rehousing_grant}", {"status": "completed"}),
        "goal": (f"{API}/goals/{city.pothole_goal}", {"is_public": False}),
        "metric": (f"{API}/metrics/{city.pothole_metric}", {"grace_days": 30}),
    }


def test_a_change_without_if_match_is_refused_everywhere(admin: Actor, city: City) -> None:
    for name, (url, change) in editable(city).items():
        before = admin.get(url).json()

        body = assert_problem(admin.patch(url, json=change), 428)

        assert "If-Match" in body["detail"], name
        assert admin.get(url).json() == before, name


def test_a_change_based_on_a_stale_version_is_refused_everywhere(admin: Actor, make_actor: Any, city: City) -> None:
    colleague = make_actor(Role.admin)
    for name, (url, change) in editable(city).items():
        stale = admin.get(url).headers["ETag"]
        assert colleague.update(url, change).status_code == 200, name
        current = admin.get(url)

        assert_problem(admin.patch(url, json={}, headers={"If-Match": stale}), 412)
        assert_problem(admin.patch(url, json=change, headers={"If-Match": stale}), 412)

        after = admin.get(url)
        assert after.json() == current.json(), name
        assert after.headers["ETag"] == '"v2"', name


def test_each_accepted_change_moves_the_etag_on(admin: Actor, city: City) -> None:
    for name, (url, change) in editable(city).items():
        response = admin.update(url, change)

        assert response.status_code == 200, (name, response.text)
        assert response.headers["ETag"] == '"v2"', name
        assert response.json()["version"] == 2, name
        assert admin.get(url).headers["ETag"] == '"v2"', name


def test_an_etag_from_another_record_does_not_unlock_this_one(admin: Actor, city: City) -> None:
    url = f"{API}/contracts/{city.pothole_contract}"
    assert admin.update(url, {"title": "Renamed once"}).status_code == 200
    other_etag = admin.get(f"{API}/grants/{city.rehousing_grant}").headers["ETag"]

    assert_problem(admin.patch(url, json={"title": "Renamed twice"}, headers={"If-Match": other_etag}), 412)

    assert admin.get(url).json()["title"] == "Renamed once"


def test_a_stale_delete_is_refused_and_deletes_nothing(admin: Actor, city: City) -> None:
    url = f"{API}/metrics/{city.pothole_metric}"
    assert admin.update(url, {"grace_days": 20}).status_code == 200

    assert_problem(admin.delete(url, headers={"If-Match": '"v1"'}), 412)

    assert admin.get(url).status_code == 200
