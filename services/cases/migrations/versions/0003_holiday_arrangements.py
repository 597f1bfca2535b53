"""The hall's own working-day calendar: imported holiday arrangements and the record of the
deadlines they moved. Both tables are append-only (the database refuses UPDATE and DELETE).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db import BigId

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
        _make_append_only(table)


def _make_append_only(table: str) -> None:
    """As for case_transitions (0002): the record cannot be rewritten, the database refuses it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:  # deadline_changes first: it refers to holiday_arrangements
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_table(table)
