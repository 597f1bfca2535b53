"""The fees service's tables (its own database). Money is integer fen."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import OutboxMessageMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMessageMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class FeeStandard(Base):
    """One version of an approved fee standard (统一收费标准)."""

    __tablename__ = "fee_standards"
    __table_args__ = (
        sa.CheckConstraint("fee_type IN ('administrative', 'deed_tax')", name="ck_fee_type"),
        sa.CheckConstraint("fixed_amount_fen >= 0 AND rate_basis_points >= 0", name="ck_non_negative"),
    )

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    effective_from: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    department_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    fee_type: Mapped[str] = mapped_column(sa.String(20))
    legal_basis: Mapped[str] = mapped_column(sa.String(400))
    fixed_amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    rate_basis_points: Mapped[int] = mapped_column(sa.Integer, default=0)
