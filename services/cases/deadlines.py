"""What staff do to a case's deadline clock: pause it (correction aside, the periods Art. 45
excludes: hearing, testing, inspection, expert review), resume it, extend it once.

Each is a use case: it takes the caller and checks them (staff of the case's department; an
extension needs an approver or the chief representative), then changes the ledger and lets
clock.recompute set the due dates again, in the caller's transaction.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from services.cases import clock, events, lifecycle
from services.cases.models import Case, CaseTransition, ClockPause, Extension
from services.cases.queries import case_version, find_case
from shared.auth import Caller
from shared.clock import now, today
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument

PAUSE_REASONS = ("correction", "hearing", "testing", "inspection", "expert_review")
# 《行政许可法》 Art. 42: 20 working days, +10 with the approval of the organ's head;
# Art. 45 joint or centralised handling: 45, +15.
EXTENSION_LADDER = {"joint": 15}
DEFAULT_EXTENSION = 10
MAX_REASON = 2000


def max_extension(case: Case) -> int:
    return EXTENSION_LADDER.get(case.case_kind, DEFAULT_EXTENSION)


def pause(session: Session, case_number: str, caller: Caller, *, reason: str, note: str = "") -> ClockPause:
    case = find_case(session, case_number, for_update=True)
    caller.require_department(case.department_code)
    if reason not in PAUSE_REASONS:
        raise InvalidArgument("unknown pause reason", [FieldViolation("reason", f"one of {', '.join(PAUSE_REASONS)}")])
    if case.status not in lifecycle.CLOCK_RUNNING:
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; its clock is not running")
    if any(p.ended_on is None for p in clock.pauses(session, case)):
        raise FailedPrecondition(f"the clock of case {case.case_number} is already paused")
    row = ClockPause(
        case_id=case.id, reason=reason, note=note[:2000], started_on=today(session), started_by=caller.staff_id
    )
    session.add(row)
    session.flush()
    clock.recompute(session, case, case_version(session, case))
    return row


def resume(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    """End the open pause the day before today: today counts again. The resumption is a row
    of the history (the state stays: from_status == to_status) with the reason staff gave."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidArgument("the reason is too long", [FieldViolation("reason", f"at most {MAX_REASON} characters")])
    case = find_case(session, case_number, for_update=True)
    caller.require_department(case.department_code)
    open_pauses = [p for p in clock.pauses(session, case) if p.ended_on is None]
    if not open_pauses:
        raise FailedPrecondition(f"the clock of case {case.case_number} is not paused")
    day = today(session)
    for row in open_pauses:
        # Paused and resumed on one day: the day still counts (an empty pause is dropped).
        if row.started_on >= day:
            session.delete(row)
        else:
            row.ended_on = day - timedelta(days=1)
    session.flush()
    clock.recompute(session, case, case_version(session, case))
    session.add(
        CaseTransition(
            case_id=case.id,
            from_status=case.status,
            to_status=case.status,
            actor=caller.staff_id,
            reason=f"恢复计时：{reason}" if reason else "恢复计时",
            at=now(session),
        )
    )
    return case


def extend(session: Session, case_number: str, caller: Caller, *, extra_days: int, reason: str) -> Extension:
    """The law's ladder: one extension per case, up to 10 working days (15 for joint
    handling), approved by an approver or the chief representative, the reason told to the
    applicant (ExtensionGranted event)."""
    caller.require_role("approver", "chief_representative")
    case = find_case(session, case_number, for_update=True)
    caller.require_department(case.department_code)
    problems = []
    if not reason.strip():
        problems.append(FieldViolation("reason", "is required: the applicant is told why"))
    if not 1 <= extra_days <= max_extension(case):
        problems.append(FieldViolation("extra_days", f"between 1 and {max_extension(case)} working days"))
    if problems:
        raise InvalidArgument("the extension is invalid", problems)
    if case.status not in lifecycle.CLOCK_RUNNING:
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; only a running clock can be extended")
    if clock.extension_days(session, case):
        raise FailedPrecondition(f"case {case.case_number} was extended once already; the law allows one extension")
    row = Extension(
        case_id=case.id, extra_days=extra_days, approver=caller.staff_id, reason=reason.strip(), granted_at=now(session)
    )
    session.add(row)
    session.flush()
    clock.recompute(session, case, case_version(session, case))
    events.extension_granted(session, case, extra_days=extra_days, approver=caller.staff_id, reason=row.reason)
    return row
