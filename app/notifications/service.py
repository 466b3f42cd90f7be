"""Notifications: the dispatcher's entry point, and the periodic round that reminders and digests hang on.

`fan_out` runs in the dispatcher's transaction and only writes rows (inbox entries, pending e-mails); the
e-mails go out afterwards, in the `notifications:send` job it asks for, or in the next periodic round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from app.config import get_settings
from app.db import begin_write
from app.events.models import Event
from app.jobs.queue import JobRequest
from app.notifications import outbox
from app.notifications.digests import send_digests
from app.notifications.inbox import deliver
from app.notifications.mailer import Mailer
from app.notifications.reminders import send_due_reminders
from app.notifications.routing import drafts_for

SEND = JobRequest("notifications:send", queueing_lock="notifications.send")


def fan_out(session: Session, events: Sequence[Event], now: datetime) -> list[JobRequest]:
    """Turns committed events into this package's durable work, in the dispatcher's transaction.

    Returns the jobs to nudge once that transaction has committed.
    """
    settings = get_settings()
    queued = deliver(session, settings, drafts_for(session, settings, events), now)
    return [SEND] if queued else []


@dataclass(frozen=True)
class RoundResult:
    reminders: int
    digests: int
    sent: int


def run_round(engine: Engine, now: datetime, *, mailer: Mailer | None = None) -> RoundResult:
    """The periodic round: reminders, then digests (one short transaction each), then every pending e-mail."""
    settings = get_settings()
    with Session(engine) as session:
        begin_write(session)
        reminders = send_due_reminders(session, settings, now)
        session.commit()
    with Session(engine) as session:
        begin_write(session)
        digests = send_digests(session, settings, now)
        session.commit()
    sent = outbox.send_pending(engine, settings, now, mailer=mailer)
    return RoundResult(reminders, digests, sent)


def send_pending(engine: Engine, now: datetime, *, mailer: Mailer | None = None) -> int:
    """Sends the e-mails due by `now` (the `notifications:send` job)."""
    return outbox.send_pending(engine, get_settings(), now, mailer=mailer)
