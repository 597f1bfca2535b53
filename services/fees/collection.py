"""One-point collection (一个口子收费): payments at the cashier, receipts with gapless yearly
numbers per receipt type (a tax payment certificate for tax, a non-tax revenue receipt for a
fee), refunds with red-letter receipts, voided receipts replaced.

Concurrency: every change locks the case row first (ledger.lock_notice), then the till row,
then the receipt counter; the same order everywhere, so no deadlock. Two payments of one
notice therefore run one after the other and the second finds it paid; the database's
unique constraint on payments.notice_id backs this up. Idempotency keys are unique too: a
retry with the same key and the same request gets the first answer back (`replayed`); the
same key with a different request is refused with AlreadyExists.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.fees import audit, events, ledger, queries, settlement
from services.fees.models import (
    METHODS,
    PAID,
    RECEIPT_TYPE_OF_FEE_TYPE,
    UNPAID,
    FeeCase,
    Payment,
    PaymentNotice,
    Receipt,
    ReceiptLine,
    Refund,
)
from shared import clock
from shared.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument
from shared.timeutil import as_utc, shanghai_day

MAX_KEY = 100


@dataclass
class PaymentOutcome:
    payment: Payment
    notice: PaymentNotice
    receipt: Receipt
    case_settled: bool
    replayed: bool


@dataclass
class RefundOutcome:
    refund: Refund
    red_letter: Receipt
    notice: PaymentNotice
    replayed: bool


def fingerprint(**fields: Any) -> str:
    """A stable digest of a request, to tell a retry from a different request with the same key."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _check_key(key: str, problems: list[FieldViolation]) -> None:
    if not key.strip():
        problems.append(
            FieldViolation("idempotency_key", "is required (a new one per payment, the same one on a retry)")
        )
    elif len(key) > MAX_KEY:
        problems.append(FieldViolation("idempotency_key", f"at most {MAX_KEY} characters"))


def record_payment(
    session: Session,
    *,
    notice_number: str,
    method: str,
    expected_amount_fen: int,
    reference: str,
    idempotency_key: str,
    cashier: str,
) -> PaymentOutcome:
    problems: list[FieldViolation] = []
    if not notice_number:
        problems.append(FieldViolation("notice_number", "is required"))
    if method not in METHODS:
        problems.append(FieldViolation("method", f"one of {', '.join(METHODS)}"))
    if expected_amount_fen <= 0:
        problems.append(FieldViolation("expected_amount_fen", "the amount shown on the notice, in fen"))
    if len(reference) > 100:
        problems.append(FieldViolation("reference", "at most 100 characters"))
    _check_key(idempotency_key, problems)
    if problems:
        raise InvalidArgument("the payment is invalid", problems)
    digest = fingerprint(
        op="payment",
        notice=notice_number,
        method=method,
        amount=expected_amount_fen,
        reference=reference,
        cashier=cashier,
    )
    replay = _payment_replay(session, idempotency_key, digest)
    if replay is not None:
        return replay
    notice = ledger.lock_notice(session, notice_number)
    replay = _payment_replay(session, idempotency_key, digest)  # one may have committed while we waited
    if replay is not None:
        return replay
    if notice.status == PAID:
        paid_with = queries.current_receipt(session, notice.payment).receipt_number
        raise FailedPrecondition(f"payment notice {notice_number} is already paid (receipt {paid_with})")
    if notice.status != UNPAID:
        raise FailedPrecondition(f"payment notice {notice_number} is {notice.status}: nothing to pay")
    due = notice.total_due_fen
    if expected_amount_fen != due:
        raise FailedPrecondition(
            f"payment notice {notice_number} is for {due} fen, not {expected_amount_fen}: show the notice again"
        )
    now = clock.now(session)
    day = shanghai_day(now)
    ledger.book_to_till(session, day=day, cashier_staff_id=cashier)
    payment = Payment(
        id=str(uuid.uuid4()),
        notice_id=notice.id,
        idempotency_key=idempotency_key,
        request_fingerprint=digest,
        amount_fen=due,
        method=method,
        reference=reference,
        cashier_staff_id=cashier,
        department_code=notice.department_code,
        fee_type=notice.fee_type,
        day=day,
        paid_at=now,
    )
    session.add(payment)
    session.flush()  # the unique constraints speak here: one payment per notice, one per key
    notice.status = PAID
    receipt = _issue_receipt(
        session,
        notice,
        payment,
        kind="payment",
        receipt_type=RECEIPT_TYPE_OF_FEE_TYPE[notice.fee_type],
        cashier=cashier,
        now=now,
        lines=[(line.fee_item_code, line.fee_item_name, line.due_fen) for line in notice.lines],
    )
    events.payment_recorded(session, notice, payment, receipt)
    audit.record(
        session,
        actor=cashier,
        action="payment",
        subject=notice_number,
        at=now,
        details={"receipt": receipt.receipt_number, "amount_fen": due, "method": method},
    )
    settled = settlement.settle_if_done(session, notice.case, now=now)
    return PaymentOutcome(payment, notice, receipt, settled, replayed=False)


def _payment_replay(session: Session, key: str, digest: str) -> PaymentOutcome | None:
    payment = session.scalar(sa.select(Payment).where(Payment.idempotency_key == key))
    if payment is None:
        return None
    if payment.request_fingerprint != digest:
        raise AlreadyExists(
            "this idempotency key was already used for a different payment request; use a new key for a new payment"
        )
    notice = payment.notice
    case = session.get(FeeCase, notice.case_number)
    settled = case is not None and case.settled_at is not None and as_utc(case.settled_at) == as_utc(payment.paid_at)
    return PaymentOutcome(payment, notice, queries.current_receipt(session, payment), settled, replayed=True)


def _issue_receipt(
    session: Session,
    notice: PaymentNotice,
    payment: Payment,
    *,
    kind: str,
    receipt_type: str,
    cashier: str,
    now: datetime,
    lines: list[tuple[str, str, int]],
    related: str = "",
    refund: Refund | None = None,
) -> Receipt:
    """A receipt of its type's sequence of the year (a refund or a replacement is of the
    type of the receipt it corrects)."""
    day = shanghai_day(now)
    series = ledger.receipt_series(receipt_type, day.year)
    serial = ledger.next_receipt_serial(session, series)
    receipt = Receipt(
        receipt_number=ledger.receipt_number(series, serial),
        receipt_type=receipt_type,
        series=series,
        year=day.year,
        serial=serial,
        kind=kind,
        status="valid",
        payment_id=payment.id,
        refund_id=refund.id if refund else None,
        notice_number=notice.notice_number,
        case_number=notice.case_number,
        department_code=notice.department_code,
        fee_type=notice.fee_type,
        payer_name=notice.case.applicant_name,
        total_fen=sum(amount for _, _, amount in lines),
        cashier_staff_id=cashier,
        day=day,
        issued_at=now,
        related_receipt_number=related,
        void_reason="",
        voided_by="",
    )
    receipt.lines = [ReceiptLine(fee_item_code=c, fee_item_name=n, amount_fen=a) for c, n, a in lines]
    session.add(receipt)
    session.flush()
    return receipt


def record_refund(
    session: Session,
    *,
    receipt_number: str,
    fee_item_code: str,
    amount_fen: int,
    reason: str,
    idempotency_key: str,
    cashier_staff_id: str,
    approver: str,
) -> RefundOutcome:
    problems: list[FieldViolation] = []
    if amount_fen <= 0:
        problems.append(FieldViolation("amount_fen", "must be positive"))
    if not reason.strip() or len(reason) > 500:
        problems.append(FieldViolation("reason", "is required (at most 500 characters)"))
    _check_key(idempotency_key, problems)
    if problems:
        raise InvalidArgument("the refund is invalid", problems)
    receipt = queries.find_receipt(session, receipt_number)
    if receipt.kind != "payment":
        raise InvalidArgument(
            "not a payment receipt", [FieldViolation("receipt_number", "a red-letter receipt cannot be refunded")]
        )
    digest = fingerprint(
        op="refund",
        payment=receipt.payment_id,
        item=fee_item_code,
        amount=amount_fen,
        reason=reason.strip(),
        cashier=cashier_staff_id,
        approver=approver,
    )
    replay = _refund_replay(session, idempotency_key, digest)
    if replay is not None:
        return replay
    notice = ledger.lock_notice(session, receipt.notice_number)
    replay = _refund_replay(session, idempotency_key, digest)
    if replay is not None:
        return replay
    payment = notice.payment
    assert payment is not None and payment.id == receipt.payment_id
    line = queries.pick_line(notice.lines, fee_item_code)
    left = line.due_fen - line.refunded_fen
    if amount_fen > left:
        raise InvalidArgument(
            "the refund is larger than what is left of the payment",
            [
                FieldViolation(
                    "amount_fen", f"at most {left} fen of the {line.due_fen} fen paid on {line.fee_item_code}"
                )
            ],
        )
    now = clock.now(session)
    day = shanghai_day(now)
    till = cashier_staff_id or payment.cashier_staff_id
    ledger.book_to_till(session, day=day, cashier_staff_id=till)
    refund = Refund(
        id=str(uuid.uuid4()),
        payment_id=payment.id,
        notice_line_id=line.id,
        idempotency_key=idempotency_key,
        request_fingerprint=digest,
        amount_fen=amount_fen,
        method=payment.method,
        reason=reason.strip(),
        approver_staff_id=approver,
        cashier_staff_id=till,
        department_code=payment.department_code,
        fee_type=payment.fee_type,
        day=day,
        refunded_at=now,
    )
    session.add(refund)
    session.flush()
    line.refunded_fen += amount_fen
    current = queries.current_receipt(session, payment)
    red_letter = _issue_receipt(
        session,
        notice,
        payment,
        kind="refund",
        receipt_type=current.receipt_type,
        cashier=till,
        now=now,
        refund=refund,
        lines=[(line.fee_item_code, line.fee_item_name, -amount_fen)],
        related=current.receipt_number,
    )
    events.refund_recorded(session, notice, refund, current, red_letter, line.fee_item_code)
    audit.record(
        session,
        actor=approver,
        action="refund",
        subject=current.receipt_number,
        reason=refund.reason,
        at=now,
        details={"amount_fen": amount_fen, "red_letter": red_letter.receipt_number, "till": till},
    )
    return RefundOutcome(refund, red_letter, notice, replayed=False)


def _refund_replay(session: Session, key: str, digest: str) -> RefundOutcome | None:
    refund = session.scalar(sa.select(Refund).where(Refund.idempotency_key == key))
    if refund is None:
        return None
    if refund.request_fingerprint != digest:
        raise AlreadyExists(
            "this idempotency key was already used for a different refund request; use a new key for a new refund"
        )
    red_letter = session.scalar(sa.select(Receipt).where(Receipt.refund_id == refund.id))
    payment = session.get(Payment, refund.payment_id)
    assert red_letter is not None and payment is not None
    return RefundOutcome(refund, red_letter, payment.notice, replayed=True)


def void_receipt(session: Session, *, receipt_number: str, reason: str, approver: str) -> tuple[Receipt, Receipt]:
    """Void a payment receipt of today (e.g. misprinted) on a till still open, keeping its
    number, and issue a replacement for the same payment. The money does not move; after
    the day, a wrong payment is corrected with a refund on the next day instead."""
    reason = audit.require_reason(reason)
    receipt = queries.find_receipt(session, receipt_number)
    ledger.lock_notice(session, receipt.notice_number)
    receipt = queries.find_receipt(session, receipt_number)
    if receipt.kind != "payment":
        raise FailedPrecondition("a red-letter receipt is not voided; it is a correction already")
    if receipt.status != "valid":
        raise FailedPrecondition(f"receipt {receipt_number} is already voided")
    now = clock.now(session)
    if receipt.day != shanghai_day(now):
        raise FailedPrecondition(
            f"receipt {receipt_number} is of {receipt.day}: only a receipt of today can be voided; "
            "correct an earlier day with a refund referring to it"
        )
    ledger.book_to_till(session, day=receipt.day, cashier_staff_id=receipt.cashier_staff_id)
    payment = session.get(Payment, receipt.payment_id)
    assert payment is not None
    receipt.status, receipt.void_reason, receipt.voided_by, receipt.voided_at = "voided", reason, approver, now
    session.flush()
    replacement = _issue_receipt(
        session,
        payment.notice,
        payment,
        kind="payment",
        receipt_type=receipt.receipt_type,
        cashier=receipt.cashier_staff_id,
        now=now,
        lines=[(line.fee_item_code, line.fee_item_name, line.amount_fen) for line in receipt.lines],
        related=receipt.receipt_number,
    )
    receipt.related_receipt_number = replacement.receipt_number
    events.receipt_voided(session, receipt, replacement, approver, now)
    audit.record(
        session,
        actor=approver,
        action="void_receipt",
        subject=receipt_number,
        reason=reason,
        at=now,
        details={"replacement": replacement.receipt_number},
    )
    return receipt, replacement
