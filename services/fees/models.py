"""The fees service's tables (its own database). Money is integer fen everywhere.

Standards are versions keyed by (code, effective_from) and never edited. A case learnt from
CaseAccepted gets payment notices (one per collecting department and fee type) whose lines
keep the amounts computed with the standard versions in force on the assessment day, so a
later standard never changes them. Payments, receipts and refunds are a ledger: rows are
added, a receipt is voided (keeping its number) but never deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import BigId, OutboxMessageMixin, ProcessedEventMixin, free_text
from shared.query_codes import QueryCodeAttemptMixin

ADMINISTRATIVE = "administrative"
DEED_TAX = "deed_tax"
FEE_TYPES = (ADMINISTRATIVE, DEED_TAX)

# The kind of receipt a fee type is receipted with, each its own gapless yearly sequence with
# its own number prefix: a tax payment certificate (税收完税证明) for tax, a non-tax revenue
# receipt (非税收入票据) for an administrative fee. A refund or a void keeps the kind.
NON_TAX_RECEIPT, TAX_CERTIFICATE = "non_tax_receipt", "tax_certificate"
RECEIPT_TYPES = (NON_TAX_RECEIPT, TAX_CERTIFICATE)
RECEIPT_TYPE_OF_FEE_TYPE = {ADMINISTRATIVE: NON_TAX_RECEIPT, DEED_TAX: TAX_CERTIFICATE}
RECEIPT_PREFIXES = {NON_TAX_RECEIPT: "NTR", TAX_CERTIFICATE: "TAX"}

FIXED, PER_UNIT, RATE = "fixed", "per_unit", "rate"
RULES = (FIXED, PER_UNIT, RATE)

# Notice states. A case is settled when it has notices and each one not voided is paid or waived.
UNPAID, PAID, WAIVED, VOIDED = "unpaid", "paid", "waived", "voided"
METHODS = ("cash", "card", "bank_transfer", "qr")


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMessageMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class QueryCodeAttempt(QueryCodeAttemptMixin, Base):
    """Wrong query codes per case number and its lockout (shared.query_codes)."""


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
    # Added by revision 0002.
    rule: Mapped[str] = mapped_column(sa.String(10), default=FIXED)
    unit_price_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    quantity_value: Mapped[str] = mapped_column(sa.String(60), default="")
    base_value: Mapped[str] = mapped_column(sa.String(60), default="")
    minimum_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    maximum_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # [{code, name, rate_basis_points, conditions: [{value, min?, max?}]}], first match wins.
    reduced_rates: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # [{value, min?, max?}]: the range of a declared value the rule reads. Added by revision 0003.
    value_ranges: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)


class FeeCase(Base):
    """An accepted case with fees, as the fees service knows it (from CaseAccepted)."""

    __tablename__ = "fee_cases"

    case_number: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    service_item_code: Mapped[str] = mapped_column(sa.String(40))
    department_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    window_code: Mapped[str] = mapped_column(sa.String(20))
    # The only fee items that may ever be charged on this case (from the item catalog).
    fee_item_codes: Mapped[list[str]] = mapped_column(sa.JSON)
    declared_values: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    query_code_sha256: Mapped[str] = mapped_column(sa.String(64))
    applicant_name: Mapped[str] = mapped_column(sa.String(100))
    accepted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Fee items assessed with nothing due (their group came to 0: no notice was issued).
    zero_fee_items: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Why the last automatic or requested assessment failed; empty when it did not.
    assessment_error: Mapped[str] = mapped_column(sa.String(2000), default="")
    settled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    notices: Mapped[list[PaymentNotice]] = relationship(back_populates="case", order_by="PaymentNotice.id")


class PaymentNotice(Base):
    """A payment notice (缴款通知书): the lines of one department and fee type of a case."""

    __tablename__ = "payment_notices"
    __table_args__ = (
        sa.CheckConstraint("status IN ('unpaid', 'paid', 'waived', 'voided')", name="ck_notice_status"),
        sa.CheckConstraint("total_assessed_fen > 0", name="ck_notice_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notice_number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    case_number: Mapped[str] = mapped_column(sa.ForeignKey("fee_cases.case_number"), index=True)
    department_code: Mapped[str] = mapped_column(sa.String(20), index=True)
    fee_type: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    due_date: Mapped[date] = mapped_column(sa.Date)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    issued_by: Mapped[str] = mapped_column(sa.String(40))
    total_assessed_fen: Mapped[int] = mapped_column(sa.BigInteger)

    case: Mapped[FeeCase] = relationship(back_populates="notices")
    lines: Mapped[list[NoticeLine]] = relationship(back_populates="notice", order_by="NoticeLine.position")
    adjustments: Mapped[list[NoticeAdjustment]] = relationship(order_by="NoticeAdjustment.id")
    payment: Mapped[Payment | None] = relationship(back_populates="notice")

    @property
    def total_due_fen(self) -> int:
        return sum(line.due_fen for line in self.lines)

    @property
    def total_reduced_fen(self) -> int:
        return sum(line.reduced_fen for line in self.lines)

    @property
    def total_refunded_fen(self) -> int:
        return sum(line.refunded_fen for line in self.lines)


class NoticeLine(Base):
    __tablename__ = "notice_lines"
    __table_args__ = (
        sa.UniqueConstraint("notice_id", "fee_item_code", name="uq_notice_line_item"),
        sa.CheckConstraint(
            "assessed_fen >= 0 AND reduced_fen >= 0 AND reduced_fen <= assessed_fen "
            "AND refunded_fen >= 0 AND refunded_fen <= assessed_fen - reduced_fen",
            name="ck_line_bounds",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_notices.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    fee_item_code: Mapped[str] = mapped_column(sa.String(40))
    fee_item_name: Mapped[str] = mapped_column(sa.String(200))
    standard_effective_from: Mapped[date] = mapped_column(sa.Date)
    basis: Mapped[str] = mapped_column(sa.String(400))
    assessed_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reduced_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    refunded_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    notice: Mapped[PaymentNotice] = relationship(back_populates="lines")

    @property
    def due_fen(self) -> int:
        return self.assessed_fen - self.reduced_fen


class NoticeAdjustment(Base):
    """A reduction, waiver or void of an unpaid notice: who approved it and why."""

    __tablename__ = "notice_adjustments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_notices.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # reduce | waive | void
    fee_item_code: Mapped[str] = mapped_column(sa.String(40), default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    reason: Mapped[str] = mapped_column(sa.String(500))
    approver_staff_id: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Payment(Base):
    """A notice paid in full at the cashier. At most one per notice (the database says so)."""

    __tablename__ = "payments"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="ck_payment_positive"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_notices.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[str] = mapped_column(sa.String(20))
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    cashier_staff_id: Mapped[str] = mapped_column(sa.String(40))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    fee_type: Mapped[str] = mapped_column(sa.String(20))
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    paid_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    notice: Mapped[PaymentNotice] = relationship(back_populates="payment")


class Refund(Base):
    """Money paid back on one line of a payment, approved, with a red-letter receipt."""

    __tablename__ = "refunds"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="ck_refund_positive"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    payment_id: Mapped[str] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    notice_line_id: Mapped[int] = mapped_column(sa.ForeignKey("notice_lines.id"))
    idempotency_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(500))
    approver_staff_id: Mapped[str] = mapped_column(sa.String(40))
    cashier_staff_id: Mapped[str] = mapped_column(sa.String(40))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    fee_type: Mapped[str] = mapped_column(sa.String(20))
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    refunded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Receipt(Base):
    """A receipt (票据) of the one cashier: a non-tax revenue receipt or a tax payment
    certificate (receipt_type). Numbers are `<series>-NNNNNNNN` from a gapless sequence per
    series, `NTR-YYYY` or `TAX-YYYY`; receipts issued before revision 0004 keep theirs from
    the former shared sequence, series `YYYY`. A voided receipt keeps its number. Refund
    receipts (red-letter) carry negative lines."""

    __tablename__ = "receipts"
    __table_args__ = (
        sa.UniqueConstraint("series", "serial", name="uq_receipt_series_serial"),
        sa.CheckConstraint("kind IN ('payment', 'refund')", name="ck_receipt_kind"),
        sa.CheckConstraint("status IN ('valid', 'voided')", name="ck_receipt_status"),
        sa.CheckConstraint("receipt_type IN ('non_tax_receipt', 'tax_certificate')", name="ck_receipt_type"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    receipt_number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    receipt_type: Mapped[str] = mapped_column(sa.String(20))
    series: Mapped[str] = mapped_column(sa.String(10))
    year: Mapped[int] = mapped_column(sa.Integer)
    serial: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default="valid")
    payment_id: Mapped[str] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    refund_id: Mapped[str | None] = mapped_column(sa.ForeignKey("refunds.id"))
    notice_number: Mapped[str] = mapped_column(sa.String(40))
    case_number: Mapped[str] = mapped_column(sa.String(40))
    department_code: Mapped[str] = mapped_column(sa.String(20))
    fee_type: Mapped[str] = mapped_column(sa.String(20))
    payer_name: Mapped[str] = mapped_column(sa.String(100))
    total_fen: Mapped[int] = mapped_column(sa.BigInteger)
    cashier_staff_id: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    related_receipt_number: Mapped[str] = mapped_column(sa.String(20), default="")
    void_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    voided_by: Mapped[str] = mapped_column(sa.String(40), default="")
    voided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    lines: Mapped[list[ReceiptLine]] = relationship(order_by="ReceiptLine.id")


class ReceiptLine(Base):
    __tablename__ = "receipt_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("receipts.id"), index=True)
    fee_item_code: Mapped[str] = mapped_column(sa.String(40))
    fee_item_name: Mapped[str] = mapped_column(sa.String(200))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)


class SequenceCounter(Base):
    """Gapless counters (receipt numbers per series, notice numbers per day), bumped by an
    upsert inside the transaction that uses the number: a rollback gives the number back."""

    __tablename__ = "sequence_counters"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class CashierDay(Base):
    """A cashier's till for one hall day. Every payment, refund and void booked to it bumps
    `entries` (which locks the row); the close locks it too, so nothing slips past a close."""

    __tablename__ = "cashier_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    cashier_staff_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    entries: Mapped[int] = mapped_column(sa.Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_by: Mapped[str] = mapped_column(sa.String(40), default="")
    # The totals as closed: {"totals": [...], "net_by_method_fen": {...}}.
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class AuditEntry(Base):
    """Who did what to which notice, receipt, till or standard, and why."""

    __tablename__ = "fee_audit_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(60), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


# Reasons typed by approvers and cashiers: ID card and phone numbers in them are masked as soon
# as they are set (docs/security.md, Personal data).
free_text("fees", NoticeAdjustment.reason, Refund.reason, Receipt.void_reason, AuditEntry.reason)
