"""Residents see what moved over the last month: a measure that slipped, one that came back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session

from app.db import utcnow
from app.periods import Cadence, containing, label
from app.status.models import StatusTransition
from tests.readings.helpers import post_reading
from tests.support import Actor, City, created
from tests.transparency.scenario import Published, correct_reading

PUBLIC = "/public/v1"


def _a_month_passes(session: Session) -> None:
    """Everything evaluated so far happened 40 days ago (the demo city seeds its history the same way)."""
    session.exec(update(StatusTransition).values(occurred_at=utcnow() - timedelta(days=40)))  # type: ignore[call-overload]
    session.commit()


def test_a_measure_that_slipped_within_the_month_is_told_on_the_home_page(
    resident: Actor, admin: Actor, city: City, published: Published, session: Session
) -> None:
    this_month = containing(utcnow().date(), Cadence.monthly)
    last_month = containing(this_month.start - timedelta(days=1), Cadence.monthly)
    month_before = containing(last_month.start - timedelta(days=1), Cadence.monthly)
    for period in (month_before, last_month):  # on track against 72 % rising to 90 % by June 2027
        created(post_reading(admin, city.pothole_metric, period=label(period, Cadence.monthly), value="95"))
    _a_month_passes(session)
    before = resident.get(f"{PUBLIC}/priorities/{city.vision_zero}").json()
    assert before["changes"]["worsened"] == 0

    correct_reading(admin, city.pothole_metric, label(last_month, Cadence.monthly), "40")

    after = resident.get(f"{PUBLIC}/priorities/{city.vision_zero}").json()
    assert after["changes"]["worsened"] == 1
    assert after["changes"]["since"] == (utcnow().date() - timedelta(days=30)).isoformat()
    home = resident.get("/").text
    assert "1 measure worsened" in home
