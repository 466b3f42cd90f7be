"""Fixtures of the evidence tests: a reading on the pothole contract, the people around it."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.roles import Role
from tests.support import Actor, City, closed_months, created

API = "/api/v1"


@pytest.fixture
def manager(make_actor: Any, city: City) -> Actor:
    """The contract manager of the transportation department, which runs the pothole contract."""
    return make_actor(Role.contract_manager, (city.transportation,), email="casey@city.example")


@pytest.fixture
def housing_manager(make_actor: Any, city: City) -> Actor:
    """A contract manager of human services only."""
    return make_actor(Role.contract_manager, (city.human_services,), email="housing@city.example")


@pytest.fixture
def reading(manager: Actor, city: City) -> int:
    """Last month's pothole repairs, as the manager entered them."""
    response = manager.post(
        f"{API}/metrics/{city.pothole_metric}/readings", json={"period": closed_months(1)[0], "value": "81.5"}
    )
    return created(response)
