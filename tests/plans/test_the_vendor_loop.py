"""The whole loop between the city and a vendor, as it happens on a street-light repair contract.

The city's ERP posts three months of outage repairs well below the 80 % the contract expects, and an alert opens.
The contract manager asks Metro Paving why, with a reply deadline; Metro Paving's operations lead answers with a
PDF of the crew roster. She proposes a two-step corrective plan (her night crew, the city's overtime approval), the
manager agrees it, both steps are done in month 3, and the following months recover. Because the two sides are
talking, the alert is not closed by the system when the numbers recover: it asks the manager, who records the
outcome. The plan's effectiveness is then exactly what is worked out by hand below. Safe Haven Housing, another
vendor, sees none of it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.roles import Role, Scope
from app.db import utcnow
from tests.auth.helpers import add_service_account, service_account_actor
from tests.events.test_outbox import settle
from tests.evidence.files import pdf
from tests.support import Actor, City, assert_problem, closed_months

API = "/api/v1"


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _erp_posts(erp: Actor, values: dict[str, str]) -> None:
    batch = {
        "readings": [
            {"contract_external_id": "PO-LIGHTS-01", "metric_code": "LIGHTS-72H", "period": p, "value": v}
            for p, v in values.items()
        ]
    }
    report = _ok(erp.post(f"{API}/readings/batch", json=batch))
    assert report["summary"]["created"] == len(values), report


def test_an_off_track_month_is_talked_through_fixed_by_an_agreed_plan_and_the_fix_is_measured(
    manager: Actor,
    streetlights: dict[str, int],
    city: City,
    make_actor: Any,
    session: Session,
    client: TestClient,
) -> None:
    metric, contract = streetlights["metric"], streetlights["contract"]
    months = closed_months(7)
    erp = service_account_actor(client, add_service_account(session, [Scope.readings_write.value], name="City ERP"))
    jordan = make_actor(Role.vendor, vendor_id=city.paving_vendor, email="jordan@metropaving.example")
    rita = make_actor(Role.vendor, vendor_id=city.housing_vendor, email="rita@safehaven.example")

    # 1. The ERP posts the first three months; the third is still far below 80 %: an alert opens.
    _erp_posts(erp, dict(zip(months[:3], ["64", "68", "72"], strict=True)))
    alerts = _ok(manager.get(f"{API}/alerts", params={"metric_id": metric, "kind": "performance"}))["items"]
    [alert] = alerts
    assert alert["status"] == "open"
    readings = _ok(manager.get(f"{API}/metrics/{metric}/readings"))["items"]
    assert {r["source"] for r in readings} == {"erp"}  # from the ERP's credential, not from anything it claimed

    # 2. The manager asks Metro Paving, with a week to reply; Jordan sees the question on her own alert.
    reply_by = (utcnow().date() + timedelta(days=7)).isoformat()
    question = _ok(
        manager.post(
            f"{API}/alerts/{alert['id']}/questions",
            json={"question": "Repairs within 72 h fell to 64 %. What happened?", "reply_by": reply_by},
        )
    )
    assert [q["id"] for q in _ok(jordan.get(f"{API}/alerts/{alert['id']}/questions"))["items"]] == [question["id"]]

    # 3. She answers, with the crew roster as a PDF.
    answer = _ok(
        jordan.post(
            f"{API}/questions/{question['id']}/answers",
            json={"text": "Two of our three night crews left in the spring; the roster is attached."},
        )
    )
    assert answer["side"] == "vendor"
    roster = pdf()
    attached = _ok(
        jordan.post(
            f"{API}/answers/{answer['id']}/evidence", files={"file": ("crew roster.pdf", roster, "application/pdf")}
        )
    )
    assert attached["content_type"] == "application/pdf"
    download = manager.get(f"{API}/evidence/{attached['id']}/content")
    assert download.status_code == 200 and download.content == roster

    # 4. She proposes a two-step plan; the manager agrees it.
    plan = _ok(
        jordan.post(
            f"{API}/alerts/{alert['id']}/plans",
            json={
                "title": "Restore the night crews",
                "steps": [
                    {
                        "title": "Hire and train a third night crew",
                        "owner_user_id": jordan.user_id,
                        "due_date": reply_by,
                    },
                    {
                        "title": "Approve overtime for the interim",
                        "owner_user_id": manager.user_id,
                        "due_date": reply_by,
                    },
                ],
            },
        )
    )
    assert (plan["status"], plan["proposed_side"], plan["metric_id"]) == ("proposed", "vendor", metric)
    assert_problem(jordan.post(f"{API}/plans/{plan['id']}/agree", json={}), 404)  # only the city agrees
    assert (
        _ok(manager.post(f"{API}/plans/{plan['id']}/agree", json={"note": "Agreed at the monthly review"}))["status"]
        == "agreed"
    )

    # 5. Both steps were done in month 3 (recorded as such); the plan completes and asks for a resolution.
    done_at = f"{months[3]}-15T12:00:00Z"
    crew_step, overtime_step = plan["steps"]
    for owner, step in ((jordan, crew_step), (manager, overtime_step)):
        _ok(owner.update(f"{API}/action-items/{step['id']}", {"status": "done", "completed_at": done_at}))
    completed = _ok(manager.get(f"{API}/plans/{plan['id']}"))
    assert completed["status"] == "completed"
    assert completed["completed_at"].startswith(f"{months[3]}-15")
    assert _ok(manager.get(f"{API}/alerts/{alert['id']}"))["resolution_requested_at"] is not None

    # 6. The next months recover. The system does not close an alert the two sides are working on.
    _erp_posts(erp, dict(zip(months[3:], ["74", "76", "78", "80"], strict=True)))
    recovered = _ok(manager.get(f"{API}/alerts/{alert['id']}"))
    assert recovered["status"] != "resolved"

    # 7. The manager records the outcome; the vendor cannot close alerts at all.
    assert_problem(jordan.post(f"{API}/alerts/{alert['id']}/resolve", json={"note": "Fixed"}), 404)
    resolved = _ok(
        manager.post(
            f"{API}/alerts/{alert['id']}/resolve",
            json={"note": "Night crews back; three months at or near 80 %", "outcome": "resolved"},
        )
    )
    assert (resolved["status"], resolved["outcome"]) == ("resolved", "resolved")

    # 8. Effectiveness, by hand: shortfall = (80 - value) / 80 in percent; month 3 (the month of the fix) counts
    #    on neither side; k = min(3 before, 3 after, 6) = 3.
    #    before m0..m2: 64, 68, 72 -> 20, 15, 10 % -> mean 15 %; trend +4 a month
    #    after  m4..m6: 76, 78, 80 ->  5, 2.5, 0 % -> mean 2.5 %; trend +2 a month
    before = (Decimal(20) + Decimal(15) + Decimal(10)) / 3
    after = (Decimal(5) + Decimal("2.5") + Decimal(0)) / 3
    result = _ok(manager.get(f"{API}/plans/{plan['id']}/effectiveness"))
    assert (result["verdict"], result["periods_used"]) == ("improved", 3)
    assert Decimal(result["before"]["shortfall_percent"]) == before
    assert Decimal(result["after"]["shortfall_percent"]) == after
    assert (Decimal(result["before"]["trend_per_period"]), Decimal(result["after"]["trend_per_period"])) == (4, 2)
    assert result["summary"] == (
        f"after Restore the night crews ({months[3]}), shortfall fell from 15 % to 2.5 % over 3 months"
    )
    assert _ok(jordan.get(f"{API}/plans/{plan['id']}/effectiveness"))["verdict"] == "improved"  # hers too

    # 9. The conversation is on the record: in the alert's history and in the events feed.
    history = [entry["event"] for entry in _ok(manager.get(f"{API}/alerts/{alert['id']}"))["history"]]
    assert history[0] == "opened" and history[-1] == "resolved"
    assert "resolution_requested" in history
    settle()
    feed = _ok(manager.get(f"{API}/events", params={"award_id": contract, "limit": 200}))["items"]
    types = [event["type"] for event in feed]
    for expected in (
        "alert.question_asked",
        "alert.answered",
        "plan.proposed",
        "plan.agreed",
        "plan.completed",
        "alert.resolution_requested",
        "alert.resolved",
    ):
        assert expected in types, (expected, types)

    # 10. Safe Haven's people see none of it.
    for url in (
        f"{API}/alerts/{alert['id']}",
        f"{API}/alerts/{alert['id']}/questions",
        f"{API}/plans/{plan['id']}",
        f"{API}/evidence/{attached['id']}",
        f"{API}/evidence/{attached['id']}/content",
        f"{API}/answers/{answer['id']}/evidence",
        f"{API}/plans/{plan['id']}/effectiveness",
        f"{API}/readings/{readings[0]['id']}",
    ):
        assert_problem(rita.get(url), 404)
