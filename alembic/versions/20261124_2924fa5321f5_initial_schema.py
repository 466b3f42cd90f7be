"""initial schema

Revision ID: 2924fa5321f5
Revises:
Create Date: 2026-11-24 22:30:47.723687
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.db
from alembic import op

revision: str = "2924fa5321f5"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "procurement_officer",
                "contract_manager",
                "viewer",
                "integration",
                name="role",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_email"), ["email"], unique=True)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("actor_role", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_actor", ["actor"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_audit_log_occurred_at", ["occurred_at"], unique=False)

    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_code"), ["code"], unique=True)

    op.create_table(
        "priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "service_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_account_client_id"), ["client_id"], unique=True)

    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("failed_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_failure_key_at", ["key", "failed_at"], unique=False)

    op.create_table(
        "vendor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("legal_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "identifier_scheme",
            sa.Enum("ein", "uei", "duns", "vat", "other", name="identifierscheme", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("identifier", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("contact_phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identifier"),
    )
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendor_legal_name"), ["legal_name"], unique=False)

    op.create_table(
        "procurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "rfp",
                "rfq",
                "ifb",
                "sole_source",
                "cooperative",
                "grant_nofo",
                name="procurementmethod",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "planning",
                "open",
                "evaluation",
                "awarded",
                "cancelled",
                name="procurementstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("estimated_value", app.db.ExactDecimal(precision=18, scale=2), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("response_due_date", sa.Date(), nullable=True),
        sa.Column("expected_award_date", sa.Date(), nullable=True),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    with op.batch_alter_table("procurement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_procurement_department_id"), ["department_id"], unique=False)

    op.create_table(
        "user_department",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "department_id"),
    )
    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("procurement_id", sa.Integer(), nullable=True),
        sa.Column("value", app.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "active", "completed", "terminated", name="awardstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("contract_manager_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("contract", "grant", name="awardkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contract_manager_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "external_id", name="uq_award_kind_external_id"),
        sa.UniqueConstraint("kind", "number", name="uq_award_kind_number"),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_contract_manager_id"), ["contract_manager_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_award_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_award_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_award_procurement_id"), ["procurement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_award_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("procurement_id", sa.Integer(), nullable=True),
        sa.Column("source_goal_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(award_id IS NULL) <> (procurement_id IS NULL)", name="ck_goal_exactly_one_owner"),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["priority.id"],
        ),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_goal_id"],
            ["goal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("award_id", "source_goal_id", name="uq_goal_award_source"),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_award_id"), ["award_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_priority_id"), ["priority_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_procurement_id"), ["procurement_id"], unique=False)

    op.create_table(
        "metric",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("unit_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column(
            "direction",
            sa.Enum("increase", "decrease", "maintain_range", name="direction", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("baseline_value", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("target_value", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("range_min", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("range_max", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column(
            "cadence",
            sa.Enum("weekly", "monthly", "quarterly", "annual", name="cadence", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "indicator_type",
            sa.Enum("leading", "lagging", name="indicatortype", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("data_source", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column(
            "tolerance_mode",
            sa.Enum("percent", "absolute", name="tolerancemode", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("at_risk_tolerance", app.db.ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("off_track_tolerance", app.db.ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("valid_min", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("valid_max", app.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("escalate_after_periods", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("procurement_id", sa.Integer(), nullable=True),
        sa.Column("interim_targets", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["award.id"],
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goal.id"],
        ),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurement.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("award_id", "code", name="uq_metric_award_code"),
        sa.UniqueConstraint("procurement_id", "code", name="uq_metric_procurement_code"),
    )
    with op.batch_alter_table("metric", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_award_id"), ["award_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_metric_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_metric_procurement_id"), ["procurement_id"], unique=False)

    _create_audit_guard()


def downgrade() -> None:
    _drop_audit_guard()
    with op.batch_alter_table("metric", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_procurement_id"))
        batch_op.drop_index(batch_op.f("ix_metric_goal_id"))
        batch_op.drop_index(batch_op.f("ix_metric_award_id"))

    op.drop_table("metric")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_procurement_id"))
        batch_op.drop_index(batch_op.f("ix_goal_priority_id"))
        batch_op.drop_index(batch_op.f("ix_goal_award_id"))

    op.drop_table("goal")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_award_procurement_id"))
        batch_op.drop_index(batch_op.f("ix_award_kind"))
        batch_op.drop_index(batch_op.f("ix_award_department_id"))
        batch_op.drop_index(batch_op.f("ix_award_contract_manager_id"))

    op.drop_table("award")
    op.drop_table("user_department")
    with op.batch_alter_table("procurement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procurement_department_id"))

    op.drop_table("procurement")
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendor_legal_name"))

    op.drop_table("vendor")
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failure_key_at")

    op.drop_table("sign_in_failure")
    with op.batch_alter_table("service_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_account_client_id"))

    op.drop_table("service_account")
    op.drop_table("priority")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_code"))

    op.drop_table("department")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_occurred_at")
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index("ix_audit_log_actor")

    op.drop_table("audit_log")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_email"))

    op.drop_table("app_user")


def _create_audit_guard() -> None:
    """The audit log is append-only: the database itself refuses UPDATE and DELETE on it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def _drop_audit_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{event}")
