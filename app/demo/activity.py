"""What the city and its vendors have been doing about the alerts: questions and answers, corrective plans
(proposed, agreed, completed), action items (some done, some overdue), meetings (one held, one coming up), and
alerts closed with an outcome. Played between the two phases of readings, through the services the API calls,
each step by the person who would take it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from app.actions.models import ActionItem, ActionItemCreate, ActionItemUpdate, ActionStatus, Side
from app.actions.service import action_item_resource
from app.alerts import service as alerts
from app.alerts.models import Alert, AlertOutcome, AlertStatus
from app.alerts.rules import AlertKind
from app.auth.principal import Principal
from app.db import utcnow
from app.demo.build import PlannedMetric
from app.demo.seeding import Cast, person
from app.dialogue import service as dialogue
from app.dialogue.schemas import AnswerCreate, QuestionCreate
from app.kit.preconditions import etag
from app.meetings import service as meetings
from app.meetings.models import Attendee, Meeting, MeetingCreate
from app.plans import service as plans
from app.plans.schemas import PlanCreate, StepCreate
from app.records import crud

MORGAN, PAT = "manager.utilities@demo.city", "pat@clearwater.example"
TASHA, QUINN, MARIA = "tasha@cityfleet.example", "manager.health@demo.city", "maria@northsidehealth.example"
RILEY, DREW, DANA = "manager.safety@demo.city", "manager.streets@demo.city", "manager.hsd@demo.city"


def _id(record: Any) -> int:
    assert record.id is not None, "the service returned a stored record"
    return int(record.id)


class Stage:
    """The people, metrics and dates the scenes share, and the steps they take, each through its service."""

    def __init__(self, session: Session, cast: Cast, planned: list[PlannedMetric], fiscal_start_month: int) -> None:
        self.session, self.cast, self.fiscal_start_month = session, cast, fiscal_start_month
        self.metrics = {metric.spec.code: metric for metric in planned}

    def who(self, email: str) -> Principal:
        return person(self.session, self.cast.users[email])

    def days(self, offset: int) -> date:
        return self.cast.today + timedelta(days=offset)

    def alert(self, code: str, kind: AlertKind = AlertKind.performance) -> Alert:
        """The open alert the story of metric `code` has raised (a broken story fails the seed loudly)."""
        found = self.session.exec(
            select(Alert).where(
                Alert.metric_id == self.metrics[code].metric_id,
                Alert.kind == kind,
                Alert.status != AlertStatus.resolved,
            )
        ).first()
        if found is None:
            raise RuntimeError(f"the demo story of {code} should have opened a {kind.value} alert")
        return found

    def ask(self, email: str, alert: Alert, question: str, *, reply_in_days: int) -> int:
        data = QuestionCreate(question=question, reply_by=self.days(reply_in_days))
        return _id(dialogue.ask(self.session, principal=self.who(email), alert_id=_id(alert), data=data))

    def answer(self, email: str, question_id: int, text: str) -> None:
        dialogue.answer(self.session, principal=self.who(email), question_id=question_id, data=AnswerCreate(text=text))

    def propose(self, email: str, alert: Alert, title: str, steps: list[tuple[str, str, int]]) -> int:
        """A corrective plan; each step is (what, whose, due in days from today)."""
        data = PlanCreate(
            title=title,
            steps=[
                StepCreate(title=step, owner_user_id=self.cast.user_id(owner), due_date=self.days(due))
                for step, owner, due in steps
            ],
        )
        return _id(plans.propose(self.session, principal=self.who(email), alert_id=_id(alert), data=data))

    def agree(self, email: str, plan_id: int, note: str) -> None:
        plans.agree(self.session, principal=self.who(email), plan_id=plan_id, note=note, if_match=None)

    def meeting(self, email: str, code: str, held_on: date, title: str, attendees: list[Attendee]) -> Meeting:
        return meetings.create(
            self.session,
            principal=self.who(email),
            award=self.metrics[code].award,
            data=MeetingCreate(held_on=held_on, title=title, attendees=attendees),
            fiscal_start_month=self.fiscal_start_month,
        )

    def action_item(self, email: str, code: str, **fields: Any) -> ActionItem:
        data = ActionItemCreate(metric_id=self.metrics[code].metric_id, **fields)
        extra = {"award_id": self.metrics[code].award.id}
        item: ActionItem = crud.create_record(
            self.session, action_item_resource(), principal=self.who(email), data=data, extra=extra
        )
        return item

    def done(self, email: str, item: ActionItem, *, days_ago: int) -> None:
        """The owner marks the item done, saying when it was (work recorded after the fact)."""
        crud.update_record(
            self.session,
            action_item_resource(),
            principal=self.who(email),
            record_id=_id(item),
            patch=ActionItemUpdate(status=ActionStatus.done, completed_at=utcnow() - timedelta(days=days_ago)),
            if_match=etag(item),
        )


def play(session: Session, cast: Cast, planned: list[PlannedMetric], fiscal_start_month: int) -> None:
    stage = Stage(session, cast, planned, fiscal_start_month)
    _smart_meters(stage)
    _refuse_collection(stage)
    _health_workers(stage)
    _fire_fleet(stage)
    _contact_center(stage)
    _lead_filters(stage)
    _everyday_follow_ups(stage)


def _smart_meters(stage: Stage) -> None:
    """Meter installations slip: a review meeting was held, the vendor explained and proposed a second crew, the
    city agreed; one step of the plan is already overdue, and the next review is coming up."""
    attendees = [
        Attendee(name="Morgan Price", side=Side.city, role="contract manager"),
        Attendee(name="Pat Hughes", side=Side.vendor, role="operations lead, Clearwater Meter Services"),
        Attendee(name="Luis Ferreira", side=Side.city, role="customer billing supervisor"),
    ]
    review = stage.meeting(MORGAN, "METERS-INSTALLED", stage.days(-21), "Quarterly performance review", attendees)
    meetings.hold(
        stage.session,
        principal=stage.who(MORGAN),
        meeting_id=_id(review),
        minutes="Installations are behind plan for a third month: Clearwater lost two installers and a meter "
        "shipment arrived late. Agreed: Clearwater shares a catch-up schedule; the city publishes a meter-change "
        "FAQ so fewer appointments are missed.",
        if_match=None,
    )
    schedule = stage.action_item(
        MORGAN,
        "METERS-INSTALLED",
        title="Share the catch-up installation schedule",
        due_date=stage.days(-14),
        meeting_id=review.id,
        owner_user_id=stage.cast.user_id(PAT),
    )
    stage.done(PAT, schedule, days_ago=15)
    stage.action_item(
        MORGAN,
        "METERS-INSTALLED",
        title="Publish the meter-change FAQ on the city website",
        due_date=stage.days(-3),
        meeting_id=review.id,
        owner_user_id=stage.cast.user_id(MORGAN),
    )
    alert = stage.alert("METERS-INSTALLED")
    question = stage.ask(
        MORGAN,
        alert,
        "Installations are still below plan. When does the second crew start, and how many meters a month can we "
        "count on after that?",
        reply_in_days=7,
    )
    stage.answer(PAT, question, "The second crew starts next month: 2,600 meters a month until we are back on plan.")
    plan = stage.propose(
        PAT,
        alert,
        "Add a second installation crew",
        [
            ("Hire and train two more installers", PAT, 30),
            ("Send advance notices for the next three routes", MORGAN, -5),
        ],
    )
    stage.agree(MORGAN, plan, "Agreed at the quarterly review")
    stage.meeting(MORGAN, "METERS-INSTALLED", stage.days(12), "Monthly performance review", attendees)


def _refuse_collection(stage: Stage) -> None:
    """Missed collections climb: the hauler answered and proposed a plan the city has not agreed yet, and a
    second question waits for its reply."""
    alert = stage.alert("MISSED-PICKUPS")
    question = stage.ask(
        MORGAN, alert, "Missed collections have doubled since late summer. Which routes, and why?", reply_in_days=5
    )
    stage.answer(TASHA, question, "Driver vacancies on the Tuesday and Friday routes; we are training standby drivers.")
    stage.propose(
        TASHA,
        alert,
        "Cover open routes with standby drivers",
        [
            ("Train six standby drivers on the affected routes", TASHA, 21),
            ("Report missed collections by route every week", TASHA, 7),
        ],
    )
    stage.ask(MORGAN, alert, "Please send last month's missed-collection log, route by route.", reply_in_days=10)


def _health_workers(stage: Stage) -> None:
    """Home visits fell behind: the grantee proposed a plan, the city agreed, both sides did their part, and the
    manager closed the alert; the latest month (posted next) shows the visits back on plan."""
    alert = stage.alert("CHW-VISITS")
    question = stage.ask(
        QUINN, alert, "Home visits have been well below plan for months. How will you catch up?", reply_in_days=7
    )
    stage.answer(MARIA, question, "Two health workers were on leave. We hired replacements and added evening visits.")
    plan = stage.propose(
        MARIA,
        alert,
        "Restore the home-visit schedule",
        [("Hire two community health workers", MARIA, -30), ("Approve evening visit hours in the budget", QUINN, -20)],
    )
    stage.agree(QUINN, plan, "Evening hours approved")
    hire, budget = plans.steps_of(stage.session, [plan])[plan]
    stage.done(MARIA, hire, days_ago=25)
    stage.done(QUINN, budget, days_ago=18)  # the last step: the plan completes, the alert asks for an outcome
    alerts.resolve(
        stage.session,
        principal=stage.who(QUINN),
        alert=stage.alert("CHW-VISITS"),
        note="Both new health workers are visiting; visits are back on plan. Watching the next quarter.",
        outcome=AlertOutcome.resolved,
        if_match=None,
    )


def _fire_fleet(stage: Stage) -> None:
    """Repairs take longer and longer: the manager acknowledged the alert, asked, and recorded the vendor's answer
    given by phone (the vendor has no sign-in); the vendor owes a document."""
    alert = alerts.acknowledge(
        stage.session,
        principal=stage.who(RILEY),
        alert=stage.alert("REPAIR-DAYS"),
        note="Raised with Summit's service manager",
        if_match=None,
    )
    question = stage.ask(
        RILEY, alert, "Repairs take twice as long as agreed. Is it parts or staffing?", reply_in_days=7
    )
    stage.answer(RILEY, question, "By phone, Dale Morgan (Summit): pump parts are back-ordered until January.")
    stage.action_item(
        RILEY,
        "REPAIR-DAYS",
        title="Send the manufacturer's back-order confirmation",
        due_date=stage.days(5),
        alert_id=alert.id,
        owner_side=Side.vendor,
        owner_name="Dale Morgan, Summit Fleet Maintenance",
    )


def _contact_center(stage: Stage) -> None:
    """Abandoned 311 calls: the contact center added evening staff; the manager closed the alert as partly
    resolved before the latest month confirmed the improvement."""
    riley = stage.who(RILEY)
    alert = alerts.acknowledge(stage.session, principal=riley, alert=stage.alert("ABANDONED"), note=None, if_match=None)
    alerts.resolve(
        stage.session,
        principal=riley,
        alert=alert,
        note="Resonant added evening staff; fewer callers hang up, but not yet at the target.",
        outcome=AlertOutcome.partly_resolved,
        if_match=None,
    )


def _lead_filters(stage: Stage) -> None:
    """The lead-line grantee has never reported the filters it hands out: acknowledged, reports promised."""
    alerts.acknowledge(
        stage.session,
        principal=stage.who(MORGAN),
        alert=stage.alert("LSL-FILTERS", AlertKind.overdue),
        note="The Fund tracks filters on paper; monthly counts are promised from next month.",
        if_match=None,
    )


def _everyday_follow_ups(stage: Stage) -> None:
    """Ordinary follow-ups on other contracts: one done, one due soon, one overdue."""
    retiming = stage.action_item(
        DREW,
        "SIG-4H",
        title="Approve next year's corridor retiming plan",
        due_date=stage.days(-35),
        owner_user_id=stage.cast.user_id(DREW),
    )
    stage.done(DREW, retiming, days_ago=38)
    stage.action_item(
        DANA,
        "BEDS-OCCUPIED",
        title="Confirm the winter overflow beds with the operator",
        due_date=stage.days(10),
        owner_user_id=stage.cast.user_id(DANA),
    )
    stage.action_item(
        MORGAN,
        "RESTORED-SAME-DAY",
        title="Walk the street-restoration backlog with AquaWorks",
        due_date=stage.days(-9),
        owner_user_id=stage.cast.user_id(MORGAN),
    )
