"""user password_changed_at: tokens issued before a password change are refused

Revision ID: f8ffbd04cef3
Revises: 379d3dd8a5d3
Create Date: 2026-11-25 01:36:58.969454
"""

from collections.abc import Sequence

import sqlalchemy as sa

import app.db
from alembic import op

revision: str = "f8ffbd04cef3"
down_revision: str | None = "379d3dd8a5d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_changed_at", app.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
