"""alert dialogue, corrective action plans, action item owners

Revision ID: a14e7e0e0003
Revises: a14e7e0e0002
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.db
from alembic import op

revision: str = "a14e7e0e0003"
down_revision: str | None = "a14e7e0e0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _side() -> sa.Enum:
    return sa.Enum("city", "vendor", name="side", native_enum=False, length=30)


def _outcome() -> sa.Enum:
    return sa.Enum("resolved", "partly_resolved", "not_resolved", name="alertoutcome", native_enum=False, length=30)


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "corrective_plan",
        *_stamps(),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("metric_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "agreed",
                "rejected",
                "completed",
                "cancelled",
                name="planstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("proposed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("proposed_side", _side(), nullable=False),
        sa.Column("agreed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("agreed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("completed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"]),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"]),
        sa.ForeignKeyConstraint(["metric_id"], ["metric.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("corrective_plan") as batch:
        batch.create_index("ix_corrective_plan_alert_id", ["alert_id"], unique=False)
        batch.create_index("ix_corrective_plan_award_id", ["award_id"], unique=False)
        batch.create_index("ix_corrective_plan_metric_id", ["metric_id"], unique=False)

    op.create_table(
        "alert_question",
        *_stamps(),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("reply_by", sa.Date(), nullable=False),
        sa.Column("asked_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "answered", "withdrawn", name="questionstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("answered_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.Column("escalated_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_question") as batch:
        batch.create_index("ix_alert_question_alert_id", ["alert_id"], unique=False)
        batch.create_index("ix_alert_question_award_id", ["award_id"], unique=False)

    op.create_table(
        "alert_answer",
        *_stamps(),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("side", _side(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["alert_question.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_answer") as batch:
        batch.create_index("ix_alert_answer_question_id", ["question_id"], unique=False)

    with op.batch_alter_table("action_item") as batch:
        batch.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("completed_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch.create_index("ix_action_item_plan_id", ["plan_id"], unique=False)
        batch.create_foreign_key("fk_action_item_owner_user_id_app_user", "app_user", ["owner_user_id"], ["id"])
        batch.create_foreign_key("fk_action_item_plan_id_corrective_plan", "corrective_plan", ["plan_id"], ["id"])

    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("outcome", _outcome(), nullable=True))
        batch.add_column(sa.Column("resolution_requested_at", app.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("alert_event") as batch:
        batch.add_column(sa.Column("outcome", _outcome(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_event") as batch:
        batch.drop_column("outcome")
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("resolution_requested_at")
        batch.drop_column("outcome")
    with op.batch_alter_table("action_item") as batch:
        batch.drop_constraint("fk_action_item_plan_id_corrective_plan", type_="foreignkey")
        batch.drop_constraint("fk_action_item_owner_user_id_app_user", type_="foreignkey")
        batch.drop_index("ix_action_item_plan_id")
        batch.drop_column("plan_id")
        batch.drop_column("completed_at")
        batch.drop_column("owner_user_id")
    with op.batch_alter_table("alert_answer") as batch:
        batch.drop_index("ix_alert_answer_question_id")
    op.drop_table("alert_answer")
    with op.batch_alter_table("alert_question") as batch:
        batch.drop_index("ix_alert_question_award_id")
        batch.drop_index("ix_alert_question_alert_id")
    op.drop_table("alert_question")
    with op.batch_alter_table("corrective_plan") as batch:
        batch.drop_index("ix_corrective_plan_metric_id")
        batch.drop_index("ix_corrective_plan_award_id")
        batch.drop_index("ix_corrective_plan_alert_id")
    op.drop_table("corrective_plan")
