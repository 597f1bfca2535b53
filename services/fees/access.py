"""Who may do what with fees (the callers come from shared.auth): the rules, in one place.

- manager: creates and imports standards; closes any till
- window staff, chief representative of the case's department: AssessFees
- approver (hall-wide: fees are collected at one point for every department): ReduceFee,
  WaivePaymentNotice, VoidPaymentNotice, RecordRefund, VoidReceipt
- cashier (hall-wide, the one cashier): RecordPayment; closes their own till
- reading notices and receipts: cashier, approver, manager, efficiency office all; window
  staff and chief representatives their department's (the case's or the notice's); the
  applicant their case's, with the query code through the lockout (shared.query_codes)

Managers and the efficiency office read everything and decide nothing of a department's case.
A role an action lacks is refused before anything is looked up (the same answer for every
number); a case, notice or receipt the caller may not read answers exactly as a missing one
(numbers are sequential: a different answer would tell which exist).

The use cases (use_cases.py) call these, so a rule holds whoever calls the domain.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.fees.models import FeeCase, PaymentNotice, QueryCodeAttempt
from shared import query_codes
from shared.auth import Caller
from shared.errors import NotFound, PermissionDenied

READ_EVERYTHING = ("cashier", "approver", "manager", "efficiency_office")
DEPARTMENT_STAFF = ("window_staff", "chief_representative")
ASSESSORS = DEPARTMENT_STAFF


def case_not_found(case_number: str) -> NotFound:
    return NotFound(
        f"no accepted case {case_number[:40]} with fees (the fees service learns of a case when it is accepted)"
    )


def notices_not_found(case_number: str) -> NotFound:
    """An applicant's answer for a case without notices, unknown, or with a wrong code."""
    return NotFound(f"no payment notices for case {case_number[:40]} (yet)")


def notice_not_found(notice_number: str) -> NotFound:
    return NotFound(f"no payment notice {notice_number[:40]}")


def receipt_not_found(receipt_number: str) -> NotFound:
    return NotFound(f"no receipt {receipt_number[:40]}")


def opens_for_applicant(session: Session, caller: Caller, case_number: str, case: FeeCase | None) -> bool:
    """The applicant's query code, checked (and counted) through the lockout of the number."""
    digest = case.query_code_sha256 if case is not None and case.query_code_sha256 else None
    return query_codes.check(session, QueryCodeAttempt, case_number, caller.query_code, digest)


def may_read(session: Session, caller: Caller, case: FeeCase, departments: set[str]) -> bool:
    """Staff who read everything, staff of one of `departments`, or the case's applicant."""
    if caller.is_staff:
        if caller.has_role(*READ_EVERYTHING):
            return True
        return caller.has_role(*DEPARTMENT_STAFF) and bool(caller.departments & set(departments))
    return opens_for_applicant(session, caller, case.case_number, case)


def may_read_case_notices(session: Session, caller: Caller, case: FeeCase) -> bool:
    """Reading the notices of a case: its own department's staff, or of any of its notices."""
    return may_read(session, caller, case, {case.department_code, *(n.department_code for n in case.notices)})


def require_notice_reader(session: Session, caller: Caller, notice: PaymentNotice, missing: NotFound) -> None:
    """Reading one notice (or its receipts): the case's department or the notice's; anyone
    else gets `missing`, the answer for a number that does not exist."""
    if not may_read(session, caller, notice.case, {notice.case.department_code, notice.department_code}):
        raise missing


def require_assessor(caller: Caller) -> None:
    """Before the case is looked up: the same refusal for every number."""
    caller.require_role(*ASSESSORS)


def require_assessed_case(caller: Caller, case_number: str, case: FeeCase | None) -> FeeCase:
    """The case to assess, if it is of the caller's department; else as if there were none."""
    if case is None or not caller.acts_for(case.department_code):
        raise case_not_found(case_number)
    return case


def department_scope(caller: Caller, department_code: str) -> str:
    """The department a staff member's list or report is limited to ('' = every one)."""
    if not caller.is_staff:
        raise PermissionDenied("staff only (an applicant names the case number)")
    if caller.has_role(*READ_EVERYTHING):
        return department_code
    if caller.has_role(*DEPARTMENT_STAFF):
        if department_code and not caller.acts_for(department_code):
            raise PermissionDenied("staff see their own department only")
        if department_code:
            return department_code
        return caller.department_code
    raise PermissionDenied("this needs a staff role")


def require_standards_manager(caller: Caller) -> None:
    caller.require_role("manager")


def require_approver(caller: Caller) -> None:
    """Reductions, waivers and voids of notices, refunds, voids of receipts."""
    caller.require_role("approver")


def require_cashier(caller: Caller) -> None:
    caller.require_role("cashier")


def require_till_closer(caller: Caller, cashier_staff_id: str) -> None:
    if caller.has_role("manager"):
        return
    caller.require_role("cashier")
    if cashier_staff_id != caller.staff_id:
        raise PermissionDenied("a cashier closes their own till")
