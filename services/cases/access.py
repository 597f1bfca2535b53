"""Who may see a case and who may act on it: the cases service's rules, in one place.

The table ACTIONS says, for every use case that changes a case, the roles that may do it;
they act only on a case of their own department (a joint case's task: of that task's
department). Managers and the efficiency office see every case and decide none of a
department's; they supervise (SUPERVISION). Reading a case needs a role of its department (or
of one of its joint tasks), or to be its applicant (number and query code, with the lockout of
shared.query_codes) or the enterprise's agent (全程代理).

Who may not see a case is told it does not exist, in exactly the words of a missing one
(queries.case_not_found): case numbers are sequential, so a different answer would tell
which exist. A role an action lacks is refused before the case is looked up, with the same
PERMISSION_DENIED for every number. The checks are here, in the service, so they hold for
department systems calling gRPC as much as for the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import lifecycle
from services.cases.models import Case, CaseTransition, JointTask, QueryCodeAttempt, ServiceItem, Voucher
from services.cases.queries import case_item, case_not_found, find_case
from shared import query_codes
from shared.auth import Caller
from shared.errors import FieldViolation, InvalidArgument, PermissionDenied

MAX_PAGE = 200

DEPARTMENT_STAFF = ("window_staff", "chief_representative")  # 窗口工作人员, 首席代表
SEE_ALL = ("manager", "efficiency_office")  # 中心管理人员, 县效能办: they see, they do not decide
SUPERVISION = SEE_ALL  # 督办 and the electronic supervision scan, over every department
# Who may change a case of their own department (docs/cases.md "Who may do what").
ACTIONS: dict[str, tuple[str, ...]] = {
    "accept": DEPARTMENT_STAFF,
    "reject": DEPARTMENT_STAFF,
    "request_correction": DEPARTMENT_STAFF,
    "supply_materials": DEPARTMENT_STAFF,
    "waive_material": ("chief_representative",),  # only the department's chief representative
    "start_review": DEPARTMENT_STAFF,
    "approve": DEPARTMENT_STAFF,
    "deny": DEPARTMENT_STAFF,
    "conclude": DEPARTMENT_STAFF,
    "conclude_on_the_spot": DEPARTMENT_STAFF,
    "withdraw": DEPARTMENT_STAFF,  # on the applicant's behalf; the applicant and agent too
    "decide_joint_task": DEPARTMENT_STAFF,  # of the task's department
    "pause_clock": DEPARTMENT_STAFF,
    "resume_clock": DEPARTMENT_STAFF,
    "grant_extension": ("approver", "chief_representative"),  # Art. 42: the organ's head approves
}


def departments_of(session: Session, case: Case) -> set[str]:
    """The case's department and those of its joint tasks: whose staff see it."""
    found = {case.department_code}
    found.update(session.scalars(sa.select(JointTask.department_code).where(JointTask.case_id == case.id)))
    return found


def case_for(session: Session, caller: Caller, action: str, case_number: str, *, department: str = "") -> Case:
    """The case `action` is done to, locked, if the caller may: one of the action's roles (else
    PERMISSION_DENIED, whatever the number), of the case's department (`department`: the joint
    task's). A case of a department the caller does not see answers as a missing one; one they
    see but whose decision is another department's is PERMISSION_DENIED."""
    caller.require_role(*ACTIONS[action])
    case = find_case(session, case_number, for_update=True)
    if not may_see(session, caller, case):
        raise case_not_found(case_number)
    if not caller.acts_for(department or case.department_code):
        raise PermissionDenied(f"{action.replace('_', ' ')} is for the staff of the department it concerns")
    return case


def require_supervisor(caller: Caller) -> None:
    caller.require_role(*SUPERVISION)


def is_agent(caller: Caller, case: Case) -> bool:
    """The agent carrying the enterprise's case (全程代理): acts for the applicant."""
    return caller.is_staff and bool(case.agent_staff_id) and caller.staff_id == case.agent_staff_id


def may_see(session: Session, caller: Caller, case: Case) -> bool:
    """Staff: managers and the efficiency office every case; a role of the case's department
    or of one of its joint tasks; the case's agent. (Applicants: opens_for_applicant.)"""
    if is_agent(caller, case) or caller.has_role(*SEE_ALL):
        return True
    return bool(caller.roles) and bool(caller.departments & departments_of(session, case))


def opens_for_applicant(session: Session, caller: Caller, case_number: str, case: Case | None) -> bool:
    """The applicant's query code for the number, through the lockout: counted whether the
    case exists or not, refused while locked."""
    digest = case.query_code_sha256 if case is not None else None
    return query_codes.check(session, QueryCodeAttempt, case_number, caller.query_code, digest)


def readable_case(session: Session, caller: Caller, case_number: str, *, for_update: bool = False) -> Case:
    """The case, for whoever may read it; anyone else is told there is none."""
    query = sa.select(Case).where(Case.case_number == case_number)
    case = session.scalar(query.with_for_update(of=Case) if for_update else query) if case_number else None
    if caller.is_staff:
        if case is None or not may_see(session, caller, case):
            raise case_not_found(case_number)
        return case
    # The code is checked (and counted) before the case's existence is told.
    if not opens_for_applicant(session, caller, case_number, case) or case is None:
        raise case_not_found(case_number)
    return case


# ------------------------------------------------------------------------- use cases
def get_case(session: Session, case_number: str, caller: Caller) -> tuple[Case, ServiceItem]:
    case = readable_case(session, caller, case_number)
    return case, case_item(session, case)


def history(session: Session, case_number: str, caller: Caller) -> list[CaseTransition]:
    case = readable_case(session, caller, case_number)
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
    if not caller.is_staff or not caller.roles:
        raise PermissionDenied("listing cases is for staff with a role")
    department = filters.department_code
    if not caller.has_role(*SEE_ALL):
        if department and not caller.acts_for(department):
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
