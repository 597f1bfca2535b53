"""The attendance service as a runnable unit: DEFINITION (run by shared.runtime) and create_server."""

from __future__ import annotations

from pathlib import Path

from servicehall.attendance.v1 import attendance_pb2, attendance_pb2_grpc
from services.attendance import events, handlers, models
from services.attendance.servicer import AttendanceServicer
from services.attendance.settings import AttendanceSettings
from shared.runtime import ServiceDefinition, Servicer

DEFINITION = ServiceDefinition(
    name="attendance",
    settings_class=AttendanceSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=models.OutboxMessage,
    processed_model=models.ProcessedEvent,
    publishes=events.PUBLISHES,
    consumes=handlers.CONSUMES,
    handlers=handlers.HANDLERS,
    servicers=[
        Servicer(
            attendance_pb2_grpc.add_AttendanceServiceServicer_to_server,
            AttendanceServicer,
            attendance_pb2.DESCRIPTOR.services_by_name["AttendanceService"].full_name,
        )
    ],
)

create_server = DEFINITION.create_server
