"""Reductions, waivers and voids of unpaid payment notices: an approver's decision, with a
reason, audited, and published. Amounts come down, never up: nothing can be added to a
notice after it was computed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.fees import assessment, common, events
from services.fees.models import UNPAID, VOIDED, WAIVED, NoticeAdjustment, NoticeLine, PaymentNotice
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from shared.timeutil import utcnow


def find_notice(session: Session, notice_number: str) -> PaymentNotice:
    notice = session.scalar(sa.select(PaymentNotice).where(PaymentNotice.notice_number == notice_number))
    if notice is None:
        raise NotFound(f"no payment notice {notice_number}")
    return notice


def locked_notice(session: Session, notice_number: str) -> PaymentNotice:
    """The notice with its case locked, read afresh after the lock."""
    notice = find_notice(session, notice_number)
    common.lock_case(session, notice.case_number)  # expires what was read: notice reloads
    return notice


def pick_line(lines: list[NoticeLine], fee_item_code: str) -> NoticeLine:
    if not fee_item_code:
        if len(lines) == 1:
            return lines[0]
        raise InvalidArgument("name the fee item", [FieldViolation("fee_item_code", "the notice has several lines")])
    for line in lines:
        if line.fee_item_code == fee_item_code:
            return line
    raise InvalidArgument("no such line", [FieldViolation("fee_item_code", f"{fee_item_code} is not on this notice")])


def _require_unpaid(notice: PaymentNotice) -> None:
    if notice.status != UNPAID:
        raise FailedPrecondition(f"payment notice {notice.notice_number} is {notice.status}, not unpaid")


def reduce_fee(session: Session, *, notice_number: str, fee_item_code: str, amount_fen: int, reason: str, approver: str) -> PaymentNotice:
    reason = common.require_reason(reason)
    if amount_fen <= 0:
        raise InvalidArgument("nothing to reduce", [FieldViolation("amount_fen", "must be positive")])
    notice = locked_notice(session, notice_number)
    _require_unpaid(notice)
    line = pick_line(notice.lines, fee_item_code)
    if amount_fen > line.due_fen:
        raise InvalidArgument(
            "the reduction is larger than what is due",
            [FieldViolation("amount_fen", f"at most {line.due_fen} fen is due on {line.fee_item_code}")],
        )
    now = utcnow()
    line.reduced_fen += amount_fen
    kind = "reduce"
    if notice.total_due_fen == 0:
        notice.status = WAIVED  # reduced to nothing: the same as a waiver
        kind = "waive"
    _record(session, notice, kind="reduce", fee_item_code=line.fee_item_code, amount_fen=amount_fen,
            reason=reason, approver=approver, now=now)
    events.notice_adjusted(session, notice, kind=kind, fee_item_code=line.fee_item_code, amount_fen=amount_fen,
                           approver=approver, at=now)
    assessment.settle_if_done(session, notice.case, now=now)
    return notice


def waive_notice(session: Session, *, notice_number: str, reason: str, approver: str) -> PaymentNotice:
    reason = common.require_reason(reason)
    notice = locked_notice(session, notice_number)
    _require_unpaid(notice)
    now = utcnow()
    waived = notice.total_due_fen
    for line in notice.lines:
        line.reduced_fen = line.assessed_fen
    notice.status = WAIVED
    _record(session, notice, kind="waive", fee_item_code="", amount_fen=waived, reason=reason, approver=approver, now=now)
    events.notice_adjusted(session, notice, kind="waive", fee_item_code="", amount_fen=waived, approver=approver, at=now)
    assessment.settle_if_done(session, notice.case, now=now)
    return notice


def void_notice(session: Session, *, notice_number: str, reason: str, approver: str) -> PaymentNotice:
    """Cancel an unpaid notice (e.g. assessed from wrong declared values); its fee items can
    then be assessed again with AssessFees. The number stays used."""
    reason = common.require_reason(reason)
    notice = locked_notice(session, notice_number)
    _require_unpaid(notice)
    now = utcnow()
    notice.status = VOIDED
    _record(session, notice, kind="void", fee_item_code="", amount_fen=notice.total_due_fen, reason=reason,
            approver=approver, now=now)
    events.notice_adjusted(session, notice, kind="void", fee_item_code="", amount_fen=notice.total_due_fen,
                           approver=approver, at=now)
    return notice


def _record(session: Session, notice: PaymentNotice, *, kind: str, fee_item_code: str, amount_fen: int, reason: str, approver: str, now) -> None:
    notice.adjustments.append(
        NoticeAdjustment(kind=kind, fee_item_code=fee_item_code, amount_fen=amount_fen, reason=reason,
                         approver_staff_id=approver, at=now)
    )
    common.audit(session, actor=approver, action=f"{kind}_notice", subject=notice.notice_number, reason=reason,
                 details={"fee_item_code": fee_item_code, "amount_fen": amount_fen}, at=now)
    session.flush()
