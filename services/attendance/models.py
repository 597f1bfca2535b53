"""The attendance service's tables (its own database)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import OutboxMessageMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMessageMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class Punch(Base):
    """One fingerprint punch; four are expected per working day."""

    __tablename__ = "punches"
    __table_args__ = (sa.Index("ix_punches_staff_day", "staff_id", "day"),)

    punch_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(sa.String(40))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    window_code: Mapped[str] = mapped_column(sa.String(20))
    punched_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # The hall day (Asia/Shanghai) the punch belongs to.
    day: Mapped[date] = mapped_column(sa.Date)
