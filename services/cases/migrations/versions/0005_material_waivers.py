"""Material waivers: a required material the chief representative of the case's department
waived for one case before acceptance, with who, when and why. Append-only (the database
refuses UPDATE and DELETE); one waiver per case and material.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from shared.db import BigId, drop_append_only, make_append_only

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material_waivers",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("material", sa.String(200), nullable=False),
        sa.Column("waived_by", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "material", name="uq_waiver_once"),
    )
    make_append_only(op, "material_waivers")


def downgrade() -> None:
    drop_append_only(op, "material_waivers")
    op.drop_table("material_waivers")
