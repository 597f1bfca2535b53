"""Who may do what with fees (the callers come from shared.auth).

- cashier: records payments, closes their own till; reads every notice and receipt
- approver: reduces, waives and voids notices, refunds, voids receipts; reads everything
- manager: manages standards, closes any till; reads everything (efficiency office: reads)
- window staff and chief representatives: assess and read their own department's notices
  (the department of the case or of the notice); reports of their own department
- an applicant (no staff id): their own case's notices and receipts, by case number and
  the query code (x-query-code), checked against the digest CaseAccepted carried

The use cases (use_cases.py) call these, so a rule holds whoever calls the domain.
"""

from __future__ import annotations

from services.fees.models import FeeCase, PaymentNotice
from shared.auth import Caller, query_code_matches
from shared.errors import PermissionDenied

READ_EVERYTHING = ("cashier", "approver", "manager", "efficiency_office")
DEPARTMENT_STAFF = ("window_staff", "chief_representative")


def require_case_reader(caller: Caller, *, case_number: str, query_code_sha256: str, departments: set[str]) -> None:
    if caller.is_staff:
        if caller.has_role(*READ_EVERYTHING):
            return
        if caller.department_code and caller.department_code in departments:
            return
        raise PermissionDenied("staff read the notices of their own department only")
    if query_code_sha256 and query_code_matches(case_number, caller.query_code, query_code_sha256):
        return
    raise PermissionDenied("an applicant reads the notices of a case with its case number and query code")


def require_case_notices_reader(caller: Caller, case: FeeCase) -> None:
    """Reading the notices of a case: its own department's staff, or of any of its notices."""
    departments = {case.department_code, *(n.department_code for n in case.notices)}
    require_case_reader(
        caller, case_number=case.case_number, query_code_sha256=case.query_code_sha256, departments=departments
    )


def require_notice_reader(caller: Caller, notice: PaymentNotice) -> None:
    """Reading one notice (or its receipts): the case's department or the notice's."""
    case = notice.case
    require_case_reader(
        caller,
        case_number=case.case_number,
        query_code_sha256=case.query_code_sha256,
        departments={case.department_code, notice.department_code},
    )


def department_scope(caller: Caller, department_code: str) -> str:
    """The department a staff member's list or report is limited to ('' = every one)."""
    if not caller.is_staff:
        raise PermissionDenied("staff only (an applicant names the case number)")
    if caller.has_role(*READ_EVERYTHING):
        return department_code
    if caller.has_role(*DEPARTMENT_STAFF):
        if department_code and department_code != caller.department_code:
            raise PermissionDenied("staff see their own department only")
        return caller.department_code
    raise PermissionDenied("this needs a staff role")


def require_standards_manager(caller: Caller) -> None:
    caller.require_role("manager")


def require_approver(caller: Caller) -> None:
    """Reductions, waivers and voids of notices, refunds, voids of receipts."""
    caller.require_role("approver")


def require_cashier(caller: Caller) -> None:
    caller.require_role("cashier")


def require_assessor(caller: Caller, department_code: str) -> None:
    caller.require_role(*DEPARTMENT_STAFF, "manager")
    caller.require_department(department_code)


def require_till_closer(caller: Caller, cashier_staff_id: str) -> None:
    if caller.has_role("manager"):
        return
    caller.require_role("cashier")
    if cashier_staff_id != caller.staff_id:
        raise PermissionDenied("a cashier closes their own till")
