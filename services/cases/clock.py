"""The working-day clock of a case: due dates from acceptance, pauses and extensions.

The limits come from the item version the case was received under. The promised and the
statutory limit run side by side from the day of acceptance (day 0; see shared.workdays for
the counting convention). Pauses (correction, and the periods Art. 45 excludes: hearing,
testing, inspection, expert review) are ledger rows; extensions add working days to both
limits. Every change recomputes the due dates from the ledger, never by adjusting them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import lifecycle
from services.cases.models import Case, ClockPause, Extension, ServiceItemVersion
from shared.auth import Caller
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from shared.timeutil import shanghai_day, utcnow
from shared.workdays import WorkingDayCalendar, load_arrangement

PAUSE_REASONS = ("correction", "hearing", "testing", "inspection", "expert_review")
# 《行政许可法》 Art. 42: 20 working days, +10 with the approval of the organ's head;
# Art. 45 joint or centralised handling: 45, +15.
EXTENSION_LADDER = {"joint": 15}
DEFAULT_EXTENSION = 10
ARRANGEMENTS = Path(__file__).resolve().parents[2] / "shared" / "calendars"


@lru_cache(maxsize=1)
def calendar() -> WorkingDayCalendar:
    """Seeded from the packages (official to 2026, provisional after), plus every official
    arrangement file kept in shared/calendars."""
    result = WorkingDayCalendar.seeded(2004, date.today().year + 3)
    for path in sorted(ARRANGEMENTS.glob("arrangement-*.yaml")):
        arrangement = load_arrangement(path)
        if arrangement.year in result.years:
            result = result.with_arrangement(arrangement)
    return result


def pauses(session: Session, case: Case) -> list[ClockPause]:
    return list(session.scalars(sa.select(ClockPause).where(ClockPause.case_id == case.id).order_by(ClockPause.id)))


def extension_days(session: Session, case: Case) -> int:
    total = session.scalar(sa.select(sa.func.sum(Extension.extra_days)).where(Extension.case_id == case.id))
    return int(total or 0)


def recompute(session: Session, case: Case, version: ServiceItemVersion, cal: WorkingDayCalendar | None = None) -> None:
    """Set the case's due dates from acceptance, the pause ledger and the extensions."""
    if case.accepted_on is None:
        return
    cal = cal or calendar()
    ledger = [(p.started_on, p.ended_on) for p in pauses(session, case)]
    extra = extension_days(session, case)
    promised = cal.deadline(case.accepted_on, version.promised_days + extra, ledger)
    statutory = cal.deadline(case.accepted_on, version.statutory_days + extra, ledger)
    case.promised_due = promised.due
    case.statutory_due = statutory.due
    case.due_provisional = promised.provisional or statutory.provisional


def working_days_used(case: Case, until: date, cal: WorkingDayCalendar | None = None) -> int:
    """Working days from acceptance to `until` (pauses not subtracted): the processing time."""
    if case.accepted_on is None or until <= case.accepted_on:
        return 0
    return (cal or calendar()).working_days_between(case.accepted_on, until)


def max_extension(case: Case) -> int:
    return EXTENSION_LADDER.get(case.case_kind, DEFAULT_EXTENSION)


# ---------------------------------------------------------------------------- operations
def pause(session: Session, case_number: str, caller: Caller, *, reason: str, note: str = "") -> ClockPause:
    from services.cases.domain import find_case

    case = find_case(session, case_number, for_update=True)
    caller.require_department(case.department_code)
    if reason not in PAUSE_REASONS:
        raise InvalidArgument("unknown pause reason", [FieldViolation("reason", f"one of {', '.join(PAUSE_REASONS)}")])
    if case.status not in lifecycle.CLOCK_RUNNING:
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; its clock is not running")
    if any(p.ended_on is None for p in pauses(session, case)):
        raise FailedPrecondition(f"the clock of case {case.case_number} is already paused")
    row = ClockPause(case_id=case.id, reason=reason, note=note[:2000], started_on=shanghai_day(utcnow()),
                     started_by=caller.staff_id)
    session.add(row)
    session.flush()
    recompute(session, case, _version(session, case))
    return row


def resume(session: Session, case_number: str, caller: Caller) -> Case:
    """End the open pause the day before today: today counts again."""
    from services.cases.domain import find_case

    case = find_case(session, case_number, for_update=True)
    caller.require_department(case.department_code)
    open_pauses = [p for p in pauses(session, case) if p.ended_on is None]
    if not open_pauses:
        raise FailedPrecondition(f"the clock of case {case.case_number} is not paused")
    today = shanghai_day(utcnow())
    for row in open_pauses:
        # Paused and resumed on one day: the day still counts (an empty pause is dropped).
        if row.started_on >= today:
            session.delete(row)
        else:
            row.ended_on = today - timedelta(days=1)
    session.flush()
    recompute(session, case, _version(session, case))
    return case


def extend(session: Session, case_number: str, caller: Caller, *, extra_days: int, reason: str) -> Extension:
    """The law's ladder: one extension per case, up to 10 working days (15 for joint
    handling), approved by an approver or the chief representative, the reason told to the
    applicant (ExtensionGranted event)."""
    from services.cases import events
    from services.cases.domain import find_case

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
    if extension_days(session, case):
        raise FailedPrecondition(f"case {case.case_number} was extended once already; the law allows one extension")
    row = Extension(case_id=case.id, extra_days=extra_days, approver=caller.staff_id, reason=reason.strip(),
                    granted_at=utcnow())
    session.add(row)
    session.flush()
    recompute(session, case, _version(session, case))
    events.extension_granted(session, case, extra_days=extra_days, approver=caller.staff_id, reason=row.reason)
    return row


def _version(session: Session, case: Case) -> ServiceItemVersion:
    version = session.get(ServiceItemVersion, case.item_version_id) if case.item_version_id else None
    if version is None:
        raise FailedPrecondition(f"case {case.case_number} has no item version")
    return version
