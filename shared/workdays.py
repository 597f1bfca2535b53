"""The hall's working-day calendar: Chinese working days, deadlines and their pauses.

A day is a working day by the weekday rule (Monday to Friday work, Saturday and Sunday off)
unless the calendar holds an override for it: a public holiday (off) or an adjusted working
weekend (调休上班, on). Every override records where it came from.

Years have a status:
- official: the State Council's arrangement for the year is known, from the `chinese_calendar`
  package (it knows 2004-2026 in version 1.11.0) or from an imported arrangement file
  (shared/workdays_arrangement.py, `with_arrangement`);
- provisional: not published yet; the statutory holidays come from the `holidays` package,
  computed by rule, and the adjusted working weekends are unknown (so none).
The last days of December (from SPILLOVER_FROM) are provisional as well while the next year is
not official: the next year's notice may move its New Year holiday into them (the 2019 notice
made 2018-12-29 a working day and 2018-12-30..31 holidays).
A date in a year the calendar does not cover raises YearNotCovered; the packages' own
NotImplementedError never reaches the caller.

Counting convention (《行政许可法》第八十二条: time limits are working days, statutory holidays
excluded; as for every statutory period, the day it begins on is not counted, so the period
counts from the next day):
- the day of acceptance is day 0 and is never counted, whether it is a working day or not;
- the first working day after it is day 1; a limit of n working days is due on day n, i.e.
  `add_working_days(start, n).due` is the n-th working day after `start`;
- a limit of 0 (an instant case, 即办件) is due on the start day itself;
- `working_days_between(start, end)` counts the working days in (start, end], so
  `working_days_between(start, add_working_days(start, n).due) == n`.

Pauses (补正 correction, and the time 《行政许可法》第四十五条 excludes: hearing, inspection,
testing, quarantine, expert review): a pause (a, b) stops the clock from day a to day b, both
inclusive; working days inside it are not counted, so a closed pause moves the deadline by
exactly the working days it covers that would otherwise have counted. An open pause (a, None)
means the applicant or the inspection has not come back yet: if the clock reaches day a before
the limit is used up, the deadline is unknown and is reported as `Deadline(due=None,
paused=True, used=k)`, k being the working days already counted; recompute it with the closed
pause when the case resumes. An open pause that starts after the due day does not matter.

A Deadline is provisional when any day walked over - counted, skipped as a day off, or skipped
as paused - is provisional; the start day itself is not consulted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

import chinese_calendar

from shared.errors import FailedPrecondition
from shared.workdays_arrangement import (
    SPILLOVER_FROM,
    Arrangement,
    ArrangementError,
    HolidayPeriod,
    load_arrangement,
)

__all__ = [
    "Arrangement",
    "ArrangementError",
    "DayChange",
    "Deadline",
    "HolidayPeriod",
    "Override",
    "WorkingDayCalendar",
    "YearNotCovered",
    "YearStatus",
    "diff",
    "load_arrangement",
]

ONE_DAY = timedelta(days=1)
Pause = tuple[date, "date | None"]


class YearNotCovered(FailedPrecondition):
    """A date in a year the calendar has no data for (neither official nor provisional)."""


class YearStatus(str, enum.Enum):
    OFFICIAL = "official"
    PROVISIONAL = "provisional"


class Override(NamedTuple):
    """A day whose status is set by data rather than by the weekday rule."""

    working: bool
    source: str  # e.g. "chinese_calendar 1.11.0", "holidays 0.109 (rule-based)", "arrangement 2027: <notice>"
    name: str | None = None  # the holiday (for an adjusted working day: the one it makes up for, if known)
    year: int | None = None  # the year whose arrangement set this day (differs in late December)


@dataclass(frozen=True)
class Deadline:
    """When a time limit runs out. due is None only while an open pause holds the clock."""

    due: date | None
    provisional: bool
    paused: bool = False
    used: int = 0  # working days counted (== the limit when due is known)


@dataclass(frozen=True)
class DayChange:
    """A day whose working status differs between two calendars (see diff)."""

    day: date
    was_working: bool
    is_working: bool
    old_source: str | None  # None: the weekday rule
    new_source: str | None


def _rule(day: date) -> bool:
    return day.weekday() < 5


class WorkingDayCalendar:
    """An immutable working-day calendar: overrides on top of the weekday rule, and year statuses."""

    def __init__(self, overrides: Mapping[date, Override | tuple], years: Mapping[int, YearStatus | str]) -> None:
        self._overrides: Mapping[date, Override] = MappingProxyType(
            {day: o if isinstance(o, Override) else Override(*o) for day, o in overrides.items()}
        )
        self._years: Mapping[int, YearStatus] = MappingProxyType({y: YearStatus(s) for y, s in sorted(years.items())})

    # ---- construction -------------------------------------------------------------------------

    @classmethod
    def seeded(cls, first_year: int, last_year: int) -> WorkingDayCalendar:
        """Official years from chinese_calendar, the later ones provisional from holidays.China."""
        return _seeded(first_year, last_year)

    def with_arrangement(self, arrangement: Arrangement) -> WorkingDayCalendar:
        """A new calendar in which the arrangement's year is official, replacing what it had.

        Every override the year's earlier data set (provisional holidays, or an earlier import)
        is dropped and the notice's days are set; late-December days of the previous year that
        the notice names are set too. The year is added if the calendar did not cover it.
        """
        if not isinstance(arrangement, Arrangement):
            raise TypeError(f"expected an Arrangement, got {type(arrangement).__name__}")
        year = arrangement.year
        source = f"arrangement {year}" + (f": {arrangement.notice}" if arrangement.notice else "")
        overrides = {d: o for d, o in self._overrides.items() if (o.year if o.year is not None else d.year) != year}
        for day, (working, name) in arrangement.days().items():
            overrides[day] = Override(working, source, name, year)
        return WorkingDayCalendar(overrides, {**self._years, year: YearStatus.OFFICIAL})

    # ---- inspection ---------------------------------------------------------------------------

    @property
    def years(self) -> Mapping[int, YearStatus]:
        return self._years

    @property
    def overrides(self) -> Mapping[date, Override]:
        return self._overrides

    def covers(self, day: date) -> bool:
        return day.year in self._years

    def _require(self, day: date) -> None:
        if day.year not in self._years:
            first, last = (min(self._years), max(self._years)) if self._years else (None, None)
            raise YearNotCovered(
                f"the working-day calendar has no data for {day.year} (covers {first}..{last}); "
                f"seed it further or import the {day.year} holiday arrangement"
            )

    def _working(self, day: date) -> bool:
        override = self._overrides.get(day)
        return override.working if override is not None else _rule(day)

    def _provisional(self, day: date) -> bool:
        if self._years[day.year] is YearStatus.PROVISIONAL:
            return True
        return (day.month, day.day) >= SPILLOVER_FROM and self._years.get(day.year + 1) is not YearStatus.OFFICIAL

    # ---- queries ------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        self._require(day)
        return self._working(day)

    def is_provisional(self, day: date) -> bool:
        """True when the day's status may still change with an arrangement not yet published."""
        self._require(day)
        return self._provisional(day)

    def source(self, day: date) -> str | None:
        """Where the day's status comes from; None for the plain weekday rule."""
        self._require(day)
        override = self._overrides.get(day)
        return override.source if override is not None else None

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The n-th working day after start (start is day 0; n == 0 is due on start)."""
        return self.deadline(start, n, [])

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in (start, end]; end before start is an error."""
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            self._require(day)
            count += self._working(day)
        return count

    def deadline(self, start: date, limit: int, pauses: Iterable[Pause] = ()) -> Deadline:
        """The due day of a limit of working days from start, with the clock stopped by pauses.

        A pause (a, b) stops the clock on the days a..b inclusive; (a, None) is still open and,
        if the clock reaches a before the limit is used up, gives Deadline(due=None, paused=True).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"a time limit is a number of working days >= 0, got {limit!r}")
        closed: list[tuple[date, date]] = []
        open_from: date | None = None
        for pause in pauses:
            first, last = pause
            if last is None:
                open_from = first if open_from is None else min(open_from, first)
            elif last < first:
                raise ValueError(f"pause ends ({last}) before it begins ({first})")
            else:
                closed.append((first, last))
        day, used, provisional = start, 0, False
        while used < limit:
            day += ONE_DAY
            if open_from is not None and day >= open_from:
                return Deadline(due=None, provisional=provisional, paused=True, used=used)
            self._require(day)
            provisional = provisional or self._provisional(day)
            if any(first <= day <= last for first, last in closed):
                continue
            used += self._working(day)
        return Deadline(due=day, provisional=provisional, paused=False, used=used)


def diff(old: WorkingDayCalendar, new: WorkingDayCalendar) -> tuple[DayChange, ...]:
    """The days whose working status differs between old and new, in date order.

    Only working/off changes are listed (what moves a deadline); a year that merely became
    official without changing a day shows in `new.years`, and deadlines that were provisional
    should be recomputed to clear their flag.
    """
    changes = []
    for day in sorted(set(old.overrides) | set(new.overrides)):
        was, now = old._working(day), new._working(day)
        if was != now:
            before, after = old.overrides.get(day), new.overrides.get(day)
            changes.append(DayChange(day, was, now, before and before.source, after and after.source))
    return tuple(changes)


# ---- seeding from the packages --------------------------------------------------------------------

_NEW_YEAR = "New Year's Day"


def _chinese_calendar_years() -> range:
    """The years chinese_calendar knows (its own rule: the years of its public holiday table)."""

    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def _chinese_calendar_year(year: int) -> dict[date, Override]:
    """The official overrides of one year from chinese_calendar, read through get_holiday_detail."""

    source = f"chinese_calendar {chinese_calendar.__version__}"
    overrides = {}
    day = date(year, 1, 1)
    while day.year == year:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        if name is not None or is_holiday == _rule(day):
            # named days (holidays, also those on weekends, and adjusted working days) and any
            # day that differs from the weekday rule; New Year days in late December belong to
            # the next year's notice.
            owner = year + 1 if day.month == 12 and name == _NEW_YEAR else year
            overrides[day] = Override(not is_holiday, source, name, owner)
        day += ONE_DAY
    return overrides


def _holidays_year(year: int) -> dict[date, Override]:
    """Provisional overrides of one year: the statutory holidays holidays.China computes by rule."""
    import holidays  # noqa: PLC0415 (it loads every country's rules; needed only for years chinese_calendar lacks)

    source = f"holidays {holidays.__version__} (rule-based, provisional; no adjusted weekends)"
    try:
        computed = holidays.China(years=year)
    except Exception as error:  # the package's own limits (lunar tables) surface as a clear error
        raise YearNotCovered(f"the holidays package cannot compute China's holidays for {year}: {error}") from error
    return {day: Override(False, source, name, year) for day, name in sorted(computed.items()) if day.year == year}


@lru_cache(maxsize=16)
def _seeded(first_year: int, last_year: int) -> WorkingDayCalendar:
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    known = _chinese_calendar_years()
    if first_year < known.start:
        raise YearNotCovered(
            f"no official data before {known.start} (chinese_calendar starts there); "
            f"cannot seed {first_year}..{last_year}"
        )
    overrides: dict[date, Override] = {}
    years: dict[int, YearStatus] = {}
    for year in range(first_year, last_year + 1):
        if year in known:
            overrides.update(_chinese_calendar_year(year))
            years[year] = YearStatus.OFFICIAL
        else:
            overrides.update(_holidays_year(year))
            years[year] = YearStatus.PROVISIONAL
    return WorkingDayCalendar(overrides, years)
