"""The working-day clock of a case: due dates from acceptance, pauses and extensions.

The limits come from the item version the case was received under. The promised and the
statutory limit run side by side from the day of acceptance (day 0; see shared.workdays for
the counting convention). Pauses (correction, and the periods Art. 45 excludes: hearing,
testing, inspection, expert review) are ledger rows; extensions add working days to both
limits. Every change recomputes the due dates from the ledger, never by adjusting them.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, object_session

from services.cases import lifecycle
from services.cases.models import Case, ClockPause, Extension, HolidayArrangement, ServiceItemVersion
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


# How long a calendar asked for without a session is trusted before it is checked against the
# database it came from again (see calendar()).
REFRESH_SECONDS = 60.0
log = logging.getLogger(__name__)


def _last_year() -> int:
    return date.today().year + 3


@lru_cache(maxsize=2)
def base_calendar(last_year: int) -> WorkingDayCalendar:
    """Seeded from the packages (official to 2026, provisional after) up to last_year, plus
    every official arrangement file kept in shared/calendars."""
    result = WorkingDayCalendar.seeded(2004, last_year)
    for path in sorted(ARRANGEMENTS.glob("arrangement-*.yaml")):
        arrangement = load_arrangement(path)
        if arrangement.year in result.years:
            result = result.with_arrangement(arrangement)
    return result


def calendar(session: Session | None = None) -> WorkingDayCalendar:
    """The hall's calendar: the base calendar (seeded three years ahead, plus the files) and
    every arrangement imported into the cases database (holiday_arrangements; a stored year
    replaces what the packages and the files said of it). Every replica computes the same
    calendar from the same rows.

    With a session: one small query (the year and content digest of each stored arrangement,
    a row a year) per call; the calendar built from those rows is cached process-wide by that
    key, so it is rebuilt only when the database holds different arrangements. Pass the
    session whenever there is one.
    Without a session: the calendar this process last resolved from its database, checked
    against that database again when it is older than REFRESH_SECONDS; before any, the base.
    """
    if session is not None:
        return _CACHE.resolve(session)
    return _CACHE.latest()


def reset_calendar_cache() -> None:
    """Forget every calendar built from a database (tests; an operator's console)."""
    _CACHE.clear()


class _CalendarCache:
    """Calendars by (base year, stored arrangements), and the one this process saw last."""

    MAX_BUILT = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: OrderedDict[tuple, WorkingDayCalendar] = OrderedDict()
        self._latest: WorkingDayCalendar | None = None
        self._engine: weakref.ReferenceType[Engine] | None = None
        self._checked = 0.0

    def clear(self) -> None:
        with self._lock:
            self._built.clear()
            self._latest, self._engine, self._checked = None, None, 0.0

    def resolve(self, session: Session) -> WorkingDayCalendar:
        last_year = _last_year()
        stamp = tuple(
            (int(year), digest)
            for year, digest in session.execute(
                sa.select(HolidayArrangement.year, HolidayArrangement.content_sha256).order_by(HolidayArrangement.year)
            )
        )
        key = (last_year, stamp)
        with self._lock:
            result = self._built.get(key)
            if result is not None:
                self._built.move_to_end(key)
        if result is None:
            # Key and calendar from the same rows, so a commit between the two queries
            # cannot file a calendar under the wrong key.
            rows = list(session.scalars(sa.select(HolidayArrangement).order_by(HolidayArrangement.year)))
            key = (last_year, tuple((row.year, row.content_sha256) for row in rows))
            result = compose([row.content for row in rows], last_year)
            with self._lock:
                self._built[key] = result
                while len(self._built) > self.MAX_BUILT:
                    self._built.popitem(last=False)
        with self._lock:
            self._latest, self._checked = result, time.monotonic()
            self._engine = weakref.ref(session.get_bind().engine)
        return result

    def latest(self) -> WorkingDayCalendar:
        with self._lock:
            result, engine_ref, checked = self._latest, self._engine, self._checked
        if result is None:
            return base_calendar(_last_year())
        engine = engine_ref() if engine_ref is not None else None
        if engine is None or time.monotonic() - checked < REFRESH_SECONDS:
            return result
        try:
            with Session(engine) as session:
                return self.resolve(session)
        except sa.exc.SQLAlchemyError as error:  # the database is away: keep what we have
            log.warning("working-day calendar not re-checked against the database: %s", error)
            with self._lock:
                self._checked = time.monotonic()
            return result


def compose(stored: Iterable[dict[str, Any]], last_year: int | None = None) -> WorkingDayCalendar:
    """The base calendar with stored arrangements (calendar_admin.document form) applied in
    year order, the one way both calendar() and an import build it."""
    from services.cases.calendar_admin import from_document

    result = base_calendar(last_year or _last_year())
    for content in sorted(stored, key=lambda c: int(c["year"])):
        result = result.with_arrangement(from_document(content))
    return result


_CACHE = _CalendarCache()


def pauses(session: Session, case: Case) -> list[ClockPause]:
    return list(session.scalars(sa.select(ClockPause).where(ClockPause.case_id == case.id).order_by(ClockPause.id)))


def extension_days(session: Session, case: Case) -> int:
    total = session.scalar(sa.select(sa.func.sum(Extension.extra_days)).where(Extension.case_id == case.id))
    return int(total or 0)


def recompute(session: Session, case: Case, version: ServiceItemVersion, cal: WorkingDayCalendar | None = None) -> None:
    """Set the case's due dates from acceptance, the pause ledger and the extensions."""
    if case.accepted_on is None:
        return
    cal = cal or calendar(session)
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
    return (cal or calendar(object_session(case))).working_days_between(case.accepted_on, until)


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
