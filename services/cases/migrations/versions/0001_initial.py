"""Catalog (departments, windows, service items), cases, case numbers, event tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db import BigId, create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "windows",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("department_code", sa.String(20), sa.ForeignKey("departments.code"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "service_items",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_code", sa.String(20), sa.ForeignKey("departments.code"), nullable=False),
        sa.Column("window_code", sa.String(20), sa.ForeignKey("windows.code"), nullable=False),
        sa.Column("case_kind", sa.String(20), nullable=False),
        sa.Column("statutory_days", sa.Integer, nullable=False),
        sa.Column("promised_days", sa.Integer, nullable=False),
        sa.CheckConstraint("promised_days <= statutory_days", name="ck_promised_within_statutory"),
        sa.CheckConstraint("case_kind IN ('instant', 'committed', 'joint')", name="ck_case_kind"),
    )
    op.create_table(
        "cases",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("case_number", sa.String(40), nullable=False, unique=True),
        sa.Column("query_code", sa.String(12), nullable=False),
        sa.Column("service_item_code", sa.String(40), sa.ForeignKey("service_items.code"), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False, index=True),
        sa.Column("window_code", sa.String(20), nullable=False),
        sa.Column("case_kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("applicant_name", sa.String(100), nullable=False),
        sa.Column("applicant_id_card_number", sa.String(18), nullable=False),
        sa.Column("applicant_phone", sa.String(20), nullable=False),
        sa.Column("applicant_email", sa.String(200), nullable=False),
        sa.Column("remarks", sa.Text, nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_number_sequences",
        sa.Column("prefix", sa.String(20), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("last_value", sa.Integer, nullable=False),
    )
    create_event_tables(op)


def downgrade() -> None:
    drop_event_tables(op)
    for table in ("case_number_sequences", "cases", "service_items", "windows", "departments"):
        op.drop_table(table)
