"""Fingerprint punches (指纹考勤): recording them and reading a staff member's day.

The use cases take the caller and check it here, never in the servicer: a staff member
punches for themselves, now (a typed time would let a late arrival backdate it); a
fingerprint terminal (a department system) punches for the staff of its departments and
may hand in a punch it buffered while offline, up to a day old. A staff member reads their
own punches; managers and the efficiency office everyone's."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.attendance import events
from services.attendance.models import Punch
from shared.auth import Caller
from shared.clock import now
from shared.errors import FieldViolation, InvalidArgument, PermissionDenied
from shared.timeutil import as_utc, shanghai_day

CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TERMINAL_BUFFER = timedelta(days=1)


def _require_puncher(caller: Caller, staff_id: str, department_code: str) -> None:
    if caller.kind == "system" and caller.acts_for(department_code):
        return
    if caller.kind == "staff" and caller.staff_id == staff_id and caller.acts_for(department_code):
        return
    raise PermissionDenied("staff punch for themselves in their own department; a terminal for its departments")


def record_punch(
    session: Session,
    caller: Caller,
    *,
    staff_id: str,
    department_code: str,
    window_code: str,
    punched_at: datetime | None,
    max_skew: timedelta,
) -> Punch:
    _require_puncher(caller, staff_id, department_code)
    problems = [
        FieldViolation(name, "is required: letters, digits, '-' or '_', at most 40")
        for name, value in (("staff_id", staff_id), ("department_code", department_code), ("window_code", window_code))
        if not CODE.match(value)
    ]
    current = now(session)
    moment = as_utc(punched_at) if punched_at is not None else current
    if moment > current + max_skew:
        problems.append(FieldViolation("punched_at", "is in the future"))
    earliest = current - (TERMINAL_BUFFER if caller.kind == "system" else max_skew)
    if moment < earliest:
        problems.append(FieldViolation("punched_at", "is too far in the past"))
    if problems:
        raise InvalidArgument("the punch is invalid", problems)
    punch = Punch(
        punch_id=str(uuid.uuid4()),
        staff_id=staff_id,
        department_code=department_code,
        window_code=window_code,
        punched_at=moment,
        day=shanghai_day(moment),
    )
    session.add(punch)
    events.punch_recorded(session, punch)
    return punch


def list_punches(session: Session, caller: Caller, *, staff_id: str, day: str) -> list[Punch]:
    if not caller.is_staff or not (caller.staff_id == staff_id or caller.has_role("manager", "efficiency_office")):
        raise PermissionDenied("staff read their own punches; managers and the efficiency office everyone's")
    problems = []
    if not staff_id:
        problems.append(FieldViolation("staff_id", "is required"))
    wanted: date | None = None
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        problems.append(FieldViolation("day", "must be YYYY-MM-DD"))
    if problems or wanted is None:
        raise InvalidArgument("the query is invalid", problems)
    query = sa.select(Punch).where(Punch.staff_id == staff_id, Punch.day == wanted).order_by(Punch.punched_at)
    return list(session.scalars(query))
