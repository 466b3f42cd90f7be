"""A user limited to the Human Services Department cannot see or change the Department of Transportation's work.

Records outside the user's departments answer 404 (as if they did not exist, so ids reveal nothing),
lists leave them out, and references to them in a payload are a 422 naming the field. Operations the
role may not perform at all stay 403 whatever the record, which reveals nothing either.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from app.auth.roles import Action, Role, is_allowed
from tests.auth.helpers import API, audit_count
from tests.support import Actor, City, assert_problem, contract_payload, created, metric_payload

SCOPED_ROLES = [Role.contract_manager, Role.procurement_officer]


def _denied(role: Role, area: str) -> int:
    """What a write on another department's record answers: 404 if the role may write there at all, else 403."""
    return 404 if is_allowed(role, frozenset(), area, Action.write) else 403


def transportation_records(city: City) -> dict[str, tuple[str, str]]:
    """label -> (url, permission area) of everything the Department of Transportation owns."""
    return {
        "department": (f"{API}/departments/{city.transportation}", "departments"),
        "procurement": (f"{API}/procurements/{city.pothole_rfp}", "procurements"),
        "contract": (f"{API}/contracts/{city.pothole_contract}", "contracts"),
        "goal": (f"{API}/goals/{city.pothole_goal}", "goals"),
        "metric": (f"{API}/metrics/{city.pothole_metric}", "metrics"),
    }


def snapshot(admin: Actor, city: City, session: Session) -> dict[str, Any]:
    """Everything of the Department of Transportation as an unrestricted admin reads it, plus the audit size."""
    urls = [url for url, _ in transportation_records(city).values()] + [
        f"{API}/contracts/{city.pothole_contract}/goals",
        f"{API}/procurements/{city.pothole_rfp}/goals",
        f"{API}/goals/{city.pothole_goal}/metrics",
        f"{API}/contracts?department_id={city.transportation}",
        f"{API}/procurements?department_id={city.transportation}",
        f"{API}/grants",
    ]
    state: dict[str, Any] = {}
    for url in urls:
        response = admin.get(url)
        assert response.status_code == 200, response.text
        state[url] = response.json()
    state["audit entries"] = audit_count(session)
    return state


@pytest.fixture(params=SCOPED_ROLES, ids=[role.value for role in SCOPED_ROLES])
def human_services_user(request: pytest.FixtureRequest, make_actor: Any, city: City) -> tuple[Role, Actor]:
    role: Role = request.param
    return role, make_actor(role, (city.human_services,))


def test_records_of_another_department_look_like_they_do_not_exist(
    human_services_user: tuple[Role, Actor], city: City, admin: Actor, session: Session
) -> None:
    role, user = human_services_user
    before = snapshot(admin, city, session)

    for url, area in transportation_records(city).values():
        etag = admin.get(url).headers["ETag"]

        assert_problem(user.get(url), 404)
        assert_problem(
            user.patch(url, json={"description": "hijacked"}, headers={"If-Match": etag}), _denied(role, area)
        )
        assert_problem(user.delete(url, headers={"If-Match": etag}), _denied(role, area))

    assert snapshot(admin, city, session) == before


def test_nested_routes_under_another_departments_records_are_404_too(
    human_services_user: tuple[Role, Actor], city: City, admin: Actor, session: Session
) -> None:
    role, user = human_services_user
    before = snapshot(admin, city, session)

    for url in (
        f"{API}/contracts/{city.pothole_contract}/goals",
        f"{API}/procurements/{city.pothole_rfp}/goals",
        f"{API}/goals/{city.pothole_goal}/metrics",
        f"{API}/metrics/{city.pothole_metric}/readings",
    ):
        assert_problem(user.get(url), 404)

    goal = {"title": "Slip a goal into someone else's contract"}
    assert_problem(user.post(f"{API}/contracts/{city.pothole_contract}/goals", json=goal), _denied(role, "goals"))
    assert_problem(user.post(f"{API}/procurements/{city.pothole_rfp}/goals", json=goal), _denied(role, "goals"))
    assert_problem(
        user.post(f"{API}/goals/{city.pothole_goal}/metrics", json=metric_payload(code="SNEAKY")),
        _denied(role, "metrics"),
    )
    assert_problem(user.post(f"{API}/contracts/{city.pothole_contract}/goals/carry-over"), _denied(role, "goals"))

    assert snapshot(admin, city, session) == before


def test_lists_leave_out_another_departments_records(human_services_user: tuple[Role, Actor], city: City) -> None:
    _, user = human_services_user

    def ids(url: str) -> list[int]:
        response = user.get(url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"]), "the total must not count hidden records"
        return [item["id"] for item in page["items"]]

    assert ids(f"{API}/departments") == [city.human_services]
    assert ids(f"{API}/procurements") == []
    assert ids(f"{API}/contracts") == []
    assert ids(f"{API}/grants") == [city.rehousing_grant]
    assert ids(f"{API}/goals") == [city.rehousing_goal]
    assert ids(f"{API}/metrics") == [city.rehousing_metric]
    # Asking for the other department explicitly does not help either.
    assert ids(f"{API}/contracts?department_id={city.transportation}") == []
    assert ids(f"{API}/goals?award_id={city.pothole_contract}") == []
    assert ids(f"{API}/metrics?goal_id={city.pothole_goal}") == []
    assert ids(f"{API}/departments?code=DOT") == []
    # Shared catalogues are not departmental: both vendors and the priority stay visible.
    assert sorted(ids(f"{API}/vendors")) == sorted([city.paving_vendor, city.housing_vendor])
    assert ids(f"{API}/priorities") == [city.vision_zero]


def test_a_scoped_user_still_sees_their_own_departments_work(
    human_services_user: tuple[Role, Actor], city: City
) -> None:
    _, user = human_services_user
    for url in (
        f"{API}/departments/{city.human_services}",
        f"{API}/grants/{city.rehousing_grant}",
        f"{API}/grants/{city.rehousing_grant}/goals",
        f"{API}/goals/{city.rehousing_goal}",
        f"{API}/goals/{city.rehousing_goal}/metrics",
        f"{API}/metrics/{city.rehousing_metric}",
    ):
        assert user.get(url).status_code == 200, url


def test_a_scoped_buyer_cannot_create_or_move_work_into_another_department(
    make_actor: Any, city: City, admin: Actor, session: Session
) -> None:
    buyer = make_actor(Role.procurement_officer, (city.human_services,))
    before = snapshot(admin, city, session)

    new_contract = contract_payload(
        number="C-2026-0500",
        external_id="PO-4500050000",
        vendor_id=city.paving_vendor,
        department_id=city.transportation,
    )
    assert_problem(buyer.post(f"{API}/contracts", json=new_contract), 422, "body.department_id")
    assert_problem(
        buyer.post(
            f"{API}/procurements",
            json={"title": "Street sweeping", "department_id": city.transportation, "method": "ifb"},
        ),
        422,
        "body.department_id",
    )
    # In their own department, but made from the other department's procurement.
    from_their_rfp = new_contract | {"department_id": city.human_services, "procurement_id": city.pothole_rfp}
    assert_problem(buyer.post(f"{API}/contracts", json=from_their_rfp), 422, "body.procurement_id")

    # Moving their own grant over to Transportation.
    assert_problem(
        buyer.update(f"{API}/grants/{city.rehousing_grant}", {"department_id": city.transportation}),
        422,
        "body.department_id",
    )
    assert_problem(
        buyer.update(f"{API}/grants/{city.rehousing_grant}", {"procurement_id": city.pothole_rfp}),
        422,
        "body.procurement_id",
    )

    assert snapshot(admin, city, session) == before
    assert admin.get(f"{API}/grants/{city.rehousing_grant}").json()["department_id"] == city.human_services


def test_a_scoped_buyer_works_normally_inside_their_department(make_actor: Any, city: City, admin: Actor) -> None:
    buyer = make_actor(Role.procurement_officer, (city.human_services,))

    contract = created(
        buyer.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2026-0501",
                external_id="PO-4500050001",
                vendor_id=city.housing_vendor,
                department_id=city.human_services,
            ),
        )
    )
    renamed = buyer.update(f"{API}/grants/{city.rehousing_grant}", {"title": "Rapid rehousing for families (year 2)"})
    assert renamed.status_code == 200, renamed.text

    assert admin.get(f"{API}/contracts/{contract}").json()["department_id"] == city.human_services


def test_deleting_a_department_cannot_silently_lift_its_users_limits(
    admin: Actor, make_actor: Any, city: City, session: Session
) -> None:
    """A user limited to Parks only must not become unrestricted when Parks is deleted (no departments = all)."""
    parks = created(admin.post(f"{API}/departments", json={"name": "Parks and Recreation", "code": "PRK"}))
    ranger = make_actor(Role.procurement_officer, (parks,))
    assert_problem(ranger.get(f"{API}/contracts/{city.pothole_contract}"), 404)

    assert_problem(admin.delete(f"{API}/departments/{parks}"), 409)

    assert admin.get(f"{API}/users/{ranger.user_id}").json()["department_ids"] == [parks]
    assert_problem(ranger.get(f"{API}/contracts/{city.pothole_contract}"), 404)
    # Once the user is moved elsewhere, the empty department can go.
    assert admin.update(f"{API}/users/{ranger.user_id}", {"department_ids": [city.human_services]}).status_code == 200
    assert admin.delete(f"{API}/departments/{parks}").status_code == 204
