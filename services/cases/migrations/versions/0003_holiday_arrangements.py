"""The hall's own working-day calendar: imported holiday arrangements and the record of the
deadlines they moved. Both tables are append-only (the database refuses UPDATE and DELETE).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db import BigId, drop_append_only, make_append_only

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = ("deadline_changes", "holiday_arrangements")


def upgrade() -> None:
    op.create_table(
        "holiday_arrangements",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False, unique=True),
        sa.Column("notice", sa.Text, nullable=False),
        sa.Column("test_fixture", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("imported_by", sa.String(40), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "deadline_changes",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("arrangement_id", BigId, sa.ForeignKey("holiday_arrangements.id"), nullable=True, index=True),
        sa.Column("old_promised_due", sa.Date, nullable=True),
        sa.Column("new_promised_due", sa.Date, nullable=True),
        sa.Column("old_statutory_due", sa.Date, nullable=True),
        sa.Column("new_statutory_due", sa.Date, nullable=True),
        sa.Column("old_due_provisional", sa.Boolean, nullable=False),
        sa.Column("new_due_provisional", sa.Boolean, nullable=False),
        sa.Column("task_changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    for table in APPEND_ONLY:
        make_append_only(op, table)


def downgrade() -> None:
    for table in APPEND_ONLY:  # deadline_changes first: it refers to holiday_arrangements
        drop_append_only(op, table)
        op.drop_table(table)
