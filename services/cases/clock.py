"""The working-day clock of a case: the hall's calendar and the due dates it gives.

The limits come from the item version the case was received under. The promised and the
statutory limit run side by side from the day of acceptance (day 0; see shared.workdays for
the counting convention). Pauses (correction, and the periods Art. 45 excludes: hearing,
testing, inspection, expert review) are ledger rows; extensions add working days to both
limits. Every change recomputes the due dates from the ledger, never by adjusting them
(recompute). What staff do to the clock (pause, resume, extend) is in deadlines.py.

A joint case's pending tasks run on the same clock: each task's deadline is its item's
promised limit plus the case's extension, with the case's pauses (recompute sets both).

How a due date is told (told, due_dates, due_note): a date that leans on a year whose
arrangement is not published is "provisional" (暂定) and names that year; a date not known
because an open pause holds the clock is said in words (PAUSED_WORDS), never left empty.

The calendar is the packages' and shared/calendars' (base_calendar) with the arrangements
stored in the cases database applied (calendar); the stored form of an arrangement is
document / from_document here, because the calendar is built from it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, object_session

from services.cases.models import Case, ClockPause, Extension, HolidayArrangement, JointTask, ServiceItemVersion
from services.cases.queries import find_version_in_force
from shared.clock import today
from shared.timeutil import shanghai_day, utcnow
from shared.workdays import Arrangement, HolidayPeriod, WorkingDayCalendar, YearStatus, load_arrangement

ARRANGEMENTS = Path(__file__).resolve().parents[2] / "shared" / "calendars"


# How long a calendar asked for without a session is trusted before it is checked against the
# database it came from again (see calendar()).
REFRESH_SECONDS = 60.0
log = logging.getLogger(__name__)


def horizon(day: date) -> int:
    """The last year the base calendar is seeded for, seen from `day`: three years ahead."""
    return day.year + 3


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


# (last base year, ((year, content digest) of each stored arrangement, by year))
CacheKey = tuple[int, tuple[tuple[int, str], ...]]


class _CalendarCache:
    """Calendars by (base year, stored arrangements), and the one this process saw last."""

    MAX_BUILT = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: OrderedDict[CacheKey, WorkingDayCalendar] = OrderedDict()
        self._latest: WorkingDayCalendar | None = None
        self._engine: weakref.ReferenceType[Engine] | None = None
        self._checked = 0.0

    def clear(self) -> None:
        with self._lock:
            self._built.clear()
            self._latest, self._engine, self._checked = None, None, 0.0

    def resolve(self, session: Session) -> WorkingDayCalendar:
        last_year = horizon(today(session))
        stamp = tuple(
            (int(year), digest)
            for year, digest in session.execute(
                sa.select(HolidayArrangement.year, HolidayArrangement.content_sha256).order_by(HolidayArrangement.year)
            )
        )
        key: CacheKey = (last_year, stamp)
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
            # No session at hand, so the system's date decides the horizon.
            return base_calendar(horizon(shanghai_day(utcnow())))
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
    """The base calendar with stored arrangements (the `document` form) applied in year
    order, the one way both calendar() and an import build it."""
    result = base_calendar(last_year or horizon(shanghai_day(utcnow())))
    for content in sorted(stored, key=lambda c: int(c["year"])):
        result = result.with_arrangement(from_document(content))
    return result


_CACHE = _CalendarCache()


def pauses(session: Session, case: Case) -> list[ClockPause]:
    return list(session.scalars(sa.select(ClockPause).where(ClockPause.case_id == case.id).order_by(ClockPause.id)))


def open_pause(session: Session, case: Case) -> ClockPause | None:
    """The pause holding the case's clock now, if any."""
    return session.scalar(
        sa.select(ClockPause).where(ClockPause.case_id == case.id, ClockPause.ended_on.is_(None)).limit(1)
    )


def ledger(rows: Iterable[ClockPause]) -> list[tuple[date, date | None]]:
    """The pauses as the working-day clock takes them; a pause resumed the day it began
    (ended_on before started_on) stopped no day and is left out."""
    return [(p.started_on, p.ended_on) for p in rows if p.ended_on is None or p.ended_on >= p.started_on]


def extension_days(session: Session, case: Case) -> int:
    total = session.scalar(sa.select(sa.func.sum(Extension.extra_days)).where(Extension.case_id == case.id))
    return int(total or 0)


# A joint task still to be decided (services.cases.joint.PENDING): its deadline moves with the case.
_PENDING_TASK = "pending"


def recompute(
    session: Session, case: Case, version: ServiceItemVersion, cal: WorkingDayCalendar | None = None
) -> list[dict[str, Any]]:
    """Set the case's due dates, and its pending joint tasks' deadlines, from acceptance, the
    pause ledger and the extensions. Returns the task deadlines that moved:
    [{"department_code", "old_due", "new_due"}] (ISO dates or None)."""
    if case.accepted_on is None:
        return []
    cal = cal or calendar(session)
    stops = ledger(pauses(session, case))
    extra = extension_days(session, case)
    promised = cal.deadline(case.accepted_on, version.promised_days + extra, stops)
    statutory = cal.deadline(case.accepted_on, version.statutory_days + extra, stops)
    case.promised_due = promised.due
    case.statutory_due = statutory.due
    case.due_provisional = promised.provisional or statutory.provisional
    return schedule_tasks(session, case, cal, stops=stops, extra=extra)


def schedule_tasks(
    session: Session,
    case: Case,
    cal: WorkingDayCalendar,
    *,
    stops: Sequence[tuple[date, date | None]] | None = None,
    extra: int | None = None,
    pending_only: bool = True,
) -> list[dict[str, Any]]:
    """Each (pending) joint task's deadline: its item's promised limit, in force on the day of
    acceptance, plus the case's extension, with the case's pauses; None while an open pause
    holds the clock. A decided task keeps the deadline it was decided under. Returns the
    deadlines that moved (as recompute)."""
    if case.accepted_on is None:
        return []
    stops = ledger(pauses(session, case)) if stops is None else stops
    extra = extension_days(session, case) if extra is None else extra
    query = sa.select(JointTask).where(JointTask.case_id == case.id).order_by(JointTask.id)
    if pending_only:
        query = query.where(JointTask.status == _PENDING_TASK)
    moved = []
    for task in session.scalars(query):
        version = find_version_in_force(session, task.item_code, case.accepted_on)
        if version is None:
            continue
        deadline = cal.deadline(case.accepted_on, version.promised_days + extra, stops)
        if deadline.due != task.due_on:
            moved.append(
                {"department_code": task.department_code, "old_due": _iso(task.due_on), "new_due": _iso(deadline.due)}
            )
        task.due_on, task.due_provisional = deadline.due, deadline.provisional
    return moved


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ------------------------------------------------------------------ a due date, as told
PAUSED_WORDS = "计时暂停中，恢复计时后另行告知"


def provisional_years(cal: WorkingDayCalendar, start: date | None, due: date | None) -> tuple[int, ...]:
    """The years whose unpublished arrangement a due date leans on: every provisional day the
    clock walks over, (start, due], names its own year when that year is provisional, or the
    next year when it is in the last days of December (the next year's notice may move New
    Year's holiday into them). Empty for a firm date (or none)."""
    if start is None or due is None:
        return ()
    years: set[int] = set()
    day = start
    while day < due:
        day += timedelta(days=1)
        if cal.is_provisional(day):
            years.add(day.year if cal.years.get(day.year) is YearStatus.PROVISIONAL else day.year + 1)
    return tuple(sorted(years))


def provisional_words(years: Sequence[int]) -> str:
    """e.g. "暂定：2027年节假日安排尚未公布"."""
    named = "、".join(f"{y}年" for y in years) if years else "相关年度"
    return f"暂定：{named}节假日安排尚未公布"


def told(day: date | None, years: Sequence[int] = ()) -> str:
    """A due date in the applicant's words: "2027年01月14日（暂定：2027年节假日安排尚未公布）"
    when provisional; PAUSED_WORDS when it is not known (an open pause holds the clock)."""
    if day is None:
        return PAUSED_WORDS
    return f"{day:%Y年%m月%d日}" + (f"（{provisional_words(years)}）" if years else "")


@dataclass(frozen=True)
class DueDates:
    """A case's due dates as they are told: each with the years it provisionally leans on."""

    promised: date | None
    statutory: date | None
    promised_years: tuple[int, ...]
    statutory_years: tuple[int, ...]
    paused: bool

    @property
    def promised_text(self) -> str:
        return told(self.promised, self.promised_years)

    @property
    def statutory_text(self) -> str:
        return told(self.statutory, self.statutory_years)

    @property
    def note(self) -> str:
        """What qualifies the dates: PAUSED_WORDS, the provisional words, or ""."""
        if self.paused and (self.promised is None or self.statutory is None):
            return PAUSED_WORDS
        years = sorted(set(self.promised_years) | set(self.statutory_years))
        return provisional_words(years) if years else ""


def due_dates(session: Session, case: Case, cal: WorkingDayCalendar | None = None) -> DueDates:
    """The case's current due dates (as recompute left them) and what qualifies them."""
    promised_years: tuple[int, ...] = ()
    statutory_years: tuple[int, ...] = ()
    # due_provisional is exact (recompute walks the same days), so a firm case needs no walk:
    # the statutory limit walks every day the promised one does, and more.
    if case.due_provisional:
        cal = cal or calendar(session)
        promised_years = provisional_years(cal, case.accepted_on, case.promised_due)
        statutory_years = provisional_years(cal, case.accepted_on, case.statutory_due)
    return DueDates(
        promised=case.promised_due,
        statutory=case.statutory_due,
        promised_years=promised_years,
        statutory_years=statutory_years,
        paused=open_pause(session, case) is not None,
    )


def due_note(session: Session, case: Case) -> str:
    """The Case message's due_note: see DueDates.note."""
    return due_dates(session, case).note if case.accepted_on is not None else ""


def working_days_used(case: Case, until: date, cal: WorkingDayCalendar | None = None) -> int:
    """Working days from acceptance to `until` (pauses not subtracted): the processing time."""
    if case.accepted_on is None or until <= case.accepted_on:
        return 0
    return (cal or calendar(object_session(case))).working_days_between(case.accepted_on, until)


# --------------------------------------------------------------- an arrangement, stored
def document(arrangement: Arrangement) -> dict[str, Any]:
    """The arrangement as JSON-able data in a canonical order (ISO dates, sorted): what
    holiday_arrangements.content holds."""
    return {
        "year": arrangement.year,
        "notice": arrangement.notice,
        "test_fixture": arrangement.test_fixture,
        "holidays": [
            {"name": p.name, "first_day": p.first_day.isoformat(), "last_day": p.last_day.isoformat()}
            for p in sorted(arrangement.holidays, key=lambda p: (p.first_day, p.last_day, p.name))
        ],
        "adjusted_working_days": sorted(d.isoformat() for d in arrangement.adjusted_working_days),
    }


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def from_document(content: dict[str, Any]) -> Arrangement:
    """The stored arrangement back (validated again by Arrangement itself)."""
    return Arrangement(
        year=int(content["year"]),
        holidays=tuple(
            HolidayPeriod(h["name"], date.fromisoformat(h["first_day"]), date.fromisoformat(h["last_day"]))
            for h in content["holidays"]
        ),
        adjusted_working_days=tuple(date.fromisoformat(d) for d in content["adjusted_working_days"]),
        notice=str(content.get("notice") or ""),
        test_fixture=bool(content.get("test_fixture", False)),
    )
