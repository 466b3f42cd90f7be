"""provisional readings, meetings held with minutes (action effectiveness is computed, not stored)

Revision ID: a14e7e0e0004
Revises: a14e7e0e0003
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import app.db
from alembic import op

revision: str = "a14e7e0e0004"
down_revision: str | None = "a14e7e0e0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing readings were all sent as final figures.
    for table in ("reading", "reading_revision"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("held_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("minutes", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("minutes")
        batch.drop_column("held_at")
    for table in ("reading_revision", "reading"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("provisional")
