"""Fingerprint punches and the event tables.

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
        "punches",
        sa.Column("punch_id", sa.String(36), primary_key=True),
        sa.Column("staff_id", sa.String(40), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("window_code", sa.String(20), nullable=False),
        sa.Column("punched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
    )
    op.create_index("ix_punches_staff_day", "punches", ["staff_id", "day"])
    create_event_tables(op)


def downgrade() -> None:
    drop_event_tables(op)
    op.drop_index("ix_punches_staff_day", table_name="punches")
    op.drop_table("punches")
