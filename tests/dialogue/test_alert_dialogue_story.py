"""The conversation about an off-track contract, start to finish: the manager asks the vendor why, with a reply-by
date; the vendor answers with a PDF; a second question goes unanswered and escalates; the vendor proposes a two-step
plan, the manager agrees, both steps get done, the plan completes and asks for a resolution, and the manager closes
the alert as partly resolved. A person of another vendor sees none of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app.db import utcnow
from app.dialogue.service import record_overdue_replies
from app.events.models import Event
from tests.dialogue.helpers import API, inbox, patch_item
from tests.evidence.files import pdf
from tests.support import Actor, assert_problem, created


def test_manager_and_vendor_work_an_alert_from_question_to_resolution(
    manager: Actor, vendor: Actor, other_vendor: Actor, alert: dict[str, Any], session: Session
) -> None:
    today = utcnow().date()
    alert_url = f"{API}/alerts/{alert['id']}"

    # The manager asks; the vendor's people are told.
    asked = manager.post(
        f"{alert_url}/questions",
        json={"question": "Why were only 60 % of outages fixed in time?", "reply_by": str(today + timedelta(days=7))},
    )
    question = created(asked)
    assert asked.json()["status"] == "open" and asked.json()["asked_by"] == f"user:{manager.user_id}"
    [told] = [n for n in inbox(vendor) if n["event_type"] == "alert.question_asked"]
    assert "Why were only 60 %" in told["body"] and str(today + timedelta(days=7)) in told["body"]

    # The vendor answers, with the crew roster as a PDF.
    answered = vendor.post(f"{API}/questions/{question}/answers", json={"text": "Two crews were out sick all month."})
    answer = created(answered)
    assert answered.json()["side"] == "vendor"
    roster = vendor.post(f"{API}/answers/{answer}/evidence", files={"file": ("roster.pdf", pdf(), "application/pdf")})
    assert roster.status_code == 201, roster.text
    assert roster.headers["Location"] == f"{API}/evidence/{roster.json()['id']}"
    [listed] = manager.get(f"{alert_url}/questions").json()["items"]
    assert listed["status"] == "answered" and listed["answered_at"] is not None
    [reply] = listed["answers"]
    assert reply["text"] == "Two crews were out sick all month."
    assert [e["filename"] for e in reply["evidence"]] == ["roster.pdf"]
    assert any(n["event_type"] == "alert.answered" for n in inbox(manager))

    # A second question is due today and nobody answers: tomorrow it is flagged, once, and escalates.
    late = created(
        manager.post(
            f"{alert_url}/questions", json={"question": "When is the backlog cleared?", "reply_by": str(today)}
        )
    )
    assert record_overdue_replies(session, today=today) == 0  # due today is not late yet
    assert record_overdue_replies(session, today=today + timedelta(days=1)) == 1
    session.commit()
    assert record_overdue_replies(session, today=today + timedelta(days=2)) == 0
    session.commit()
    overdue = [q for q in manager.get(f"{alert_url}/questions").json()["items"] if q["id"] == late]
    assert overdue[0]["overdue_since"] == str(today + timedelta(days=1)) and overdue[0]["escalated_at"]
    events = session.exec(select(Event).where(Event.type == "alert.reply_overdue")).all()
    assert [e.payload["question_id"] for e in events] == [late]
    assert [n["kind"] for n in inbox(manager) if n["event_type"] == "alert.reply_overdue"] == ["escalation"]

    # The vendor proposes a two-step plan: one step is theirs, one the city's.
    proposed = vendor.post(
        f"{alert_url}/plans",
        json={
            "title": "Clear the repair backlog",
            "description": "Add a night crew until the backlog is gone.",
            "steps": [
                {"title": "Start a night crew", "owner_user_id": vendor.user_id, "due_date": str(today)},
                {"title": "Approve overtime permits", "owner_user_id": manager.user_id, "due_date": str(today)},
            ],
        },
    )
    plan = created(proposed)
    assert proposed.headers["Location"] == f"{API}/plans/{plan}"
    body = proposed.json()
    assert (body["status"], body["proposed_side"], body["metric_id"]) == ("proposed", "vendor", alert["metric_id"])
    ours, theirs = body["steps"]
    assert (ours["owner_side"], ours["owner_name"], ours["plan_id"], ours["alert_id"]) == (
        "vendor",
        "Test vendor",
        plan,
        alert["id"],
    )
    assert theirs["owner_side"] == "city"
    assert_problem(vendor.post(f"{API}/plans/{plan}/agree"), 404)  # only the city agrees
    agreed = manager.post(f"{API}/plans/{plan}/agree", json={"note": "Agreed at the monthly meeting"})
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["status"] == "agreed" and agreed.json()["agreed_by"] == f"user:{manager.user_id}"

    # The steps get done: the vendor may close only their own, and change nothing but its status.
    assert_problem(patch_item(vendor, theirs["id"], {"status": "done"}), 403)
    moved = patch_item(vendor, ours["id"], {"status": "done", "due_date": str(today + timedelta(days=30))})
    assert "only the status" in assert_problem(moved, 403)["detail"]
    done = patch_item(vendor, ours["id"], {"status": "done"})
    assert done.status_code == 200, done.text
    assert done.json()["completed_at"] is not None
    assert manager.get(f"{API}/plans/{plan}").json()["status"] == "agreed"
    last = patch_item(manager, theirs["id"], {"status": "done"})
    assert last.status_code == 200, last.text

    completed = manager.get(f"{API}/plans/{plan}").json()
    assert completed["status"] == "completed"
    assert completed["completed_at"] == last.json()["completed_at"]  # the latest step's completion
    waiting = manager.get(alert_url).json()
    assert waiting["status"] == "open" and waiting["resolution_requested_at"] is not None
    assert any(n["event_type"] == "alert.resolution_requested" for n in inbox(manager))

    # The manager records how it ended.
    resolved = manager.post(
        f"{alert_url}/resolve", json={"note": "Backlog cleared, still short at night", "outcome": "partly_resolved"}
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["outcome"]) == ("resolved", "partly_resolved")
    final = manager.get(alert_url).json()
    story = [entry["event"] for entry in final["history"]]
    assert story == [
        "opened",
        "question_asked",
        "answered",
        "question_asked",
        "reply_overdue",
        "plan_proposed",
        "plan_agreed",
        "plan_completed",
        "resolution_requested",
        "resolved",
    ]
    assert final["history"][-1]["outcome"] == "partly_resolved"
    assert final["conversation"] | {"questions_url": None, "plans_url": None} == {
        "questions": 2,
        "open_questions": 1,
        "overdue_questions": 1,
        "answers": 1,
        "plans": 1,
        "open_plans": 0,
        "questions_url": None,
        "plans_url": None,
    }

    # The vendor sees the same story on their contract; another vendor sees nothing of it.
    seen = vendor.get(alert_url).json()
    assert [entry["event"] for entry in seen["history"]] == story
    for url in (
        alert_url,
        f"{alert_url}/questions",
        f"{API}/plans/{plan}",
        f"{API}/answers/{answer}/evidence",
        f"{API}/action-items/{ours['id']}",
    ):
        assert_problem(other_vendor.get(url), 404)
    assert_problem(other_vendor.post(f"{API}/questions/{question}/answers", json={"text": "Not ours"}), 404)
    assert_problem(
        other_vendor.post(f"{API}/answers/{answer}/evidence", files={"file": ("x.pdf", pdf(), "application/pdf")}), 404
    )
    assert other_vendor.get(f"{API}/plans").json()["items"] == []
    assert alert["id"] not in [a["id"] for a in other_vendor.get(f"{API}/alerts").json()["items"]]
