"""Fixtures of the transparency tests: a city with published (and unpublishable) data, and a resident."""

from __future__ import annotations

import pytest

from tests.support import Actor, City
from tests.transparency.scenario import Published, build


@pytest.fixture
def published(admin: Actor, city: City) -> Published:
    return build(admin, city)


@pytest.fixture
def resident(anonymous: Actor) -> Actor:
    """Someone reading the city's website: no account, no token."""
    return anonymous
