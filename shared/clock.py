"""The one seam for "now": a clock carried by every session a service opens.

Domain code asks `now(session)` / `today(session)` instead of reading the system time, so a
test sets the hour once for everything it runs (no module patching), and an operator can
later run the time-driven rules as of a chosen moment with the same code. The clock rides
in `session.info`, which SQLAlchemy copies from the session factory into every session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from shared.timeutil import shanghai_day

CLOCK_KEY = "servicehall.clock"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


@dataclass
class ShiftedClock:
    """The system time moved by an offset that the holder can advance (tests, rehearsals):
    time still passes, so ordering by timestamps keeps working."""

    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        """From now on the clock reads `moment` (and keeps running from there)."""
        self.offset = moment - datetime.now(UTC)


def clock_of(session: Session) -> Clock:
    clock = session.info.get(CLOCK_KEY)
    return clock if clock is not None else SYSTEM_CLOCK


def now(session: Session) -> datetime:
    return clock_of(session).now()


def today(session: Session) -> date:
    """The hall's calendar day (Asia/Shanghai) by the session's clock."""
    return shanghai_day(now(session))


def session_info(clock: Clock) -> dict[str, object]:
    """The `info` a session factory is made with so that its sessions carry `clock`."""
    return {CLOCK_KEY: clock}
