"""The working-day clock of a case: the hall's calendar and the due dates it gives.

The limits come from the item version the case was received under. The promised and the
statutory limit run side by side from the day of acceptance (day 0; see shared.workdays for
the counting convention). Pauses (correction, and the periods Art. 45 excludes: hearing,
testing, inspection, expert review) are ledger rows; extensions add working days to both
limits. Every change recomputes the due dates from the ledger, never by adjusting them
(recompute). What staff do to the clock (pause, resume, extend) is in deadlines.py.

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
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, object_session

from services.cases.models import Case, ClockPause, Extension, HolidayArrangement, ServiceItemVersion
from shared.clock import today
from shared.timeutil import shanghai_day, utcnow
from shared.workdays import Arrangement, HolidayPeriod, WorkingDayCalendar, load_arrangement

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
