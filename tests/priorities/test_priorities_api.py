"""The mayor's office keeps the citywide priorities that contract goals ladder up to."""

from typing import Any

import pytest

from tests.support import Actor, City, assert_problem, created

API = "/api/v1/priorities"


def priority(**overrides: Any) -> dict[str, Any]:
    payload = {
        "code": "housing-first",
        "title": "End chronic homelessness",
        "description": "Permanent supportive housing for every chronically homeless resident.",
        "target_year": 2030,
    }
    return payload | overrides


def test_admin_publishes_a_priority_that_staff_can_read(admin: Actor, viewer: Actor) -> None:
    response = admin.post(API, json=priority())

    priority_id = created(response)
    assert response.headers["Location"] == f"{API}/{priority_id}"
    body = viewer.get(f"{API}/{priority_id}").json()
    assert body["code"] == "housing-first"
    assert body["target_year"] == 2030
    assert body["is_public"] is True


def test_only_admins_may_change_priorities(buyer: Actor, city: City) -> None:
    assert_problem(buyer.post(API, json=priority()), 403)
    assert_problem(buyer.update(f"{API}/{city.vision_zero}", {"title": "Fewer crashes"}), 403)
    assert_problem(buyer.delete(f"{API}/{city.vision_zero}"), 403)

    assert buyer.get(f"{API}/{city.vision_zero}").json()["title"].startswith("Vision Zero")


def test_admin_moves_a_priority_target_year(admin: Actor, city: City) -> None:
    url = f"{API}/{city.vision_zero}"

    response = admin.update(url, {"target_year": 2035})

    assert response.status_code == 200, response.text
    assert response.json()["target_year"] == 2035
    assert admin.get(url).headers["ETag"] == '"v2"'


def test_priorities_are_listed_by_target_year_and_filtered_by_visibility(admin: Actor, city: City) -> None:
    internal = created(admin.post(API, json=priority(code="ops-2027", title="Internal ops", target_year=2027)))
    later = created(admin.post(API, json=priority(code="climate", title="Net zero city", target_year=2045)))

    by_year = admin.get(API, params={"sort": "-target_year"}).json()
    dated = [item["id"] for item in by_year["items"] if item["target_year"] is not None]
    assert dated == [later, internal]

    assert admin.update(f"{API}/{internal}", {"is_public": False}).status_code == 200
    hidden = admin.get(API, params={"is_public": "false"}).json()
    assert [item["id"] for item in hidden["items"]] == [internal]
    assert admin.get(API, params={"q": "net zero"}).json()["items"][0]["id"] == later


def test_priority_codes_are_unique(admin: Actor, city: City) -> None:
    body = assert_problem(admin.post(API, json=priority(code="vision-zero")), 409, "body.code")

    assert body["errors"][0]["code"] == "duplicate"
    assert admin.get(API).json()["total"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_year": 1999}, "body.target_year"),
        ({"target_year": 2101}, "body.target_year"),
        ({"target_year": "soon"}, "body.target_year"),
        ({"code": "-leading-dash"}, "body.code"),
        ({"code": "has space"}, "body.code"),
        ({"title": ""}, "body.title"),
        ({"owner": "mayor"}, "body.owner"),
    ],
)
def test_invalid_priorities_are_rejected_naming_the_field(admin: Actor, changes: dict[str, Any], field: str) -> None:
    assert_problem(admin.post(API, json=priority(**changes)), 422, field)

    assert admin.get(API).json()["total"] == 0


def test_a_priority_that_goals_ladder_up_to_cannot_be_deleted(admin: Actor, city: City) -> None:
    body = assert_problem(admin.delete(f"{API}/{city.vision_zero}"), 409)

    assert "goals" in body["detail"]
    assert admin.get(f"{API}/{city.vision_zero}").status_code == 200
    assert admin.get(f"/api/v1/goals/{city.pothole_goal}").json()["priority_id"] == city.vision_zero


def test_an_unused_priority_is_deleted(admin: Actor) -> None:
    priority_id = created(admin.post(API, json=priority()))

    assert admin.delete(f"{API}/{priority_id}").status_code == 204

    assert_problem(admin.get(f"{API}/{priority_id}"), 404)
