"""An administrator limited to some departments manages people inside them only: it cannot lift its own limit,
give anyone access beyond its departments, or change someone who works elsewhere."""

from __future__ import annotations

from typing import Any

from app.auth.roles import Role
from tests.accounts.test_users_api import USERS, new_user
from tests.support import Actor, City, assert_problem


def test_a_limited_admin_cannot_lift_its_own_department_limit(make_actor: Any, city: City) -> None:
    hsd_admin = make_actor(Role.admin, (city.human_services,))
    me = f"{USERS}/{hsd_admin.user_id}"

    assert_problem(hsd_admin.update(me, {"department_ids": []}), 403)
    assert_problem(hsd_admin.update(me, {"department_ids": [city.human_services, city.transportation]}), 403)
    assert hsd_admin.get(me).json()["department_ids"] == [city.human_services]


def test_a_limited_admin_creates_users_inside_its_departments_only(make_actor: Any, city: City) -> None:
    hsd_admin = make_actor(Role.admin, (city.human_services,))

    assert_problem(hsd_admin.post(USERS, json=new_user()), 403)  # citywide
    assert_problem(hsd_admin.post(USERS, json=new_user(department_ids=[city.transportation])), 403)
    inside = hsd_admin.post(USERS, json=new_user(department_ids=[city.human_services]))
    assert inside.status_code == 201, inside.text


def test_a_limited_admin_cannot_change_someone_who_works_elsewhere(make_actor: Any, admin: Actor, city: City) -> None:
    hsd_admin = make_actor(Role.admin, (city.human_services,))
    dot_manager = make_actor(Role.contract_manager, (city.transportation,))

    assert_problem(hsd_admin.update(f"{USERS}/{dot_manager.user_id}", {"is_active": False}), 403)
    assert_problem(hsd_admin.update(f"{USERS}/{admin.user_id}", {"role": "viewer"}), 403)
