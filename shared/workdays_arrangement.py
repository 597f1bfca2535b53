"""The State Council's yearly holiday arrangement (国务院办公厅关于某年部分节假日安排的通知) as data.

Each November or so the General Office of the State Council publishes the next year's
arrangement: every holiday period (name, first day, last day) and the weekend days that become
working days (调休上班). The hall types it into a YAML file (format: shared/calendars/README
comment at the top of arrangement-2026.yaml), loads it with `load_arrangement` and applies it
with `WorkingDayCalendar.with_arrangement` (shared/workdays.py).

An `Arrangement` is validated when it is built, so an invalid one cannot exist:
- every holiday period has a name and first_day <= last_day, at most MAX_PERIOD_DAYS long;
- every day lies in the arrangement's year, except the New Year spill-over: the 元旦 holiday of
  year Y may begin, and a weekend before it may be made a working day, in the last days of
  December of Y-1 (from SPILLOVER_FROM on; e.g. the 2019 notice: 2018-12-30..2019-01-01 off,
  2018-12-29 working). Nothing may reach into Y+1;
- an adjusted working day is a Saturday or Sunday (a weekday is a working day anyway, so a
  weekday in that list is a typo), listed once;
- holiday periods do not overlap and no day is both a holiday and an adjusted working day.
All problems are collected and raised together as one ArrangementError, field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from shared.errors import FieldViolation, InvalidArgument

# The last days of December that a notice for the following year may touch.
SPILLOVER_FROM = (12, 25)
MAX_PERIOD_DAYS = 15
_KEYS = {"year", "notice", "test_fixture", "holidays", "adjusted_working_days"}
_PERIOD_KEYS = {"name", "first_day", "last_day"}


class ArrangementError(InvalidArgument):
    """An arrangement that cannot be right; `violations` names every bad field."""


class HolidayPeriod(NamedTuple):
    name: str
    first_day: date
    last_day: date

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]


def in_spillover(day: date, year: int) -> bool:
    """True for a day in the last days of December of `year - 1`, which year's notice may touch."""
    return day.year == year - 1 and (day.month, day.day) >= SPILLOVER_FROM


@dataclass(frozen=True)
class Arrangement:
    year: int
    holidays: tuple[HolidayPeriod, ...]
    adjusted_working_days: tuple[date, ...]
    notice: str = ""  # the notice's title and number, recorded as the source of every day
    test_fixture: bool = False  # True only for made-up arrangements used in tests
    _days: dict[date, tuple[bool, str | None]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", tuple(HolidayPeriod(*p) for p in self.holidays))
        object.__setattr__(self, "adjusted_working_days", tuple(self.adjusted_working_days))
        problems = _problems(self)
        if problems:
            raise ArrangementError(
                f"holiday arrangement for {self.year!r} is invalid: "
                + "; ".join(f"{p.field}: {p.description}" for p in problems),
                problems,
            )
        days: dict[date, tuple[bool, str | None]] = {}
        for period in self.holidays:
            for day in period.days():
                days[day] = (False, period.name)
        for day in self.adjusted_working_days:
            days[day] = (True, None)
        object.__setattr__(self, "_days", days)

    def days(self) -> dict[date, tuple[bool, str | None]]:
        """Every day the notice names: day -> (is_working_day, holiday name or None)."""
        return dict(self._days)


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _problems(arrangement: Arrangement) -> list[FieldViolation]:
    year = arrangement.year
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 2200:
        return [FieldViolation("year", f"must be a year such as 2027, got {year!r}")]
    problems: list[FieldViolation] = []
    seen: dict[date, str] = {}
    for i, period in enumerate(arrangement.holidays):
        where = f"holidays[{i}]"
        if not isinstance(period.name, str) or not period.name.strip():
            problems.append(FieldViolation(f"{where}.name", "a holiday needs a name, e.g. 春节"))
        bad = [k for k in ("first_day", "last_day") if not _is_date(getattr(period, k))]
        for k in bad:
            problems.append(FieldViolation(f"{where}.{k}", f"must be a date (YYYY-MM-DD), got {getattr(period, k)!r}"))
        if bad:
            continue
        if period.first_day > period.last_day:
            problems.append(FieldViolation(where, f"first_day {period.first_day} is after last_day {period.last_day}"))
            continue
        if (period.last_day - period.first_day).days + 1 > MAX_PERIOD_DAYS:
            problems.append(
                FieldViolation(where, f"{period.first_day}..{period.last_day} is longer than {MAX_PERIOD_DAYS} days")
            )
            continue
        if period.last_day.year != year:
            problems.append(FieldViolation(f"{where}.last_day", f"{period.last_day} is not in {year}"))
            continue
        if period.first_day.year != year and not in_spillover(period.first_day, year):
            problems.append(
                FieldViolation(
                    f"{where}.first_day",
                    f"{period.first_day} is not in {year}; "
                    f"only the New Year holiday may begin in late December of {year - 1}",
                )
            )
            continue
        for day in period.days():
            if day in seen:
                problems.append(FieldViolation(where, f"{day} is already in holiday {seen[day]!r}"))
                break
            seen[day] = period.name
    working: set[date] = set()
    for i, day in enumerate(arrangement.adjusted_working_days):
        where = f"adjusted_working_days[{i}]"
        if not _is_date(day):
            problems.append(FieldViolation(where, f"must be a date (YYYY-MM-DD), got {day!r}"))
        elif day.year != year and not in_spillover(day, year):
            problems.append(FieldViolation(where, f"{day} is not in {year} (nor in late December of {year - 1})"))
        elif day.weekday() < 5:
            problems.append(
                FieldViolation(where, f"{day} is a {day:%A}, a working day anyway; only a weekend can be adjusted")
            )
        elif day in working:
            problems.append(FieldViolation(where, f"{day} is listed twice"))
        elif day in seen:
            problems.append(FieldViolation(where, f"{day} is both a working day and part of holiday {seen[day]!r}"))
        else:
            working.add(day)
    return problems


def _as_date(value: Any) -> Any:
    """YAML gives unquoted dates as date objects; a quoted ISO date is accepted too."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def load_arrangement(path: str | Path, *, allow_test_fixture: bool = False) -> Arrangement:
    """Read and validate an arrangement YAML file; every problem raises ArrangementError.

    A file marked `test_fixture: true` is refused unless allow_test_fixture=True, so a made-up
    test arrangement can never become the hall's official calendar by mistake.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ArrangementError(f"cannot read arrangement file {path}: {error}") from error
    except yaml.YAMLError as error:
        raise ArrangementError(f"arrangement file {path} is not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ArrangementError(f"arrangement file {path} must be a mapping with keys {sorted(_KEYS)}")
    problems = [FieldViolation(str(k), "unknown key") for k in raw if k not in _KEYS]
    problems += [FieldViolation(k, "missing") for k in ("year", "holidays", "adjusted_working_days") if k not in raw]
    periods, working = raw.get("holidays") or [], raw.get("adjusted_working_days") or []
    if not isinstance(periods, list):
        problems.append(FieldViolation("holidays", "must be a list of {name, first_day, last_day}"))
    if not isinstance(working, list):
        problems.append(FieldViolation("adjusted_working_days", "must be a list of dates"))
    if "test_fixture" in raw and not isinstance(raw["test_fixture"], bool):
        problems.append(FieldViolation("test_fixture", "must be true or false"))
    for i, period in enumerate(periods if isinstance(periods, list) else []):
        if not isinstance(period, dict) or set(period) != _PERIOD_KEYS:
            problems.append(FieldViolation(f"holidays[{i}]", f"must have exactly the keys {sorted(_PERIOD_KEYS)}"))
    if problems:
        raise ArrangementError(
            f"arrangement file {path}: " + "; ".join(f"{p.field}: {p.description}" for p in problems), problems
        )
    if raw.get("test_fixture") and not allow_test_fixture:
        raise ArrangementError(
            f"arrangement file {path} is a TEST fixture (test_fixture: true), not an official notice"
        )
    try:
        return Arrangement(
            year=raw["year"],
            holidays=tuple(
                HolidayPeriod(p["name"], _as_date(p["first_day"]), _as_date(p["last_day"])) for p in periods
            ),
            adjusted_working_days=tuple(_as_date(d) for d in working),
            notice=str(raw.get("notice") or ""),
            test_fixture=bool(raw.get("test_fixture", False)),
        )
    except ArrangementError as error:
        raise ArrangementError(f"arrangement file {path}: {error.message}", error.violations) from None
