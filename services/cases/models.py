"""The cases service's tables (its own database)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import BigId, OutboxMessageMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMessageMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class Department(Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class Window(Base):
    __tablename__ = "windows"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    department_code: Mapped[str] = mapped_column(sa.ForeignKey("departments.code"))
    name: Mapped[str] = mapped_column(sa.String(100))


class ServiceItem(Base):
    __tablename__ = "service_items"
    __table_args__ = (
        sa.CheckConstraint("promised_days <= statutory_days", name="ck_promised_within_statutory"),
        sa.CheckConstraint("case_kind IN ('instant', 'committed', 'joint')", name="ck_case_kind"),
    )

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    department_code: Mapped[str] = mapped_column(sa.ForeignKey("departments.code"))
    window_code: Mapped[str] = mapped_column(sa.ForeignKey("windows.code"))
    case_kind: Mapped[str] = mapped_column(sa.String(20))
    # Working days; 0 for instant items (concluded on the spot).
    statutory_days: Mapped[int] = mapped_column(sa.Integer)
    promised_days: Mapped[int] = mapped_column(sa.Integer)

    department: Mapped[Department] = relationship(lazy="joined")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    query_code: Mapped[str] = mapped_column(sa.String(12))
    service_item_code: Mapped[str] = mapped_column(sa.ForeignKey("service_items.code"))
    department_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    window_code: Mapped[str] = mapped_column(sa.String(20))
    case_kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(30))
    applicant_name: Mapped[str] = mapped_column(sa.String(100))
    applicant_id_card_number: Mapped[str] = mapped_column(sa.String(18))
    applicant_phone: Mapped[str] = mapped_column(sa.String(20))
    applicant_email: Mapped[str] = mapped_column(sa.String(200))
    remarks: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CaseNumberSequence(Base):
    """The last sequence number given out per prefix and day; bumped atomically."""

    __tablename__ = "case_number_sequences"

    prefix: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(sa.Integer)
