"""Who may read a notice: the case's department and the query code's digest.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("department_code", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("query_code_sha256", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("query_code_sha256")
        batch.drop_column("department_code")
