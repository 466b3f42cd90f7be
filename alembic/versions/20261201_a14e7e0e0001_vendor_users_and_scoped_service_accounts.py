"""vendor users, scoped service accounts

Revision ID: a14e7e0e0001
Revises: a13e7e0e0003
Create Date: 2026-12-01 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "a14e7e0e0001"
down_revision: str | None = "a13e7e0e0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("vendor_id", sa.Integer(), nullable=True))
        batch.create_index("ix_app_user_vendor_id", ["vendor_id"])
        batch.create_foreign_key("fk_app_user_vendor_id_vendor", "vendor", ["vendor_id"], ["id"])
    with op.batch_alter_table("service_account") as batch:
        batch.add_column(sa.Column("department_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("vendor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("award_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch.create_index("ix_service_account_vendor_id", ["vendor_id"])
        batch.create_foreign_key("fk_service_account_vendor_id_vendor", "vendor", ["vendor_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("service_account") as batch:
        batch.drop_constraint("fk_service_account_vendor_id_vendor", type_="foreignkey")
        batch.drop_index("ix_service_account_vendor_id")
        batch.drop_column("award_ids")
        batch.drop_column("vendor_id")
        batch.drop_column("department_ids")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("fk_app_user_vendor_id_vendor", type_="foreignkey")
        batch.drop_index("ix_app_user_vendor_id")
        batch.drop_column("vendor_id")
