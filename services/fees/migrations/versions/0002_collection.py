"""Fee rules (fixed, per unit, rate with bounds and reduced rates), cases with fees, payment
notices, payments, receipts (gapless yearly numbers), refunds, cashier days, audit.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import BigId

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", BigId, primary_key=True, autoincrement=True)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("fee_standards") as batch:
        batch.add_column(sa.Column("rule", sa.String(10), nullable=False, server_default="fixed"))
        batch.add_column(sa.Column("unit_price_fen", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("quantity_value", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("base_value", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("minimum_fen", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("maximum_fen", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("reduced_rates", sa.JSON, nullable=True))
        batch.create_check_constraint("ck_rule", "rule IN ('fixed', 'per_unit', 'rate')")
        batch.create_check_constraint(
            "ck_rule_amounts", "unit_price_fen >= 0 AND minimum_fen >= 0 AND maximum_fen >= 0"
        )
    # Versions written by 0001 were fixed amounts or a rate of the declared price.
    op.execute("UPDATE fee_standards SET rule = 'rate', base_value = 'declared_price_fen' WHERE rate_basis_points > 0")
    op.execute("UPDATE fee_standards SET reduced_rates = '[]' WHERE reduced_rates IS NULL")

    op.create_table(
        "fee_cases",
        sa.Column("case_number", sa.String(40), primary_key=True),
        sa.Column("service_item_code", sa.String(40), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False, index=True),
        sa.Column("window_code", sa.String(20), nullable=False),
        sa.Column("fee_item_codes", sa.JSON, nullable=False),
        sa.Column("declared_values", sa.JSON, nullable=False),
        sa.Column("zero_fee_items", sa.JSON, nullable=False),
        sa.Column("query_code_sha256", sa.String(64), nullable=False),
        sa.Column("applicant_name", sa.String(100), nullable=False),
        _at("accepted_at"),
        sa.Column("assessment_error", sa.String(2000), nullable=False, server_default=""),
        _at("settled_at", nullable=True),
        _at("created_at"),
    )
    op.create_table(
        "payment_notices",
        _id(),
        sa.Column("notice_number", sa.String(40), nullable=False, unique=True),
        sa.Column("case_number", sa.String(40), sa.ForeignKey("fee_cases.case_number"), nullable=False, index=True),
        sa.Column("department_code", sa.String(20), nullable=False, index=True),
        sa.Column("fee_type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        _at("issued_at"),
        sa.Column("issued_by", sa.String(40), nullable=False),
        sa.Column("total_assessed_fen", sa.BigInteger, nullable=False),
        sa.CheckConstraint("status IN ('unpaid', 'paid', 'waived', 'voided')", name="ck_notice_status"),
        sa.CheckConstraint("total_assessed_fen > 0", name="ck_notice_positive"),
    )
    op.create_table(
        "notice_lines",
        _id(),
        sa.Column("notice_id", BigId, sa.ForeignKey("payment_notices.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("fee_item_code", sa.String(40), nullable=False),
        sa.Column("fee_item_name", sa.String(200), nullable=False),
        sa.Column("standard_effective_from", sa.Date, nullable=False),
        sa.Column("basis", sa.String(400), nullable=False),
        sa.Column("assessed_fen", sa.BigInteger, nullable=False),
        sa.Column("reduced_fen", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("refunded_fen", sa.BigInteger, nullable=False, server_default="0"),
        sa.UniqueConstraint("notice_id", "fee_item_code", name="uq_notice_line_item"),
        sa.CheckConstraint(
            "assessed_fen >= 0 AND reduced_fen >= 0 AND reduced_fen <= assessed_fen "
            "AND refunded_fen >= 0 AND refunded_fen <= assessed_fen - reduced_fen",
            name="ck_line_bounds",
        ),
    )
    op.create_table(
        "notice_adjustments",
        _id(),
        sa.Column("notice_id", BigId, sa.ForeignKey("payment_notices.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("fee_item_code", sa.String(40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("approver_staff_id", sa.String(40), nullable=False),
        _at("at"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("notice_id", BigId, sa.ForeignKey("payment_notices.id"), nullable=False, unique=True),
        sa.Column("idempotency_key", sa.String(100), nullable=False, unique=True),
        sa.Column("request_fingerprint", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("cashier_staff_id", sa.String(40), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("fee_type", sa.String(20), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        _at("paid_at"),
        sa.CheckConstraint("amount_fen > 0", name="ck_payment_positive"),
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("payment_id", sa.String(36), sa.ForeignKey("payments.id"), nullable=False, index=True),
        sa.Column("notice_line_id", BigId, sa.ForeignKey("notice_lines.id"), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=False, unique=True),
        sa.Column("request_fingerprint", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("approver_staff_id", sa.String(40), nullable=False),
        sa.Column("cashier_staff_id", sa.String(40), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("fee_type", sa.String(20), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        _at("refunded_at"),
        sa.CheckConstraint("amount_fen > 0", name="ck_refund_positive"),
    )
    op.create_table(
        "receipts",
        _id(),
        sa.Column("receipt_number", sa.String(20), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("serial", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("payment_id", sa.String(36), sa.ForeignKey("payments.id"), nullable=False, index=True),
        sa.Column("refund_id", sa.String(36), sa.ForeignKey("refunds.id"), nullable=True),
        sa.Column("notice_number", sa.String(40), nullable=False),
        sa.Column("case_number", sa.String(40), nullable=False),
        sa.Column("department_code", sa.String(20), nullable=False),
        sa.Column("fee_type", sa.String(20), nullable=False),
        sa.Column("payer_name", sa.String(100), nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("cashier_staff_id", sa.String(40), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        _at("issued_at"),
        sa.Column("related_receipt_number", sa.String(20), nullable=False),
        sa.Column("void_reason", sa.String(500), nullable=False),
        sa.Column("voided_by", sa.String(40), nullable=False),
        _at("voided_at", nullable=True),
        sa.UniqueConstraint("year", "serial", name="uq_receipt_serial"),
        sa.CheckConstraint("kind IN ('payment', 'refund')", name="ck_receipt_kind"),
        sa.CheckConstraint("status IN ('valid', 'voided')", name="ck_receipt_status"),
    )
    op.create_table(
        "receipt_lines",
        _id(),
        sa.Column("receipt_id", BigId, sa.ForeignKey("receipts.id"), nullable=False, index=True),
        sa.Column("fee_item_code", sa.String(40), nullable=False),
        sa.Column("fee_item_name", sa.String(200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sequence_counters",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "cashier_days",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("cashier_staff_id", sa.String(40), primary_key=True),
        sa.Column("entries", sa.Integer, nullable=False, server_default="0"),
        _at("closed_at", nullable=True),
        sa.Column("closed_by", sa.String(40), nullable=False, server_default=""),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_table(
        "fee_audit_entries",
        _id(),
        _at("at"),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(60), nullable=False, index=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "fee_audit_entries",
        "cashier_days",
        "sequence_counters",
        "receipt_lines",
        "receipts",
        "refunds",
        "payments",
        "notice_adjustments",
        "notice_lines",
        "payment_notices",
        "fee_cases",
    ):
        op.drop_table(table)
    with op.batch_alter_table("fee_standards") as batch:
        batch.drop_constraint("ck_rule_amounts", type_="check")
        batch.drop_constraint("ck_rule", type_="check")
        for column in (
            "reduced_rates",
            "maximum_fen",
            "minimum_fen",
            "base_value",
            "quantity_value",
            "unit_price_fen",
            "rule",
        ):
            batch.drop_column(column)
