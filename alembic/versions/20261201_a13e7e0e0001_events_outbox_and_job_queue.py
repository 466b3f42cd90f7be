"""events outbox, and procrastinate's job queue on PostgreSQL

Revision ID: a13e7e0e0001
Revises: 36358ae5dfe4
Create Date: 2026-12-01 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from procrastinate.schema import SchemaManager

import app.db
from alembic import op

revision: str = 'a13e7e0e0001'
down_revision: str | None = '36358ae5dfe4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'event',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('uid', sa.String(length=40), nullable=False),
        sa.Column('type', sa.String(length=60), nullable=False),
        sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('award_id', sa.Integer(), nullable=True),
        sa.Column('subject_type', sa.String(length=30), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        # The writing transaction's id: what orders the feed safely on PostgreSQL (see app/events/service.py).
        sa.Column(
            'tx',
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text::bigint)") if postgres else None,
            nullable=True,
        ),
        sa.Column('dispatched_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uid'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_undispatched', ['id'], unique=False,
                              postgresql_where=sa.text('dispatched_at IS NULL'),
                              sqlite_where=sa.text('dispatched_at IS NULL'))
        batch_op.create_index('ix_event_feed', ['tx', 'id'], unique=False)
        batch_op.create_index('ix_event_department_feed', ['department_id', 'tx', 'id'], unique=False)
    if postgres:
        # procrastinate's tables and functions (its own schema file, for the installed version).
        op.get_bind().exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
                   "procrastinate_workers CASCADE")
        op.execute("""
            DO $$ DECLARE r record; BEGIN
              FOR r IN SELECT oid::regprocedure AS f FROM pg_proc WHERE proname LIKE 'procrastinate%' LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE';
              END LOOP;
              FOR r IN SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate%' AND typtype IN ('e', 'c') LOOP
                EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE';
              END LOOP;
            END $$
        """)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_department_feed')
        batch_op.drop_index('ix_event_feed')
        batch_op.drop_index('ix_event_undispatched')
    op.drop_table('event')
