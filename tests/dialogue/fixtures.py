"""Fixtures of the dialogue, plan, alert and action item tests: the street light contract's alert and the people on
both sides of it (each of those test packages imports them in its conftest)."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.roles import Role
from tests.dialogue.helpers import open_alert
from tests.support import Actor, City


@pytest.fixture
def alert(manager: Actor, streetlights: dict[str, int]) -> dict[str, Any]:
    return open_alert(manager, streetlights["metric"])


@pytest.fixture
def vendor(make_actor: Any, city: City) -> Actor:
    """A person of Metro Paving Co., the street light contract's vendor."""
    return make_actor(Role.vendor, vendor_id=city.paving_vendor, email="jordan@paving.example")


@pytest.fixture
def other_vendor(make_actor: Any, city: City) -> Actor:
    """A person of Safe Haven Housing Alliance, which has nothing to do with street lights."""
    return make_actor(Role.vendor, vendor_id=city.housing_vendor, email="sam@haven.example")
