"""Window approval seals (窗口审批专用公章): the register of each window's seals, the log of
every use (who, when, which case, which seal) and the reconciliation of seals and cases.

Rules
- Staff use only their own department's seals (a manager does not stamp for a window).
- An inactive seal (lost, replaced, withdrawn) cannot be used.
- A use names the case it seals. The case must exist and belong to the seal's department
  (for a joint case: the lead department or one of the joint departments), and must not be
  concluded or withdrawn already. A use for something that is not a case (a letter, a
  certified copy) is recorded with an empty case number and a note saying what was sealed;
  the reconciliation lists those for a manager to check.
- Case.sealed_at is set by the case's conclusion from the latest use (latest_seal_use);
  recording a use does not touch the case.

The use cases at the end (window_seals, set_seal_active, record_seal_use,
seal_reconciliation) are what the SealService calls; each checks its caller.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import events
from services.cases.models import Case, JointTask, SealUse, ServiceItemVersion, WindowSeal
from services.cases.queries import case_not_found, find_case
from shared.auth import Caller
from shared.clock import now
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound, PermissionDenied
from shared.timeutil import as_utc

CONCLUDED = "concluded"
NOT_SEALABLE = frozenset({"concluded", "withdrawn"})
MAX_NOTE = 2000


def list_seals(session: Session, window_code: str, *, include_inactive: bool = True) -> list[WindowSeal]:
    query = sa.select(WindowSeal).where(WindowSeal.window_code == window_code).order_by(WindowSeal.code)
    if not include_inactive:
        query = query.where(WindowSeal.active.is_(True))
    return list(session.scalars(query))


def get_seal(session: Session, seal_code: str) -> WindowSeal:
    seal = session.get(WindowSeal, seal_code) if seal_code else None
    if seal is None:
        raise NotFound(f"no seal '{seal_code[:40]}' in the register", [FieldViolation("seal_code", "not found")])
    return seal


def use_seal(
    session: Session, *, seal_code: str, case_number: str, staff_id: str, caller_department: str, note: str = ""
) -> SealUse:
    """Record one use of a window seal. Nothing is written when it is refused."""
    problems: list[FieldViolation] = []
    staff_id = (staff_id or "").strip()
    case_number = (case_number or "").strip()
    note = (note or "").strip()
    if not staff_id:
        problems.append(FieldViolation("staff_id", "is required: every use names who sealed"))
    elif len(staff_id) > 40:
        problems.append(FieldViolation("staff_id", "at most 40 characters"))
    if len(case_number) > 40:
        problems.append(FieldViolation("case_number", "at most 40 characters"))
    if len(note) > MAX_NOTE:
        problems.append(FieldViolation("note", f"at most {MAX_NOTE} characters"))
    if not case_number and not note:
        problems.append(FieldViolation("note", "a use that seals no case must say what was sealed"))
    if problems:
        raise InvalidArgument("the seal use is invalid", problems)

    seal = get_seal(session, seal_code)
    if seal.department_code != caller_department:
        raise PermissionDenied(
            f"seal {seal.code} belongs to department {seal.department_code}: "
            "staff use only their own department's seals"
        )
    if not seal.active:
        raise FailedPrecondition(f"seal {seal.code} is inactive and cannot be used")
    if case_number:
        case = session.scalar(sa.select(Case).where(Case.case_number == case_number))
        # Another department's case answers like a missing one: numbers are sequential.
        if case is None or seal.department_code not in _departments_of(session, case):
            raise case_not_found(case_number)
        if case.status in NOT_SEALABLE:
            raise FailedPrecondition(f"case {case_number} is {case.status}: it can no longer be sealed")
    use = SealUse(seal_code=seal.code, case_number=case_number, staff_id=staff_id, used_at=now(session), note=note)
    session.add(use)
    session.flush()
    return use


def _departments_of(session: Session, case: Case) -> set[str]:
    departments = {case.department_code}
    departments.update(session.scalars(sa.select(JointTask.department_code).where(JointTask.case_id == case.id)))
    if case.item_version is not None:
        departments.update(case.item_version.joint_departments or [])
    return departments


def seal_uses_of_case(session: Session, case_number: str) -> list[SealUse]:
    if not case_number:
        return []
    return list(
        session.scalars(
            sa.select(SealUse).where(SealUse.case_number == case_number).order_by(SealUse.used_at, SealUse.id)
        )
    )


def latest_seal_use(session: Session, case_number: str, *, department_code: str | None = None) -> SealUse | None:
    """The newest use on a case (optionally of one department's seals: a joint case is
    sealed by each department)."""
    if not case_number:
        return None
    query = sa.select(SealUse).where(SealUse.case_number == case_number)
    if department_code is not None:
        query = query.join(WindowSeal, WindowSeal.code == SealUse.seal_code).where(
            WindowSeal.department_code == department_code
        )
    return session.scalar(query.order_by(SealUse.used_at.desc(), SealUse.id.desc()).limit(1))


class SealReconciliation(NamedTuple):
    cases_concluded_without_seal: list[Case]
    seal_uses_without_case: list[SealUse]


def reconcile_seals(session: Session, *, since: datetime, until: datetime) -> SealReconciliation:
    """For the period [since, until): concluded cases whose rules need a seal but that carry
    no sealing time, and seal uses that name no case (empty or unknown case number)."""
    if until <= since:
        raise InvalidArgument("the period is empty", [FieldViolation("until", "must be after since")])
    start, end = as_utc(since), as_utc(until)
    cases = list(
        session.scalars(
            sa.select(Case)
            .join(ServiceItemVersion, ServiceItemVersion.id == Case.item_version_id)
            .where(
                Case.status == CONCLUDED,
                Case.concluded_at >= start,
                Case.concluded_at < end,
                ServiceItemVersion.needs_seal.is_(True),
                Case.sealed_at.is_(None),
            )
            .order_by(Case.concluded_at, Case.id)
        )
    )
    known_case = sa.exists().where(Case.case_number == SealUse.case_number)
    uses = list(
        session.scalars(
            sa.select(SealUse)
            .where(SealUse.used_at >= start, SealUse.used_at < end, sa.or_(SealUse.case_number == "", ~known_case))
            .order_by(SealUse.used_at, SealUse.id)
        )
    )
    return SealReconciliation(cases, uses)


# ------------------------------------------------------------------------- use cases
def window_seals(session: Session, caller: Caller, *, window_code: str) -> list[WindowSeal]:
    """The register of a window's seals, withdrawn ones included: public (it hangs in the hall)."""
    return list_seals(session, window_code)


def set_seal_active(session: Session, *, seal_code: str, active: bool, actor: Caller) -> WindowSeal:
    """Withdraw a seal from use (lost, replaced) or put it back: a manager's decision."""
    actor.require_role("manager")
    seal = get_seal(session, seal_code)
    seal.active = active
    session.flush()
    return seal


def record_seal_use(session: Session, caller: Caller, *, seal_code: str, case_number: str, note: str) -> SealUse:
    """Window staff or the chief representative seal with their own department's seal; the
    use is published (SealUsed) with the seal's window and department."""
    caller.require_role("window_staff", "chief_representative")
    use = use_seal(
        session,
        seal_code=seal_code,
        case_number=case_number,
        staff_id=caller.staff_id,
        caller_department=caller.department_code,
        note=note,
    )
    seal = get_seal(session, use.seal_code)
    case = find_case(session, use.case_number) if use.case_number else None
    events.seal_used(
        session,
        case,
        seal_code=seal.code,
        window_code=seal.window_code,
        department_code=seal.department_code,
        staff_id=caller.staff_id,
    )
    return use


def seal_reconciliation(session: Session, caller: Caller, *, since: datetime, until: datetime) -> SealReconciliation:
    """reconcile_seals, for a manager or the efficiency office."""
    caller.require_role("manager", "efficiency_office")
    return reconcile_seals(session, since=since, until=until)
