"""Reductions, waivers and voids of unpaid payment notices: an approver's decision, with a
reason, audited, and published. Amounts come down, never up: nothing can be added to a
notice after it was computed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from services.fees import audit, events, ledger, queries, settlement
from services.fees.models import UNPAID, VOIDED, WAIVED, NoticeAdjustment, PaymentNotice
from shared import clock
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument


def _require_unpaid(notice: PaymentNotice) -> None:
    if notice.status != UNPAID:
        raise FailedPrecondition(f"payment notice {notice.notice_number} is {notice.status}, not unpaid")


def reduce_fee(
    session: Session, *, notice_number: str, fee_item_code: str, amount_fen: int, reason: str, approver: str
) -> PaymentNotice:
    reason = audit.require_reason(reason)
    if amount_fen <= 0:
        raise InvalidArgument("nothing to reduce", [FieldViolation("amount_fen", "must be positive")])
    notice = ledger.lock_notice(session, notice_number)
    _require_unpaid(notice)
    line = queries.pick_line(notice.lines, fee_item_code)
    if amount_fen > line.due_fen:
        raise InvalidArgument(
            "the reduction is larger than what is due",
            [FieldViolation("amount_fen", f"at most {line.due_fen} fen is due on {line.fee_item_code}")],
        )
    now = clock.now(session)
    line.reduced_fen += amount_fen
    kind = "reduce"
    if notice.total_due_fen == 0:
        notice.status = WAIVED  # reduced to nothing: the same as a waiver
        kind = "waive"
    _record(
        session,
        notice,
        kind="reduce",
        fee_item_code=line.fee_item_code,
        amount_fen=amount_fen,
        reason=reason,
        approver=approver,
        now=now,
    )
    events.notice_adjusted(
        session, notice, kind=kind, fee_item_code=line.fee_item_code, amount_fen=amount_fen, approver=approver, at=now
    )
    settlement.settle_if_done(session, notice.case, now=now)
    return notice


def waive_notice(session: Session, *, notice_number: str, reason: str, approver: str) -> PaymentNotice:
    reason = audit.require_reason(reason)
    notice = ledger.lock_notice(session, notice_number)
    _require_unpaid(notice)
    now = clock.now(session)
    waived = notice.total_due_fen
    for line in notice.lines:
        line.reduced_fen = line.assessed_fen
    notice.status = WAIVED
    _record(
        session, notice, kind="waive", fee_item_code="", amount_fen=waived, reason=reason, approver=approver, now=now
    )
    events.notice_adjusted(
        session, notice, kind="waive", fee_item_code="", amount_fen=waived, approver=approver, at=now
    )
    settlement.settle_if_done(session, notice.case, now=now)
    return notice


def void_notice(session: Session, *, notice_number: str, reason: str, approver: str) -> PaymentNotice:
    """Cancel an unpaid notice (e.g. assessed from wrong declared values); its fee items can
    then be assessed again with AssessFees. The number stays used."""
    reason = audit.require_reason(reason)
    notice = ledger.lock_notice(session, notice_number)
    _require_unpaid(notice)
    now = clock.now(session)
    notice.status = VOIDED
    _record(
        session,
        notice,
        kind="void",
        fee_item_code="",
        amount_fen=notice.total_due_fen,
        reason=reason,
        approver=approver,
        now=now,
    )
    events.notice_adjusted(
        session, notice, kind="void", fee_item_code="", amount_fen=notice.total_due_fen, approver=approver, at=now
    )
    return notice


def _record(
    session: Session,
    notice: PaymentNotice,
    *,
    kind: str,
    fee_item_code: str,
    amount_fen: int,
    reason: str,
    approver: str,
    now: datetime,
) -> None:
    notice.adjustments.append(
        NoticeAdjustment(
            kind=kind,
            fee_item_code=fee_item_code,
            amount_fen=amount_fen,
            reason=reason,
            approver_staff_id=approver,
            at=now,
        )
    )
    audit.record(
        session,
        actor=approver,
        action=f"{kind}_notice",
        subject=notice.notice_number,
        reason=reason,
        details={"fee_item_code": fee_item_code, "amount_fen": amount_fen},
        at=now,
    )
    session.flush()
