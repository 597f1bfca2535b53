"""Who may see a case and act for its applicant, and the reads that follow that rule.

Staff see their own department's cases (managers and the efficiency office all); the
enterprise's agent (全程代理) sees and acts for the applicant; an applicant sees a case with its
number and query code. The checks are here, in the service, so they hold for department
systems calling gRPC as much as for the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import lifecycle
from services.cases.models import Case, CaseTransition, ServiceItem, Voucher
from services.cases.queries import case_item, find_case
from shared.auth import Caller, query_code_matches
from shared.errors import FieldViolation, InvalidArgument, PermissionDenied

MAX_PAGE = 200


def acts_for_applicant(caller: Caller, case: Case) -> bool:
    """The applicant (query code), or the agent carrying the enterprise's case (全程代理)."""
    if caller.is_staff:
        return bool(case.agent_staff_id) and caller.staff_id == case.agent_staff_id
    return query_code_matches(case.case_number, caller.query_code, case.query_code_sha256)


def authorize_read(caller: Caller, case: Case) -> None:
    """Staff of the case's department (or managers), the case's agent, or the applicant with
    the query code."""
    if acts_for_applicant(caller, case):
        return
    if caller.is_staff:
        caller.require_department(case.department_code)
    elif not query_code_matches(case.case_number, caller.query_code, case.query_code_sha256):
        # Same answer whether the case exists or not would leak less; but the number is
        # not secret (it is printed on vouchers), the query code is.
        raise PermissionDenied("the query code does not match this case")


# ------------------------------------------------------------------------- use cases
def get_case(session: Session, case_number: str, caller: Caller) -> tuple[Case, ServiceItem]:
    case = find_case(session, case_number)
    authorize_read(caller, case)
    return case, case_item(session, case)


def history(session: Session, case_number: str, caller: Caller) -> list[CaseTransition]:
    case = find_case(session, case_number)
    authorize_read(caller, case)
    return list(
        session.scalars(sa.select(CaseTransition).where(CaseTransition.case_id == case.id).order_by(CaseTransition.id))
    )


def list_vouchers(session: Session, case_number: str, caller: Caller) -> list[Voucher]:
    """The written decisions of a case, oldest first: for whoever may read the case."""
    case, _ = get_case(session, case_number, caller)
    return list(session.scalars(sa.select(Voucher).where(Voucher.case_id == case.id).order_by(Voucher.id)))


@dataclass(frozen=True)
class CaseFilter:
    department_code: str = ""
    status: str = ""
    supervision_level: str = ""
    window_code: str = ""
    submitted_from: datetime | None = None
    submitted_until: datetime | None = None


def list_cases(
    session: Session, caller: Caller, filters: CaseFilter, *, page_size: int = 50, after_id: int = 0
) -> tuple[list[Case], int]:
    """A page of cases, oldest first; returns the page and the id to continue after (0: end).
    Staff see only their department unless they are managers."""
    if not caller.is_staff:
        raise PermissionDenied("listing cases is for staff")
    department = filters.department_code
    if not caller.has_role("manager", "efficiency_office"):
        if department and department != caller.department_code:
            raise PermissionDenied("staff list only their own department's cases")
        department = caller.department_code
    if filters.status and filters.status not in lifecycle.STATES:
        raise InvalidArgument("unknown status", [FieldViolation("status", f"one of {', '.join(lifecycle.STATES)}")])
    page_size = max(1, min(page_size or 50, MAX_PAGE))
    query = sa.select(Case).where(Case.id > after_id).order_by(Case.id).limit(page_size + 1)
    for column, value in (
        (Case.department_code, department),
        (Case.status, filters.status),
        (Case.supervision_level, filters.supervision_level),
        (Case.window_code, filters.window_code),
    ):
        if value:
            query = query.where(column == value)
    if filters.submitted_from:
        query = query.where(Case.submitted_at >= filters.submitted_from)
    if filters.submitted_until:
        query = query.where(Case.submitted_at < filters.submitted_until)
    rows = list(session.scalars(query))
    more = len(rows) > page_size
    page = rows[:page_size]
    return page, (page[-1].id if more else 0)
