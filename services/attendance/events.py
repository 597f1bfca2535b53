"""Events the attendance service writes (topic servicehall.attendance.v1), through the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from servicehall.events.v1 import attendance_pb2 as attendance_events
from services.attendance.models import OutboxMessage, Punch
from shared.kafka.outbox import add_event
from shared.kafka.topics import ATTENDANCE_EVENTS
from shared.timeutil import to_timestamp

PUBLISHES = [ATTENDANCE_EVENTS]


def punch_recorded(session: Session, punch: Punch) -> str:
    payload = attendance_events.PunchRecorded(
        punch_id=punch.punch_id,
        staff_id=punch.staff_id,
        department_code=punch.department_code,
        window_code=punch.window_code,
        punched_at=to_timestamp(punch.punched_at),
        day=punch.day.isoformat(),
    )
    return add_event(session, OutboxMessage, payload, source="attendance", topic=ATTENDANCE_EVENTS, key=punch.staff_id)
