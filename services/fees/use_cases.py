"""What a caller may ask of the fees service, one function per request: each takes the
caller, checks with access.py that they may (roles, department, the case's query code),
then runs the domain (standards, assessment, adjustments, collection, reporting) with the
caller's staff id as the actor. This is the only place fees authorizes, so a rule holds
however a request arrives; the domain modules underneath trust their callers (the event
handler acts as the system).

The inputs are domain values (messages.py maps a request to them, so a malformed day or
period is refused there, before these run). Field presence is checked here, after the role
where a role is needed; a missing case or notice answers NOT_FOUND, and so does one the
caller may not read, in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from services.fees import access, adjustments, assessment, collection, queries, reporting, standards
from services.fees.models import CashierDay, FeeCase, FeeStandard, PaymentNotice, Receipt
from services.fees.reporting import LedgerExport, Period, ReconciliationReport, RevenueSummary
from services.fees.standards import StandardInput
from shared import clock
from shared.auth import Caller
from shared.errors import FieldViolation, InvalidArgument


def _required(**values: str) -> None:
    problems = [FieldViolation(name, "is required") for name, value in values.items() if not value]
    if problems:
        raise InvalidArgument("required fields are missing", problems)


# --- standards ----------------------------------------------------------------------------


def list_fee_standards(
    session: Session, caller: Caller, *, on: date | None, department_code: str, all_versions: bool
) -> list[FeeStandard]:
    """Anyone may read the standards (they are public); `on` defaults to today."""
    if all_versions:
        return queries.all_versions(session, department_code=department_code)
    return queries.standards_in_force(session, on=on or clock.today(session), department_code=department_code)


def create_fee_standard(session: Session, caller: Caller, standard: StandardInput) -> FeeStandard:
    access.require_standards_manager(caller)
    row, _ = standards.create_standard(
        session, standard, actor=caller.staff_id, today=clock.today(session), prefix="standard."
    )
    return row


def import_fee_standards(session: Session, caller: Caller, yaml_document: str) -> tuple[int, int]:
    """(created, unchanged)."""
    access.require_standards_manager(caller)
    return standards.import_document(session, yaml_document, actor=caller.staff_id, today=clock.today(session))


# --- assessment and notices -----------------------------------------------------------------


def assess_fees(
    session: Session, caller: Caller, *, case_number: str, declared_values: Mapping[str, int], fee_item_codes: list[str]
) -> tuple[FeeCase, list[PaymentNotice]]:
    access.require_assessor(caller)
    _required(case_number=case_number)
    access.require_assessed_case(caller, case_number, session.get(FeeCase, case_number))
    return assessment.assess(
        session,
        case_number=case_number,
        declared_values=declared_values,
        fee_item_codes=fee_item_codes,
        actor=caller.staff_id,
    )


def get_payment_notice(session: Session, caller: Caller, *, notice_number: str) -> PaymentNotice:
    _required(notice_number=notice_number)
    notice = queries.find_notice(session, notice_number)
    access.require_notice_reader(session, caller, notice, access.notice_not_found(notice_number))
    return notice


def list_payment_notices(
    session: Session, caller: Caller, *, case_number: str, department_code: str, status: str
) -> list[PaymentNotice]:
    """A case's notices (staff who may read the case, or the applicant with the query code),
    or staff's notices of every case, limited to their department unless they read all.
    A case staff may not read has no notices for them, as a case not known here yet; an
    applicant is told there are none whether the case is unknown or the code wrong."""
    if case_number:
        case = session.get(FeeCase, case_number)
        if not caller.is_staff:
            if not access.opens_for_applicant(session, caller, case_number, case) or case is None:
                raise access.notices_not_found(case_number)
        elif case is None or not access.may_read_case_notices(session, caller, case):
            return []
        return queries.payment_notices(
            session, case_number=case.case_number, department_code=department_code, status=status
        )
    department = access.department_scope(caller, department_code)
    return queries.payment_notices(session, department_code=department, status=status)


def reduce_fee(
    session: Session, caller: Caller, *, notice_number: str, fee_item_code: str, amount_fen: int, reason: str
) -> PaymentNotice:
    access.require_approver(caller)
    _required(notice_number=notice_number)
    return adjustments.reduce_fee(
        session,
        notice_number=notice_number,
        fee_item_code=fee_item_code,
        amount_fen=amount_fen,
        reason=reason,
        approver=caller.staff_id,
    )


def waive_payment_notice(session: Session, caller: Caller, *, notice_number: str, reason: str) -> PaymentNotice:
    access.require_approver(caller)
    _required(notice_number=notice_number)
    return adjustments.waive_notice(session, notice_number=notice_number, reason=reason, approver=caller.staff_id)


def void_payment_notice(session: Session, caller: Caller, *, notice_number: str, reason: str) -> PaymentNotice:
    access.require_approver(caller)
    _required(notice_number=notice_number)
    return adjustments.void_notice(session, notice_number=notice_number, reason=reason, approver=caller.staff_id)


# --- collection ---------------------------------------------------------------------------------


def record_payment(
    session: Session,
    caller: Caller,
    *,
    notice_number: str,
    method: str,
    expected_amount_fen: int,
    reference: str,
    idempotency_key: str,
) -> collection.PaymentOutcome:
    access.require_cashier(caller)
    return collection.record_payment(
        session,
        notice_number=notice_number,
        method=method,
        expected_amount_fen=expected_amount_fen,
        reference=reference,
        idempotency_key=idempotency_key,
        cashier=caller.staff_id,
    )


def record_refund(
    session: Session,
    caller: Caller,
    *,
    receipt_number: str,
    fee_item_code: str,
    amount_fen: int,
    reason: str,
    idempotency_key: str,
    cashier_staff_id: str,
) -> collection.RefundOutcome:
    access.require_approver(caller)
    _required(receipt_number=receipt_number)
    return collection.record_refund(
        session,
        receipt_number=receipt_number,
        fee_item_code=fee_item_code,
        amount_fen=amount_fen,
        reason=reason,
        idempotency_key=idempotency_key,
        cashier_staff_id=cashier_staff_id,
        approver=caller.staff_id,
    )


def void_receipt(session: Session, caller: Caller, *, receipt_number: str, reason: str) -> tuple[Receipt, Receipt]:
    """(the voided receipt, its replacement)."""
    access.require_approver(caller)
    _required(receipt_number=receipt_number)
    return collection.void_receipt(session, receipt_number=receipt_number, reason=reason, approver=caller.staff_id)


def get_receipt(session: Session, caller: Caller, *, receipt_number: str) -> Receipt:
    """Whoever may read the notice may read its receipts."""
    _required(receipt_number=receipt_number)
    receipt = queries.find_receipt(session, receipt_number)
    notice = queries.find_notice(session, receipt.notice_number)
    access.require_notice_reader(session, caller, notice, access.receipt_not_found(receipt_number))
    return receipt


# --- day close and reports ---------------------------------------------------------------------


def close_day(session: Session, caller: Caller, *, day: date | None, cashier_staff_id: str) -> tuple[CashierDay, bool]:
    """Close a till (the caller's own by default; today by default): (till, already closed)."""
    cashier = cashier_staff_id or caller.staff_id
    access.require_till_closer(caller, cashier)
    return reporting.close_day(
        session, day=day or clock.today(session), cashier_staff_id=cashier, closed_by=caller.staff_id
    )


def reconcile(session: Session, caller: Caller, *, period: Period, department_code: str) -> ReconciliationReport:
    department = access.department_scope(caller, department_code)
    return reporting.reconciliation_report(session, period=period, department_code=department)


def export_ledger(session: Session, caller: Caller, *, period: Period, department_code: str) -> LedgerExport:
    department = access.department_scope(caller, department_code)
    return reporting.export_ledger(session, period=period, department_code=department)


def get_revenue_summary(session: Session, caller: Caller, *, month: Period, department_code: str) -> RevenueSummary:
    department = access.department_scope(caller, department_code)
    return reporting.revenue_summary(session, period=month, department_code=department)
