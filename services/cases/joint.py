"""Joint cases (并联审批): the tasks one application fans out to, one per involved department,
each with its own deadline.

The tasks are opened at receipt (intake: for a joint item, or per target item of the one
form) and get their deadlines at acceptance (schedule). A pending task's deadline runs on the
case's clock: clock.recompute moves it with every pause, resumption and extension of the case
and when the calendar changes (reschedule_pending says the same with a given calendar). Each
department decides its own task; what that does to the case (one denial denies it, the last
approval approves it) is decisions.decide_joint_task.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import clock
from services.cases.models import Case, JointTask, ServiceItemVersion
from shared.workdays import WorkingDayCalendar

PENDING, APPROVED, DENIED, MOOT = "pending", "approved", "denied", "moot"


def tasks(session: Session, case: Case) -> list[JointTask]:
    return list(session.scalars(sa.select(JointTask).where(JointTask.case_id == case.id).order_by(JointTask.id)))


def has_tasks(session: Session, case: Case) -> bool:
    count = session.scalar(sa.select(sa.func.count()).select_from(JointTask).where(JointTask.case_id == case.id))
    return bool(count)


def open_item_tasks(session: Session, case: Case, version: ServiceItemVersion) -> list[JointTask]:
    """A joint item: the lead department and every joint department get a task."""
    departments = [
        version.department_code,
        *[d for d in version.joint_departments or [] if d != version.department_code],
    ]
    rows = [
        JointTask(
            case_id=case.id,
            department_code=d,
            item_code=version.code,
            status=PENDING,
            form_data={},
            decided_by="",
            reason="",
        )
        for d in departments
    ]
    session.add_all(rows)
    return rows


def open_form_tasks(
    session: Session, case: Case, projections: dict[str, tuple[str, dict[str, Any]]]
) -> list[JointTask]:
    """The one form: per item, its department's task with that department's projection.
    projections: item code -> (department code, projected fields)."""
    rows = [
        JointTask(
            case_id=case.id,
            department_code=department,
            item_code=code,
            status=PENDING,
            form_data=data,
            decided_by="",
            reason="",
        )
        for code, (department, data) in projections.items()
    ]
    session.add_all(rows)
    return rows


def schedule(session: Session, case: Case) -> None:
    """At acceptance: each task's own deadline from its item's promised limit (with the
    case's pauses and extension, as clock.recompute keeps it)."""
    clock.schedule_tasks(session, case, clock.calendar(session), pending_only=False)


def reschedule_pending(session: Session, case: Case, cal: WorkingDayCalendar) -> list[dict[str, Any]]:
    """A pending task's deadline with cal, as clock.recompute sets it. Returns the deadlines
    that moved: [{"department_code", "old_due", "new_due"}] (ISO dates or None)."""
    return clock.schedule_tasks(session, case, cal)
