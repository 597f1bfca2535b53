"""Joint cases (并联审批) and the one form (一表制).

One application fans out to one task per involved department, each with its own deadline,
decided in parallel. The case is approved when every department has approved; one denial
denies the case (the others' pending tasks are closed as moot). Decisions lock the case row
(SELECT ... FOR UPDATE on PostgreSQL) and bump its version, so two departments approving at
the same moment cannot both miss that the other approved.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import clock, lifecycle
from services.cases.models import Case, JointTask, ServiceItemVersion
from shared.auth import Caller
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from shared.timeutil import utcnow

PENDING, APPROVED, DENIED, MOOT = "pending", "approved", "denied", "moot"


def tasks(session: Session, case: Case) -> list[JointTask]:
    return list(session.scalars(sa.select(JointTask).where(JointTask.case_id == case.id).order_by(JointTask.id)))


def has_tasks(session: Session, case: Case) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(JointTask).where(JointTask.case_id == case.id)) > 0


def open_item_tasks(session: Session, case: Case, version: ServiceItemVersion) -> list[JointTask]:
    """A joint item: the lead department and every joint department get a task."""
    departments = [version.department_code, *[d for d in version.joint_departments or [] if d != version.department_code]]
    rows = [JointTask(case_id=case.id, department_code=d, item_code=version.code, status=PENDING, form_data={},
                      decided_by="", reason="") for d in departments]
    session.add_all(rows)
    return rows


def open_form_tasks(session: Session, case: Case, projections: dict[str, tuple[str, dict[str, Any]]]) -> list[JointTask]:
    """The one form: per item, its department's task with that department's projection.
    projections: item code -> (department code, projected fields)."""
    rows = [JointTask(case_id=case.id, department_code=department, item_code=code, status=PENDING, form_data=data,
                      decided_by="", reason="") for code, (department, data) in projections.items()]
    session.add_all(rows)
    return rows


def schedule(session: Session, case: Case) -> None:
    """At acceptance: each task's own deadline from its item's promised limit."""
    from services.cases.catalog import find_version_in_force

    cal = clock.calendar(session)
    for task in tasks(session, case):
        version = find_version_in_force(session, task.item_code, case.accepted_on)
        if version is not None and case.accepted_on is not None:
            task.due_on = cal.deadline(case.accepted_on, version.promised_days).due


def decide(session: Session, case_number: str, caller: Caller, *, department_code: str, approve: bool, reason: str = "") -> JointTask:
    from services.cases import decisions
    from services.cases.domain import find_case

    case = find_case(session, case_number, for_update=True)
    caller.require_department(department_code)
    task = session.scalar(
        sa.select(JointTask).where(JointTask.case_id == case.id, JointTask.department_code == department_code)
    )
    if task is None:
        raise NotFound(f"case {case.case_number} has no task for department {department_code}",
                       [FieldViolation("department_code", "not involved in this case")])
    if case.status not in (lifecycle.ACCEPTED, lifecycle.IN_REVIEW):
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; its tasks cannot be decided")
    if task.status != PENDING:
        raise FailedPrecondition(f"department {department_code} already decided: {task.status}")
    if not approve and not reason.strip():
        raise InvalidArgument("a denial needs a reason", [FieldViolation("reason", "is required")])
    task.status = APPROVED if approve else DENIED
    task.decided_by, task.decided_at, task.reason = caller.staff_id, utcnow(), reason.strip()
    session.flush()
    if case.status == lifecycle.ACCEPTED:
        lifecycle.move(session, case, lifecycle.IN_REVIEW, actor=caller.staff_id, reason="并联审批开始")
    everything = tasks(session, case)
    if not approve:
        for other in everything:
            if other.status == PENDING:
                other.status, other.reason = MOOT, f"another department ({department_code}) denied"
        decisions._deny(session, case, actor=caller.staff_id, reason=f"{department_code}: {task.reason}")
    elif all(t.status == APPROVED for t in everything):
        decisions._approve(session, case, actor=caller.staff_id, reason="各部门均已同意")
    else:
        # The case row is written even though its state stays, so that a concurrent decision
        # on another task conflicts with this one and retries (instead of both missing it).
        _bump(session, case)
    return task


def _bump(session: Session, case: Case) -> None:
    """Write the case row (its version) even when its status stays: the conflict detector."""
    result = session.execute(
        sa.update(Case)
        .where(Case.id == case.id, Case.row_version == case.row_version)
        .values(row_version=case.row_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        from sqlalchemy.orm.exc import StaleDataError

        raise StaleDataError(f"case {case.case_number} changed concurrently")
    session.expire(case, ["row_version"])


def submit_form(session: Session, *, form_code: str, applicant: Any, form_data: dict[str, Any], remarks: str,
                caller: Caller) -> tuple[Case, str]:
    """One form (一表制): one joint case under the form's lead item, a task per item's
    department carrying that department's projection of the form."""
    from services.cases import catalog, domain, forms

    form = forms.form_definition(form_code)  # NotFound names form_code
    projections = forms.project(form, form_data)  # InvalidArgument names each missing field
    today = domain.shanghai_day(domain.utcnow())
    departments = {}
    for code in projections:
        version = catalog.find_version_in_force(session, code, today)
        if version is None:
            raise FailedPrecondition(f"form {form_code} names item {code}, which is not in force")
        departments[code] = version.department_code
    # Filed under the form's own joint item: its limits (45 working days) and departments.
    case, _item, query_code = domain.submit_application(
        session, service_item_code=form.item_code, applicant=applicant, remarks=remarks, caller=caller,
        form_data=dict(form_data),
    )
    case.form_code = form_code
    open_form_tasks(session, case, {code: (departments[code], data) for code, data in projections.items()})
    return case, query_code
