"""Fixtures of the OCDS tests: the same city as the transparency tests, and a publisher who exports it."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.roles import Role
from tests.support import Actor, City
from tests.transparency.scenario import Published, build


@pytest.fixture
def published(admin: Actor, city: City) -> Published:
    return build(admin, city)


@pytest.fixture
def publisher(make_actor: Any) -> Actor:
    """The procurement officer who publishes the city's open-contracting data."""
    return make_actor(Role.procurement_officer, email="open.data@city.example")
