"""Read-only lookups of the fees service that several modules share: standards in force,
notices, their lines, receipts. Nothing here writes or locks."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.fees import access
from services.fees.models import FeeStandard, NoticeLine, Payment, PaymentNotice, Receipt
from shared.errors import FieldViolation, InvalidArgument

MAX_LISTED_NOTICES = 1000


# --- standards ---------------------------------------------------------------------------


def standards_in_force(
    session: Session, *, on: date, department_code: str = "", codes: list[str] | None = None
) -> list[FeeStandard]:
    """For each fee item, the newest version whose effective date is on or before `on`."""
    latest = (
        sa.select(FeeStandard.code, sa.func.max(FeeStandard.effective_from).label("effective_from"))
        .where(FeeStandard.effective_from <= on)
        .group_by(FeeStandard.code)
        .subquery()
    )
    query = (
        sa.select(FeeStandard)
        .join(latest, sa.and_(FeeStandard.code == latest.c.code, FeeStandard.effective_from == latest.c.effective_from))
        .order_by(FeeStandard.code)
    )
    if department_code:
        query = query.where(FeeStandard.department_code == department_code)
    if codes is not None:
        query = query.where(FeeStandard.code.in_(codes))
    return list(session.scalars(query))


def all_versions(session: Session, *, department_code: str = "") -> list[FeeStandard]:
    query = sa.select(FeeStandard).order_by(FeeStandard.code, FeeStandard.effective_from)
    if department_code:
        query = query.where(FeeStandard.department_code == department_code)
    return list(session.scalars(query))


# --- notices -------------------------------------------------------------------------------


def find_notice(session: Session, notice_number: str) -> PaymentNotice:
    notice = session.scalar(sa.select(PaymentNotice).where(PaymentNotice.notice_number == notice_number))
    if notice is None:
        raise access.notice_not_found(notice_number)
    return notice


def payment_notices(
    session: Session, *, case_number: str = "", department_code: str = "", status: str = ""
) -> list[PaymentNotice]:
    """Notices in the order they were issued, filtered by what is given (at most 1000)."""
    query = sa.select(PaymentNotice).order_by(PaymentNotice.id)
    if case_number:
        query = query.where(PaymentNotice.case_number == case_number)
    if department_code:
        query = query.where(PaymentNotice.department_code == department_code)
    if status:
        query = query.where(PaymentNotice.status == status)
    return list(session.scalars(query.limit(MAX_LISTED_NOTICES)))


def pick_line(lines: list[NoticeLine], fee_item_code: str) -> NoticeLine:
    """The line of a fee item; with no fee item named, the only line there is."""
    if not fee_item_code:
        if len(lines) == 1:
            return lines[0]
        raise InvalidArgument("name the fee item", [FieldViolation("fee_item_code", "the notice has several lines")])
    for line in lines:
        if line.fee_item_code == fee_item_code:
            return line
    raise InvalidArgument("no such line", [FieldViolation("fee_item_code", f"{fee_item_code} is not on this notice")])


# --- receipts ------------------------------------------------------------------------------


def find_receipt(session: Session, number: str) -> Receipt:
    receipt = session.scalar(sa.select(Receipt).where(Receipt.receipt_number == number))
    if receipt is None:
        raise access.receipt_not_found(number)
    return receipt


def current_receipt(session: Session, payment: Payment | None) -> Receipt:
    """The valid payment receipt of a payment (a voided one is replaced by another)."""
    assert payment is not None
    receipt = session.scalar(
        sa.select(Receipt).where(Receipt.payment_id == payment.id, Receipt.kind == "payment", Receipt.status == "valid")
    )
    assert receipt is not None, "a payment always has one valid receipt"
    return receipt


def current_receipt_number(session: Session, notice: PaymentNotice) -> str:
    """The number of the receipt a notice is paid with; empty when it is not paid."""
    if notice.payment is None:
        return ""
    return current_receipt(session, notice.payment).receipt_number


def receipt_serials(session: Session, years: range) -> dict[str, list[int]]:
    """The serials of every receipt of the years, in order, per series (voided ones keep
    theirs): each series is a gapless sequence of its own."""
    serials: dict[str, list[int]] = {}
    query = (
        sa.select(Receipt.series, Receipt.serial)
        .where(Receipt.year.between(years.start, years.stop - 1))
        .order_by(Receipt.series, Receipt.serial)
    )
    for series, serial in session.execute(query):
        serials.setdefault(series, []).append(serial)
    return serials
