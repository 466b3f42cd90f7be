"""Fixtures of the readings tests: the people who send and check readings, and a metric not yet awarded."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.roles import Role
from tests.support import Actor, City, created, metric_payload

API = "/api/v1"


@pytest.fixture
def manager(make_actor: Any, city: City) -> Actor:
    """The contract manager of the transportation department (the pothole contract's owner)."""
    return make_actor(Role.contract_manager, (city.transportation,), email="manager@city.example")


@pytest.fixture
def housing_manager(make_actor: Any, city: City) -> Actor:
    """A contract manager who only manages human services contracts and grants."""
    return make_actor(Role.contract_manager, (city.human_services,), email="housing@city.example")


@pytest.fixture
def procurement_metric(admin: Actor, city: City) -> int:
    """A metric defined on a procurement still in evaluation: nobody has been awarded it yet."""
    procurement = created(
        admin.post(
            f"{API}/procurements",
            json={
                "title": "Sidewalk repair services",
                "department_id": city.transportation,
                "method": "rfp",
                "status": "evaluation",
                "external_id": "RFP-26-004",
            },
        )
    )
    goal = created(admin.post(f"{API}/procurements/{procurement}/goals", json={"title": "Repair sidewalks quickly"}))
    return created(admin.post(f"{API}/goals/{goal}/metrics", json=metric_payload(code="SW-10D")))
