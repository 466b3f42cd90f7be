"""The street light contract's alert and the people on both sides of it (tests/dialogue/fixtures.py)."""

from tests.dialogue.fixtures import alert, other_vendor, vendor  # noqa: F401 (fixtures)
