"""A question or an answer may run to 5,000 characters, longer than a line of the alert's history: it is kept
whole, and the history shows its start (found by the fuzzer once the demo city had questions to answer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.alerts.service import HISTORY_NOTE_LIMIT
from app.db import utcnow
from tests.dialogue.helpers import API
from tests.support import Actor, created


def test_a_long_question_and_a_long_answer_are_kept_whole(manager: Actor, vendor: Actor, alert: dict[str, Any]) -> None:
    reply_by = str(utcnow().date() + timedelta(days=7))
    question_text, answer_text = "Why? " * 1000, "Because. " * 555  # 5,000 and 4,995 characters

    question = created(
        manager.post(f"{API}/alerts/{alert['id']}/questions", json={"question": question_text, "reply_by": reply_by})
    )
    answered = vendor.post(f"{API}/questions/{question}/answers", json={"text": answer_text})

    assert answered.status_code == 201, answered.text
    [listed] = manager.get(f"{API}/alerts/{alert['id']}/questions").json()["items"]
    assert listed["question"] == question_text.strip() and listed["answers"][0]["text"] == answer_text.strip()
    history = manager.get(f"{API}/alerts/{alert['id']}").json()["history"]
    notes = [entry["note"] for entry in history if entry["event"] in ("question_asked", "answered")]
    assert len(notes) == 2 and all(len(note) == HISTORY_NOTE_LIMIT and note.endswith("…") for note in notes)
