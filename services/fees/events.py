"""The fees service's outbound events, written to the outbox (the inbound CaseAccepted is
handlers.py's).

Everything published is keyed by case number, so one case's events stay in order, and is
written in the transaction of the change it reports.
"""

from __future__ import annotations

from datetime import datetime

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import fees_pb2 as fee_events
from services.fees.models import FeeCase, OutboxMessage, Payment, PaymentNotice, Receipt, Refund
from shared.kafka.outbox import add_event
from shared.kafka.topics import FEES_EVENTS
from shared.timeutil import to_timestamp

PUBLISHES = [FEES_EVENTS]
SOURCE = "fees"


def _publish(session: Session, payload: Message, case_number: str) -> str:
    return add_event(session, OutboxMessage, payload, source=SOURCE, topic=FEES_EVENTS, key=case_number)


def notice_issued(session: Session, notice: PaymentNotice) -> str:
    return _publish(
        session,
        fee_events.PaymentNoticeIssued(
            case_number=notice.case_number,
            notice_number=notice.notice_number,
            department_code=notice.department_code,
            fee_type=notice.fee_type,
            lines=[
                fee_events.FeeLine(
                    fee_item_code=line.fee_item_code, fee_item_name=line.fee_item_name, amount_fen=line.due_fen
                )
                for line in notice.lines
            ],
            total_due_fen=notice.total_due_fen,
            due_date=notice.due_date.isoformat(),
            issued_at=to_timestamp(notice.issued_at),
        ),
        notice.case_number,
    )


def notice_adjusted(
    session: Session,
    notice: PaymentNotice,
    *,
    kind: str,
    fee_item_code: str,
    amount_fen: int,
    approver: str,
    at: datetime,
) -> str:
    return _publish(
        session,
        fee_events.PaymentNoticeAdjusted(
            case_number=notice.case_number,
            notice_number=notice.notice_number,
            kind=kind,
            fee_item_code=fee_item_code,
            amount_fen=amount_fen,
            total_due_fen=0 if kind == "void" else notice.total_due_fen,
            approver_staff_id=approver,
            adjusted_at=to_timestamp(at),
        ),
        notice.case_number,
    )


def payment_recorded(session: Session, notice: PaymentNotice, payment: Payment, receipt: Receipt) -> str:
    return _publish(
        session,
        fee_events.PaymentRecorded(
            case_number=notice.case_number,
            notice_number=notice.notice_number,
            receipt_number=receipt.receipt_number,
            department_code=payment.department_code,
            fee_type=payment.fee_type,
            amount_fen=payment.amount_fen,
            method=payment.method,
            cashier_staff_id=payment.cashier_staff_id,
            paid_at=to_timestamp(payment.paid_at),
        ),
        notice.case_number,
    )


def refund_recorded(
    session: Session, notice: PaymentNotice, refund: Refund, receipt: Receipt, red_letter: Receipt, fee_item_code: str
) -> str:
    return _publish(
        session,
        fee_events.RefundRecorded(
            case_number=notice.case_number,
            notice_number=notice.notice_number,
            receipt_number=receipt.receipt_number,
            red_letter_receipt_number=red_letter.receipt_number,
            fee_item_code=fee_item_code,
            amount_fen=refund.amount_fen,
            approver_staff_id=refund.approver_staff_id,
            refunded_at=to_timestamp(refund.refunded_at),
        ),
        notice.case_number,
    )


def receipt_voided(session: Session, voided: Receipt, replacement: Receipt, approver: str, at: datetime) -> str:
    return _publish(
        session,
        fee_events.ReceiptVoided(
            case_number=voided.case_number,
            notice_number=voided.notice_number,
            voided_receipt_number=voided.receipt_number,
            replacement_receipt_number=replacement.receipt_number,
            approver_staff_id=approver,
            voided_at=to_timestamp(at),
        ),
        voided.case_number,
    )


def fees_settled(session: Session, case: FeeCase, notices: list[PaymentNotice]) -> str:
    assert case.settled_at is not None
    return _publish(
        session,
        fee_events.FeesSettled(
            case_number=case.case_number,
            total_assessed_fen=sum(n.total_assessed_fen for n in notices),
            total_paid_fen=sum(n.payment.amount_fen for n in notices if n.payment is not None),
            total_waived_fen=sum(n.total_reduced_fen for n in notices),
            settled_at=to_timestamp(case.settled_at),
            payment_notice_numbers=[n.notice_number for n in notices],
        ),
        case.case_number,
    )
