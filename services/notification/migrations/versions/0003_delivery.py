"""Delivery of notices: status, attempts, backoff, the last error, the sender's claim.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("delivery_status", sa.String(10), nullable=False, server_default="stored"))
        batch.add_column(sa.Column("delivery_attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(500), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(36), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_notices_delivery_status", ["delivery_status"])


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_index("ix_notices_delivery_status")
        for column in (
            "claimed_until",
            "claim_token",
            "sent_at",
            "last_error",
            "next_attempt_at",
            "delivery_attempts",
            "delivery_status",
        ):
            batch.drop_column(column)
