"""Value ranges of a standard's declared values (issue 8), and reduced_rates NOT NULL as the
model has it (0002 left the column nullable: autogenerate reported the drift).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fee_standards") as batch:
        batch.add_column(sa.Column("value_ranges", sa.JSON, nullable=True))
    # Versions made before have no ranges: every value the rule reads is taken as it comes.
    op.execute("UPDATE fee_standards SET value_ranges = '[]'")
    op.execute("UPDATE fee_standards SET reduced_rates = '[]' WHERE reduced_rates IS NULL")
    with op.batch_alter_table("fee_standards") as batch:
        batch.alter_column("value_ranges", existing_type=sa.JSON, nullable=False)
        batch.alter_column("reduced_rates", existing_type=sa.JSON, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("fee_standards") as batch:
        batch.alter_column("reduced_rates", existing_type=sa.JSON, nullable=True)
        batch.drop_column("value_ranges")
