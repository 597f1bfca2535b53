"""Window throughput per day and the event tables.

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
        "window_daily_throughput",
        sa.Column("department_code", sa.String(20), primary_key=True),
        sa.Column("window_code", sa.String(20), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("cases_received", sa.BigInteger, nullable=False),
    )
    create_event_tables(op)


def downgrade() -> None:
    drop_event_tables(op)
    op.drop_table("window_daily_throughput")
