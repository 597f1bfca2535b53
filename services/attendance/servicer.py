"""gRPC for the attendance service: the caller, the mapping, the use case in one transaction."""

from __future__ import annotations

from datetime import timedelta

import grpc

from servicehall.attendance.v1 import attendance_pb2, attendance_pb2_grpc
from services.attendance import messages, punches
from services.attendance.metrics import PUNCHES_RECORDED
from services.attendance.settings import AttendanceSettings
from shared.auth import caller_of
from shared.masking import bounded_label
from shared.runtime import Runtime


class AttendanceServicer(attendance_pb2_grpc.AttendanceServiceServicer):
    def __init__(self, runtime: Runtime[AttendanceSettings]) -> None:
        self.runtime = runtime

    async def RecordPunch(
        self, request: attendance_pb2.RecordPunchRequest, context: grpc.aio.ServicerContext
    ) -> attendance_pb2.Punch:
        caller = caller_of(context)
        max_skew = timedelta(seconds=self.runtime.settings.max_clock_skew_seconds)
        message = await self.runtime.write(
            lambda session: messages.punch_message(
                punches.record_punch(
                    session,
                    caller,
                    staff_id=request.staff_id,
                    department_code=request.department_code,
                    window_code=request.window_code,
                    punched_at=messages.punched_at(request),
                    max_skew=max_skew,
                )
            )
        )
        PUNCHES_RECORDED.labels(bounded_label(message.department_code, self.runtime.settings.departments)).inc()
        return message

    async def ListPunches(
        self, request: attendance_pb2.ListPunchesRequest, context: grpc.aio.ServicerContext
    ) -> attendance_pb2.ListPunchesResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda session: attendance_pb2.ListPunchesResponse(
                punches=[
                    messages.punch_message(p)
                    for p in punches.list_punches(session, caller, staff_id=request.staff_id, day=request.day)
                ]
            )
        )
