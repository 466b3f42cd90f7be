"""Webhooks jobs (a procrastinate blueprint the shell adds to the job app under the namespace `webhooks`).

Both are nudges: `deliver` re-reads its delivery row and does nothing unless it is due, and `resume` finds every
due delivery again each minute, so jobs lost with a process (SQLite's queue is in memory) lose no work.
"""

from __future__ import annotations

from procrastinate import Blueprint

from app.db import get_engine
from app.webhooks import service


def deliver(delivery_id: int) -> None:
    service.deliver(delivery_id)


def resume(timestamp: int) -> None:
    service.resume_round(get_engine())


def blueprint() -> Blueprint:
    """A fresh blueprint of these jobs (procrastinate renames a blueprint's tasks when an app adds it)."""
    jobs = Blueprint()
    jobs.task(name="deliver")(deliver)
    jobs.periodic(cron="* * * * *", periodic_id="resume")(
        jobs.task(name="resume", queueing_lock="webhooks.resume")(resume)
    )
    return jobs
