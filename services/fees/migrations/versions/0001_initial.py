"""Fee standards (versioned by effective date) and the event tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fee_standards",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("effective_from", sa.Date, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False, index=True),
        sa.Column("fee_type", sa.String(20), nullable=False),
        sa.Column("legal_basis", sa.String(400), nullable=False),
        sa.Column("fixed_amount_fen", sa.BigInteger, nullable=False),
        sa.Column("rate_basis_points", sa.Integer, nullable=False),
        sa.CheckConstraint("fee_type IN ('administrative', 'deed_tax')", name="ck_fee_type"),
        sa.CheckConstraint("fixed_amount_fen >= 0 AND rate_basis_points >= 0", name="ck_non_negative"),
    )
    create_event_tables(op)


def downgrade() -> None:
    drop_event_tables(op)
    op.drop_table("fee_standards")
