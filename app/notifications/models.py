"""Notifications tables: the inbox, the e-mail outbox, preferences, follows, and the logs that make
reminders and digests happen once.

Every piece of work a job does is a row here first (a pending e-mail, a digest run, a reminder log entry), so a
lost in-memory job queue (SQLite) loses nothing: the periodic round finds the rows again.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, choice, utcnow


class NotificationKind(StrEnum):
    """What a notification is about; each user chooses a delivery per kind (the unsubscribe link is per kind)."""

    alert = "alert"  # an alert assigned to you opened or was raised (unassigned: the department's contract managers)
    followed = "followed"  # something happened on a contract, grant, vendor or department you follow
    reminder_due = "reminder_due"  # a reading you own is due soon (before the reporting deadline)
    reminder_late = "reminder_late"  # a reading you own is past its reporting deadline
    escalation = "escalation"  # a reading on your contract is still missing after the late reminders
    digest = "digest"  # the weekly summary of the contracts and grants you manage
    integration = "integration"  # a webhook endpoint you registered kept failing and was disabled


class Delivery(StrEnum):
    immediately = "immediately"  # an e-mail per notification
    daily = "daily"  # collected into the daily digest e-mail
    weekly = "weekly"  # collected into the weekly digest e-mail (Mondays)
    never = "never"  # no e-mail (the in-app inbox still lists it)


class EmailStatus(StrEnum):
    pending = "pending"  # waiting to be sent (or to be retried after `next_attempt_at`)
    sending = "sending"  # claimed by a sender; reclaimed by a later round if it stays so (a crashed sender)
    sent = "sent"
    failed = "failed"  # gave up after the maximum number of attempts


class FollowTarget(StrEnum):
    contract = "contract"
    grant = "grant"
    vendor = "vendor"
    department = "department"


class ReminderKind(StrEnum):
    before = "before"  # the deadline is near and the reading is missing
    late = "late"  # the deadline passed; repeated every 7 days
    escalation = "escalation"  # to the contract manager after the late reminders


class DigestCadence(StrEnum):
    daily = "daily"
    weekly = "weekly"


class DigestRun(SQLModel, table=True):
    """One digest for one user and one period (e.g. `W2026-49`, `D2026-12-07`): a digest is built once."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("user_id", "period_key", name="uq_digest_run_user_period"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    period_key: str = Field(max_length=20)
    cadence: DigestCadence = Field(sa_type=choice(DigestCadence))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """One entry of a user's inbox. The same event never notifies the same user twice for the same kind."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("recipient_id", "event_id", "kind", name="uq_notification_recipient_event_kind"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at"),
        # The digest builder's work list: notifications waiting for a daily or weekly digest.
        Index("ix_notification_digest_pending", "recipient_id", "delivery", "digest_run_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    kind: NotificationKind = Field(sa_type=choice(NotificationKind))
    # The event that caused it (null for reminders and digests, which time causes). No foreign key: the
    # event log may be pruned while inboxes keep their history.
    event_id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer, "sqlite")))
    event_type: str | None = Field(default=None, max_length=60)
    subject_type: str | None = Field(default=None, max_length=30)
    subject_id: int | None = None
    award_id: int | None = Field(default=None, foreign_key="award.id", ondelete="CASCADE", index=True)
    department_id: int | None = None
    title: str = Field(max_length=300)
    body: str = Field(max_length=10_000)
    link: str | None = Field(default=None, max_length=500)
    # How it was to be delivered when it was made (the recipient's preference at that moment).
    delivery: Delivery = Field(sa_type=choice(Delivery))
    digest_run_id: int | None = Field(default=None, foreign_key="digest_run.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutgoingEmail(SQLModel, table=True):
    """An e-mail to send: rendered when it was queued, sent at most once in normal operation."""

    __tablename__ = "outgoing_email"
    __table_args__ = (Index("ix_outgoing_email_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    notification_id: int | None = Field(default=None, foreign_key="notification.id", ondelete="SET NULL", index=True)
    digest_run_id: int | None = Field(default=None, foreign_key="digest_run.id", ondelete="SET NULL", index=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str
    html_body: str
    unsubscribe_url: str | None = Field(default=None, max_length=1000)
    status: EmailStatus = Field(default=EmailStatus.pending, sa_type=choice(EmailStatus))
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one kind; a kind without a row uses the default (`DEFAULT_DELIVERY`)."""

    __tablename__ = "notification_preference"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    kind: NotificationKind = Field(sa_type=choice(NotificationKind), primary_key=True)
    delivery: Delivery = Field(sa_type=choice(Delivery))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Follow(SQLModel, table=True):
    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "target_kind", "target_id", name="uq_follow_user_target"),
        Index("ix_follow_target", "target_kind", "target_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    target_kind: FollowTarget = Field(sa_type=choice(FollowTarget))
    target_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReminderLog(SQLModel, table=True):
    """A reminder made for a metric's period: the unique key is what makes each reminder happen once."""

    __tablename__ = "reminder_log"
    __table_args__ = (
        UniqueConstraint("metric_id", "period_start", "kind", "sequence", name="uq_reminder_log_metric_period_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    metric_id: int = Field(foreign_key="metric.id", ondelete="CASCADE")
    period_start: date
    kind: ReminderKind = Field(sa_type=choice(ReminderKind))
    sequence: int = Field(default=1, description="1 for the first late reminder, 2 for the second, ...")
    recipient_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    sent_at: datetime = Field(sa_type=UTCDateTime)
