"""A demo city a visitor believes, seeded through the same service functions (and audit) as the API.

Fourteen departments, ten priorities, forty vendors, forty-four contracts and grants with 161 metrics of every
cadence and direction, about three years of readings that tell stories (recovering, slipping, stale, never
reported, seasonal), alerts, questions and answers, corrective plans, action items and meetings. It is
deterministic (`random.Random(2026)`) and moves with today's date: the latest closed period is the latest
reading. Seeding twice changes nothing.

Demo sign-ins (password `demo-password-2026`): admin@demo.city, buyer@demo.city, viewer@demo.city; contract
managers manager.dot@demo.city (Casey: the pothole contract), manager.hsd@demo.city (Human Services and
Workforce), manager.streets@demo.city, manager.utilities@demo.city, manager.safety@demo.city,
manager.health@demo.city, manager.civic@demo.city; vendors' people jordan@metropaving.example,
pat@clearwater.example, tasha@cityfleet.example, maria@northsidehealth.example.
"""

from __future__ import annotations

from random import Random

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from app.actions.models import ActionItem
from app.alerts.models import Alert, AlertStatus
from app.auth.models import ServiceAccount, User
from app.awards.models import Award
from app.config import get_settings
from app.db import utcnow
from app.demo import activity, build, city, founding, readings
from app.demo.catalogue import PROGRAMMES
from app.demo.seeding import DEMO_PASSWORD, Cast, one_hash_for_the_demo_password
from app.departments.models import Department
from app.meetings.models import Meeting
from app.metrics.models import Metric
from app.plans.models import CorrectivePlan
from app.priorities.models import Priority
from app.procurements.models import Procurement
from app.readings.models import Reading
from app.vendors.models import Vendor

__all__ = ["DEMO_PASSWORD", "seed"]

SEED = 2026  # every random choice of the demo comes from Random(SEED): the same day gives the same city


def seed(session: Session) -> str:
    """Seeds the demo city unless it is there already; a one-line summary of what exists."""
    if session.exec(select(Department).where(Department.code == "DOT")).first() is not None:
        return "demo city already seeded"
    # A unit of work of its own that keeps its records loaded across commits, like the API's sessions: every
    # service commits, and reloading each record it returned would double the seed's queries.
    with Session(session.get_bind(), expire_on_commit=False) as work, one_hash_for_the_demo_password():
        _seed(work)
        return _summary(work)


def _seed(session: Session) -> None:
    fiscal_start_month = get_settings().fiscal_year_start_month
    rng = Random(SEED)
    cast = Cast(today=utcnow().date())
    founding.found_city(session, cast)  # first, so that the ids the README and the tests use never move
    city.cast_city(session, cast)
    planned = build.open_programmes(session, cast, PROGRAMMES, rng, fiscal_start_month)
    postings = readings.plan_postings(session, cast, planned, rng, fiscal_start_month)
    # Two phases, so that the latest month arrives as news: the history first (judged as of 40 days ago), then
    # what the city and its vendors did about it, then the latest month, which changes statuses today.
    history = [p for p in postings if not readings.in_latest_month(p, cast.today)]
    latest = [p for p in postings if readings.in_latest_month(p, cast.today)]
    readings.post(session, history, fiscal_start_month=fiscal_start_month)
    readings.judge_history(session, today=cast.today, fiscal_start_month=fiscal_start_month)
    activity.play(session, cast, planned, fiscal_start_month)
    readings.post(session, latest, fiscal_start_month=fiscal_start_month)
    readings.drain_queue(session, fiscal_start_month=fiscal_start_month)


def _count(session: Session, model: type[SQLModel], *where: object) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def _summary(session: Session) -> str:
    contracts = _count(session, Award, col(Award.kind) == "contract")
    grants = _count(session, Award, col(Award.kind) == "grant")
    open_alerts = _count(session, Alert, col(Alert.status) != AlertStatus.resolved)
    return (
        f"seeded the demo city: {_count(session, Department)} departments, {_count(session, User)} users, "
        f"{_count(session, ServiceAccount)} service accounts, {_count(session, Priority)} priorities, "
        f"{_count(session, Vendor)} vendors, {_count(session, Procurement)} procurements, {contracts} contracts and "
        f"{grants} grants with {_count(session, Metric)} metrics, {_count(session, Reading)} readings, "
        f"{open_alerts} open alerts, {_count(session, CorrectivePlan)} corrective plans, "
        f"{_count(session, ActionItem)} action items, {_count(session, Meeting)} meetings "
        f"(demo password: {DEMO_PASSWORD})"
    )
