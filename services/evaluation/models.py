"""The evaluation service's tables (its own database)."""

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


class WindowDailyThroughput(Base):
    """Applications a window received on one hall day (Asia/Shanghai)."""

    __tablename__ = "window_daily_throughput"

    department_code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    window_code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    cases_received: Mapped[int] = mapped_column(sa.BigInteger, default=0)
