"""metric status, transitions, alerts, meetings, action items

Revision ID: 379d3dd8a5d3
Revises: 226c5fd463d1
Create Date: 2026-11-24 22:55:56.136271
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.db
from alembic import op

revision: str = "379d3dd8a5d3"
down_revision: str | None = "226c5fd463d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_award_id"), ["award_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("performance", "overdue", "projected_miss", name="alertkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "severity", sa.Enum("low", "medium", "high", name="severity", native_enum=False, length=30), nullable=False
        ),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "acknowledged", "resolved", name="alertstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_assignee_status", ["assignee_id", "status", "severity_rank", "opened_at"], unique=False
        )
        batch_op.create_index("ix_alert_award_status", ["award_id", "status"], unique=False)
        batch_op.create_index(
            "uq_alert_open_metric_kind",
            ["metric_id", "kind"],
            unique=True,
            postgresql_where=sa.text("status <> 'resolved'"),
            sqlite_where=sa.text("status <> 'resolved'"),
        )

    op.create_table(
        "metric_status",
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column(
            "performance",
            sa.Enum("on_track", "at_risk", "off_track", "no_data", name="performance", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "freshness",
            sa.Enum("not_due", "current", "overdue", name="freshness", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("projected_miss", sa.Boolean(), nullable=False),
        sa.Column("latest_period_start", sa.Date(), nullable=True),
        sa.Column("latest_value", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("expected_value", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("evaluated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("metric_id"),
    )
    with op.batch_alter_table("metric_status", schema=None) as batch_op:
        batch_op.create_index("ix_metric_status_award_performance", ["award_id", "performance"], unique=False)

    op.create_table(
        "status_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("to_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("occurred_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("status_transition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_transition_award_id"), ["award_id"], unique=False)
        batch_op.create_index("ix_status_transition_metric_at", ["metric_id", "occurred_at"], unique=False)

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("owner_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "done", "cancelled", name="actionstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("metric_id", sa.Integer(), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("owner_side", sa.Enum("city", "vendor", name="side", native_enum=False, length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["metric_id"],
            ["metric.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_award_id"), ["award_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_metric_id"), ["metric_id"], unique=False)

    op.create_table(
        "alert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("from_severity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("to_severity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_event_alert_id"), ["alert_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_event_alert_id"))

    op.drop_table("alert_event")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_metric_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_award_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_alert_id"))

    op.drop_table("action_item")
    with op.batch_alter_table("status_transition", schema=None) as batch_op:
        batch_op.drop_index("ix_status_transition_metric_at")
        batch_op.drop_index(batch_op.f("ix_status_transition_award_id"))

    op.drop_table("status_transition")
    with op.batch_alter_table("metric_status", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_status_award_performance")

    op.drop_table("metric_status")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_alert_open_metric_kind",
            postgresql_where=sa.text("status <> 'resolved'"),
            sqlite_where=sa.text("status <> 'resolved'"),
        )
        batch_op.drop_index("ix_alert_award_status")
        batch_op.drop_index("ix_alert_assignee_status")

    op.drop_table("alert")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_award_id"))

    op.drop_table("meeting")
