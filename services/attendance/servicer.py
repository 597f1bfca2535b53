"""gRPC <-> domain for the attendance service."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc

from services.attendance import domain
from services.attendance.metrics import PUNCHES_RECORDED
from services.attendance.models import Punch
from servicehall.attendance.v1 import attendance_pb2, attendance_pb2_grpc
from shared.db import transaction
from shared.runtime import Runtime
from shared.timeutil import from_timestamp, to_timestamp


class AttendanceServicer(attendance_pb2_grpc.AttendanceServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def RecordPunch(self, request: attendance_pb2.RecordPunchRequest, context: grpc.aio.ServicerContext) -> attendance_pb2.Punch:
        max_skew = timedelta(seconds=getattr(self.runtime.settings, "max_clock_skew_seconds", 300))

        def record() -> attendance_pb2.Punch:
            with transaction(self.runtime.session_factory) as session:
                punch = domain.record_punch(
                    session,
                    staff_id=request.staff_id,
                    department_code=request.department_code,
                    window_code=request.window_code,
                    punched_at=from_timestamp(request.punched_at) if request.HasField("punched_at") else None,
                    max_skew=max_skew,
                )
            return punch_message(punch)

        message = await asyncio.to_thread(record)
        self.runtime.events_written()
        PUNCHES_RECORDED.labels(message.department_code).inc()
        return message

    async def ListPunches(self, request: attendance_pb2.ListPunchesRequest, context: grpc.aio.ServicerContext) -> attendance_pb2.ListPunchesResponse:
        def read() -> attendance_pb2.ListPunchesResponse:
            with self.runtime.session_factory() as session:
                punches = domain.list_punches(session, staff_id=request.staff_id, day=request.day)
                return attendance_pb2.ListPunchesResponse(punches=[punch_message(p) for p in punches])

        return await asyncio.to_thread(read)


def punch_message(punch: Punch) -> attendance_pb2.Punch:
    return attendance_pb2.Punch(
        punch_id=punch.punch_id,
        staff_id=punch.staff_id,
        department_code=punch.department_code,
        window_code=punch.window_code,
        punched_at=to_timestamp(punch.punched_at),
        day=punch.day.isoformat(),
    )
