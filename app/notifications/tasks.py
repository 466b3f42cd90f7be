"""Notifications jobs (a procrastinate blueprint the shell adds to the job app under the namespace `notifications`).

Both only nudge work recorded in durable rows: `send` sends the pending e-mails, `reminders` makes the
reminders and digests that are due and then sends whatever is pending (so e-mails queued before a restart
that lost the in-memory queue still go out within a round).
"""

from __future__ import annotations

from procrastinate import Blueprint

from app.db import get_engine, utcnow
from app.notifications import service


def send() -> None:
    service.send_pending(get_engine(), utcnow())


def reminders(timestamp: int) -> None:
    service.run_round(get_engine(), utcnow())


def blueprint() -> Blueprint:
    """A fresh blueprint of these jobs (procrastinate renames a blueprint's tasks when an app adds it)."""
    jobs = Blueprint()
    jobs.task(name="send", lock="notifications.send")(send)
    reminders_task = jobs.task(name="reminders", queueing_lock="notifications.reminders", lock="notifications.send")
    jobs.periodic(cron="*/15 * * * *", periodic_id="reminders")(reminders_task(reminders))
    return jobs
