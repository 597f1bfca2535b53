"""The attendance service as a runnable unit: its definition and create_server(settings)."""

from __future__ import annotations

from pathlib import Path

from services.attendance import events
from services.attendance.models import OutboxMessage, ProcessedEvent
from services.attendance.servicer import AttendanceServicer
from services.attendance.settings import AttendanceSettings
from servicehall.attendance.v1 import attendance_pb2, attendance_pb2_grpc
from shared.grpc_server import ObservedServer, Registration
from shared.service import Runtime, ServiceDefinition, build_runtime, build_server

SERVICE_NAME = attendance_pb2.DESCRIPTOR.services_by_name["AttendanceService"].full_name


def registrations(runtime: Runtime) -> list[Registration]:
    return [
        Registration(attendance_pb2_grpc.add_AttendanceServiceServicer_to_server, AttendanceServicer(runtime), SERVICE_NAME)
    ]


DEFINITION = ServiceDefinition(
    name="attendance",
    settings_class=AttendanceSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=OutboxMessage,
    processed_model=ProcessedEvent,
    registrations=registrations,
    publishes=events.PUBLISHES,
    consumes=events.CONSUMES,
    handlers=events.HANDLERS,
)


def create_server(settings: AttendanceSettings) -> tuple[ObservedServer, int]:
    """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
    return build_server(DEFINITION, build_runtime(DEFINITION, settings))
