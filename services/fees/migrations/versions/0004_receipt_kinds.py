"""Receipt kinds (issue 8): a tax payment certificate (税收完税证明) for deed tax, a non-tax
revenue receipt (非税收入票据) for an administrative fee, each numbered from its own gapless
sequence per year (series NTR-YYYY / TAX-YYYY).

Receipts already issued keep their numbers, which came from one sequence shared by both
kinds: they get the kind of their notice's fee type and the series YYYY of that former
sequence, so that its numbers are still checked for gaps as a whole. Serials are unique
per series from here on (they were per year).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("receipts") as batch:
        batch.add_column(sa.Column("receipt_type", sa.String(20), nullable=True))
        batch.add_column(sa.Column("series", sa.String(10), nullable=True))
    op.execute(
        """
        UPDATE receipts SET
          receipt_type = CASE
            (SELECT n.fee_type FROM payment_notices n WHERE n.notice_number = receipts.notice_number)
            WHEN 'deed_tax' THEN 'tax_certificate' ELSE 'non_tax_receipt' END,
          series = CAST(year AS VARCHAR(10))
        """
    )
    with op.batch_alter_table("receipts") as batch:
        batch.alter_column("receipt_type", existing_type=sa.String(20), nullable=False)
        batch.alter_column("series", existing_type=sa.String(10), nullable=False)
        batch.drop_constraint("uq_receipt_serial", type_="unique")
        batch.create_unique_constraint("uq_receipt_series_serial", ["series", "serial"])
        batch.create_check_constraint("ck_receipt_type", "receipt_type IN ('non_tax_receipt', 'tax_certificate')")


def downgrade() -> None:
    # Only possible while no receipt of the new series exists: their serials repeat per year
    # across the two kinds, and (year, serial) is made unique again below (it fails then).
    with op.batch_alter_table("receipts") as batch:
        batch.drop_constraint("ck_receipt_type", type_="check")
        batch.drop_constraint("uq_receipt_series_serial", type_="unique")
        batch.create_unique_constraint("uq_receipt_serial", ["year", "serial"])
        batch.drop_column("series")
        batch.drop_column("receipt_type")
