"""Proto <-> domain for the attendance service: the only place messages are built or read."""

from __future__ import annotations

from datetime import datetime

from servicehall.attendance.v1 import attendance_pb2
from services.attendance.models import Punch
from shared.timeutil import from_timestamp, to_timestamp


def punched_at(request: attendance_pb2.RecordPunchRequest) -> datetime | None:
    """The terminal's time of the punch; none means "now" (the service's clock)."""
    return from_timestamp(request.punched_at) if request.HasField("punched_at") else None


def punch_message(punch: Punch) -> attendance_pb2.Punch:
    return attendance_pb2.Punch(
        punch_id=punch.punch_id,
        staff_id=punch.staff_id,
        department_code=punch.department_code,
        window_code=punch.window_code,
        punched_at=to_timestamp(punch.punched_at),
        day=punch.day.isoformat(),
    )
