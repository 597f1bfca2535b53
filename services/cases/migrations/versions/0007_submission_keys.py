"""Submission keys: the Idempotency-Key a case was submitted with, per caller, so that a
retry of the same request (after the gateway's deadline fired, say) finds its case instead
of making a second one.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from shared.db import BigId

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submission_keys",
        sa.Column("owner", sa.String(60), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("request_fingerprint", sa.String(64), nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("sealed_query_code", sa.String(6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key_sha256"),
    )


def downgrade() -> None:
    op.drop_table("submission_keys")
