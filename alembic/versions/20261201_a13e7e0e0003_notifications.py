"""notifications: inbox, e-mail outbox, preferences, follows, reminder log, digest runs; metric data owners

Revision ID: a13e7e0e0003
Revises: a13e7e0e0002
Create Date: 2026-12-01 01:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.db
from alembic import op

revision: str = "a13e7e0e0003"
down_revision: str | None = "a13e7e0e0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "cadence", sa.Enum("daily", "weekly", name="digestcadence", native_enum=False, length=30), nullable=False
        ),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "period_key", name="uq_digest_run_user_period"),
    )
    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "target_kind",
            sa.Enum("contract", "grant", "vendor", "department", name="followtarget", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "target_kind", "target_id", name="uq_follow_user_target"),
    )
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.create_index("ix_follow_target", ["target_kind", "target_id"], unique=False)

    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "alert",
                "followed",
                "reminder_due",
                "reminder_late",
                "escalation",
                "digest",
                name="notificationkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column(
            "delivery",
            sa.Enum("immediately", "daily", "weekly", "never", name="delivery", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "alert",
                "followed",
                "reminder_due",
                "reminder_late",
                "escalation",
                "digest",
                name="notificationkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("event_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("subject_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column(
            "delivery",
            sa.Enum("immediately", "daily", "weekly", "never", name="delivery", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("digest_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["digest_run_id"], ["digest_run.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recipient_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient_id", "event_id", "kind", name="uq_notification_recipient_event_kind"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_award_id"), ["award_id"], unique=False)
        batch_op.create_index(
            "ix_notification_digest_pending", ["recipient_id", "delivery", "digest_run_id"], unique=False
        )
        batch_op.create_index("ix_notification_recipient_created", ["recipient_id", "created_at"], unique=False)

    op.create_table(
        "outgoing_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("digest_run_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("text_body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("html_body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("unsubscribe_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sending", "sent", "failed", name="emailstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("next_attempt_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["digest_run_id"], ["digest_run.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["notification_id"], ["notification.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recipient_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outgoing_email", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outgoing_email_digest_run_id"), ["digest_run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_email_notification_id"), ["notification_id"], unique=False)
        batch_op.create_index("ix_outgoing_email_status_next", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("before", "late", "escalation", name="reminderkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("metric_id", "period_start", "kind", "sequence", name="uq_reminder_log_metric_period_kind"),
    )
    with op.batch_alter_table("metric", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_owner_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_metric_data_owner_id"), ["data_owner_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_metric_data_owner_id_app_user", "app_user", ["data_owner_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("metric", schema=None) as batch_op:
        batch_op.drop_constraint("fk_metric_data_owner_id_app_user", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_metric_data_owner_id"))
        batch_op.drop_column("data_owner_id")

    op.drop_table("reminder_log")
    with op.batch_alter_table("outgoing_email", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_email_status_next")
        batch_op.drop_index(batch_op.f("ix_outgoing_email_notification_id"))
        batch_op.drop_index(batch_op.f("ix_outgoing_email_digest_run_id"))

    op.drop_table("outgoing_email")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_recipient_created")
        batch_op.drop_index("ix_notification_digest_pending")
        batch_op.drop_index(batch_op.f("ix_notification_award_id"))

    op.drop_table("notification")
    op.drop_table("notification_preference")
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_target")

    op.drop_table("follow")
    op.drop_table("digest_run")
