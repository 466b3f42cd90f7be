"""Sending the queued e-mails: claim in a short transaction, send with no transaction open, record the result.

At most once per row in normal operation: a row is claimed (`pending` → `sending`) before the send and marked
`sent` right after; only a sender that dies between the two leaves a row `sending`, and a later round retries
it after `RECLAIM_AFTER` (the one case where a message may go out twice). No write transaction is held while
talking to the SMTP server, so SQLite's single writer is never blocked on the network.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import begin_write
from app.notifications.mailer import Mailer, compose, mailer_for
from app.notifications.models import EmailStatus, OutgoingEmail

log = logging.getLogger("app.notifications")

MAX_ATTEMPTS = 5
RECLAIM_AFTER = timedelta(minutes=15)
BATCH = 100
_table = OutgoingEmail.__table__  # type: ignore[attr-defined]


def backoff(attempts: int) -> timedelta:
    """2, 4, 8, 16 minutes between attempts (a mail server down for half an hour loses nothing)."""
    return timedelta(minutes=2**attempts)


def send_pending(engine: Engine, settings: Settings, now: datetime, *, mailer: Mailer | None = None) -> int:
    """Sends every e-mail due by `now`, batch by batch; the number sent."""
    mailer = mailer or mailer_for(settings)
    if mailer is None:
        return 0  # e-mail is off: the rows wait (nothing is queued while it stays off)
    sent = 0
    while True:
        claimed = _claim(engine, now)
        if not claimed:
            return sent
        for email in claimed:
            sent += _send_one(engine, settings, mailer, email, now)


def _claim(engine: Engine, now: datetime) -> list[OutgoingEmail]:
    with Session(engine, expire_on_commit=False) as session:
        begin_write(session)
        session.connection().execute(
            update(_table)
            .where(_table.c.status == EmailStatus.sending.value, _table.c.claimed_at < now - RECLAIM_AFTER)
            .values(status=EmailStatus.pending.value)
        )
        statement = (
            select(OutgoingEmail)
            .where(OutgoingEmail.status == EmailStatus.pending, col(OutgoingEmail.next_attempt_at) <= now)
            .order_by(col(OutgoingEmail.id))
            .limit(BATCH)
        )
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        rows = list(session.exec(statement).all())
        if rows:
            session.connection().execute(
                update(_table)
                .where(_table.c.id.in_([r.id for r in rows]))
                .values(status=EmailStatus.sending.value, claimed_at=now)
            )
        session.commit()
        return rows


def _send_one(engine: Engine, settings: Settings, mailer: Mailer, email: OutgoingEmail, now: datetime) -> int:
    message = compose(
        settings,
        to=email.to_address,
        subject=email.subject,
        text=email.text_body,
        html=email.html_body,
        unsubscribe_url=email.unsubscribe_url,
    )
    error: str | None = None
    try:
        mailer.send(message, name=f"{now:%Y%m%dT%H%M%S}-{email.id}")
    except Exception as failure:  # any failure of the mail server or the network: retried later
        error = f"{type(failure).__name__}: {failure}"[:2000]
        log.warning("e-mail %s to %s failed (attempt %d): %s", email.id, email.to_address, email.attempts + 1, error)
    attempts = email.attempts + 1
    if error is None:
        values = {"status": EmailStatus.sent.value, "sent_at": now, "attempts": attempts, "last_error": None}
    else:
        values = {
            "status": (EmailStatus.failed if attempts >= MAX_ATTEMPTS else EmailStatus.pending).value,
            "attempts": attempts,
            "last_error": error,
            "next_attempt_at": now + backoff(attempts),
        }
    with Session(engine) as session:
        begin_write(session)
        session.connection().execute(update(_table).where(_table.c.id == email.id).values(**values))
        session.commit()
    return 1 if error is None else 0
