"""Notices that correct earlier ones: the kind of a notice, what it told of the due date, and
the notice a correction supersedes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("facts", sa.JSON, nullable=True))
        batch.add_column(sa.Column("supersedes_notice_id", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_notices_supersedes_notice_id", "notices", ["supersedes_notice_id"], ["notice_id"])
        batch.create_index("ix_notices_supersedes_notice_id", ["supersedes_notice_id"])


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_index("ix_notices_supersedes_notice_id")
        batch.drop_constraint("fk_notices_supersedes_notice_id", type_="foreignkey")
        for column in ("supersedes_notice_id", "facts", "kind"):
            batch.drop_column(column)
