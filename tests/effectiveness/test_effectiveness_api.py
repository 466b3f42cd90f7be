"""Did the night crew work? The street-light contract fell short for three months, the manager and the vendor
agreed a plan, its step was done in the fourth month, and the three months after recovered. The effectiveness
of the plan is worked out here by hand and must match what the API says, on the plan, its step, its alert, the
contract, the vendor and the department, each within the caller's reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from app.actions.models import ActionItem
from app.auth.roles import Role
from app.db import utcnow
from app.periods import Cadence, parse
from app.plans.models import CorrectivePlan
from tests.support import Actor, City, assert_problem, closed_months, created

API = "/api/v1"


def _post(actor: Actor, metric: int, values: dict[str, str]) -> None:
    response = actor.post(
        f"{API}/readings/batch",
        json={"readings": [{"metric_id": metric, "period": p, "value": v} for p, v in values.items()]},
    )
    assert response.status_code == 200, response.text


def _get(actor: Actor, url: str) -> dict[str, Any]:
    response = actor.get(url)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def night_crew(manager: Actor, streetlights: dict[str, int], session: Session) -> dict[str, Any]:
    """Seven closed months m0..m6: 64, 68, 72 before the plan; its step done mid-m3; 76, 78, 80 after. The metric
    expects 80 every month (baseline and target are both 80)."""
    metric, award = streetlights["metric"], streetlights["contract"]
    months = closed_months(7)
    _post(manager, metric, dict(zip(months[:3], ["64", "68", "72"], strict=True)))
    [alert] = [a for a in _get(manager, f"{API}/alerts?metric_id={metric}")["items"] if a["kind"] == "performance"]
    plan = manager.post(
        f"{API}/alerts/{alert['id']}/plans",
        json={
            "title": "Night crew",
            "steps": [
                {
                    "title": "Hire a night crew",
                    "owner_user_id": manager.user_id,
                    "due_date": utcnow().date().isoformat(),
                }
            ],
        },
    )
    assert plan.status_code == 201, plan.text
    plan_id, step = plan.json()["id"], plan.json()["steps"][0]["id"]
    waiting = created(manager.post(f"{API}/alerts/{alert['id']}/plans", json={"title": "Second shift"}))
    assert manager.post(f"{API}/plans/{plan_id}/agree").status_code == 200
    assert manager.update(f"{API}/action-items/{step}", {"status": "done"}).status_code == 200
    assert _get(manager, f"{API}/plans/{plan_id}")["status"] == "completed"
    # A stand-alone action item on the same metric, done today: nothing after it to judge yet.
    today_item = created(
        manager.post(
            f"{API}/contracts/{award}/action-items",
            json={
                "title": "Re-route the day crew",
                "owner_user_id": manager.user_id,
                "due_date": utcnow().date().isoformat(),
                "metric_id": metric,
                "alert_id": alert["id"],
            },
        )
    )
    assert manager.update(f"{API}/action-items/{today_item}", {"status": "done"}).status_code == 200
    _post(manager, metric, dict(zip(months[3:], ["74", "76", "78", "80"], strict=True)))
    # The step was really done in the middle of m3 (the test cannot wait months for the data after it).
    m3 = parse(months[3], Cadence.monthly)
    mid_m3 = datetime(m3.start.year, m3.start.month, 15, 12, tzinfo=UTC)
    session.execute(update(CorrectivePlan).where(col(CorrectivePlan.id) == plan_id).values(completed_at=mid_m3))
    session.execute(update(ActionItem).where(col(ActionItem.id) == step).values(completed_at=mid_m3))
    session.commit()
    return {
        "metric": metric,
        "award": award,
        "alert": alert["id"],
        "plan": plan_id,
        "step": step,
        "waiting": waiting,
        "today_item": today_item,
        "months": months,
    }


def test_the_plans_effectiveness_matches_the_figures_worked_out_by_hand(
    manager: Actor, night_crew: dict[str, Any]
) -> None:
    months = night_crew["months"]
    # By hand: shortfall = (80 - value) / 80, in percent.
    #   before (m0, m1, m2): 64, 68, 72 -> 20, 15, 10 -> mean 15;   trend +4 a month
    #   after  (m4, m5, m6): 76, 78, 80 ->  5, 2.5, 0 -> mean 2.5;  trend +2 a month
    #   m3 (74) is the month the step was done: on neither side. k = min(3, 3, 6) = 3.
    before = (Decimal(20) + Decimal(15) + Decimal(10)) / 3
    after = (Decimal(5) + Decimal("2.5") + Decimal(0)) / 3

    result = _get(manager, f"{API}/plans/{night_crew['plan']}/effectiveness")

    assert (result["subject_type"], result["subject_id"], result["title"]) == ("plan", night_crew["plan"], "Night crew")
    assert (result["metric_id"], result["metric_code"], result["unit"]) == (
        night_crew["metric"],
        "LIGHTS-72H",
        "percent",
    )
    assert result["completed_period"] == months[3]
    assert (result["verdict"], result["periods_used"], result["periods_before"], result["periods_after"]) == (
        "improved",
        3,
        3,
        3,
    )
    assert result["before"] == {"periods": months[0:3], "shortfall_percent": f"{before:f}", "trend_per_period": "4"}
    assert result["after"] == {"periods": months[4:7], "shortfall_percent": f"{after:f}", "trend_per_period": "2"}
    assert Decimal(result["shortfall_change"]) == after - before == Decimal("-12.5")
    assert result["summary"] == f"after Night crew ({months[3]}), shortfall fell from 15 % to 2.5 % over 3 months"

    step = _get(manager, f"{API}/action-items/{night_crew['step']}/effectiveness")
    assert (step["subject_type"], step["plan_id"], step["verdict"]) == ("action_item", night_crew["plan"], "improved")
    assert step["summary"] == f"after Hire a night crew ({months[3]}), shortfall fell from 15 % to 2.5 % over 3 months"


def test_work_without_data_after_it_or_not_done_yet_says_so_rather_than_guessing(
    manager: Actor, night_crew: dict[str, Any]
) -> None:
    today = _get(manager, f"{API}/action-items/{night_crew['today_item']}/effectiveness")
    assert (today["verdict"], today["periods_used"], today["before"], today["after"]) == ("too_early", 0, None, None)
    assert today["summary"] == "too early to tell: 0 months of data after completion"

    waiting = _get(manager, f"{API}/plans/{night_crew['waiting']}/effectiveness")
    assert (waiting["verdict"], waiting["completed_at"]) == ("not_applicable", None)
    assert waiting["summary"] == "the plan is not completed yet: nothing to compare"


def test_the_alert_the_contract_the_vendor_and_the_department_roll_it_up(
    manager: Actor, city: City, night_crew: dict[str, Any]
) -> None:
    expected = "1 of 1 plan improved its metric; 0 of 1 action item improved its metric (1 not enough data yet)"
    for url in (
        f"{API}/alerts/{night_crew['alert']}/effectiveness",
        f"{API}/contracts/{night_crew['award']}/effectiveness",
        f"{API}/vendors/{city.paving_vendor}/effectiveness",
        f"{API}/departments/{city.transportation}/effectiveness",
    ):
        report = _get(manager, url)
        assert report["summary"] == expected, url
        assert report["plans"] == {"total": 1, "improved": 1, "unchanged": 0, "worsened": 0, "not_yet_known": 0}
        # The plan's step counts with its plan; the plan still waiting for agreement is not completed work.
        assert [(i["subject_type"], i["subject_id"]) for i in report["items"]] == [
            ("plan", night_crew["plan"]),
            ("action_item", night_crew["today_item"]),
        ]
    other = _get(manager, f"{API}/vendors/{city.housing_vendor}/effectiveness")
    assert (other["plans"]["total"], other["items"]) == (0, [])
    assert (
        other["summary"]
        == "no completed plans linked to a metric yet; no completed action items linked to a metric yet"
    )


def test_each_caller_sees_effectiveness_only_within_their_reach(
    make_actor: Any, city: City, night_crew: dict[str, Any]
) -> None:
    paving = make_actor(Role.vendor, vendor_id=city.paving_vendor)
    housing = make_actor(Role.vendor, vendor_id=city.housing_vendor)
    outsider = make_actor(Role.contract_manager, (city.human_services,))
    own = [
        f"{API}/plans/{night_crew['plan']}/effectiveness",
        f"{API}/action-items/{night_crew['step']}/effectiveness",
        f"{API}/alerts/{night_crew['alert']}/effectiveness",
        f"{API}/contracts/{night_crew['award']}/effectiveness",
    ]

    for url in [*own, f"{API}/vendors/{city.paving_vendor}/effectiveness"]:
        assert paving.get(url).status_code == 200, url  # the vendor's own work: the same figures the city sees
    assert _get(paving, own[0])["verdict"] == "improved"
    for url in [
        f"{API}/vendors/{city.housing_vendor}/effectiveness",
        f"{API}/departments/{city.transportation}/effectiveness",  # a department spans other vendors' work
    ]:
        assert_problem(paving.get(url), 404)
    for url in [*own, f"{API}/vendors/{city.paving_vendor}/effectiveness"]:
        assert_problem(housing.get(url), 404)
    for url in [*own, f"{API}/departments/{city.transportation}/effectiveness"]:
        assert_problem(outsider.get(url), 404)
    # A manager of another department may ask about a vendor: only their own department's part of it shows.
    assert _get(outsider, f"{API}/vendors/{city.paving_vendor}/effectiveness")["items"] == []
    assert_problem(outsider.get(f"{API}/departments/999999/effectiveness"), 404)
    assert_problem(paving.get(f"{API}/plans/999999/effectiveness"), 404)


def test_a_plan_completed_just_before_the_month_ended_has_no_month_after_it_yet(
    manager: Actor, night_crew: dict[str, Any], session: Session
) -> None:
    last_closed = parse(night_crew["months"][-1], Cadence.monthly)
    late = datetime.combine(last_closed.end, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
    session.execute(
        update(CorrectivePlan).where(col(CorrectivePlan.id) == night_crew["plan"]).values(completed_at=late)
    )
    session.commit()

    result = _get(manager, f"{API}/plans/{night_crew['plan']}/effectiveness")
    assert (result["completed_period"], result["verdict"], result["periods_before"]) == (
        night_crew["months"][-1],
        "too_early",
        6,
    )
