"""The notification service as a runnable unit: its definition and create_server(settings)."""

from __future__ import annotations

from pathlib import Path

from services.notification import events
from services.notification.models import OutboxMessage, ProcessedEvent
from services.notification.servicer import NotificationServicer
from services.notification.settings import NotificationSettings
from servicehall.notification.v1 import notification_pb2, notification_pb2_grpc
from shared.grpc_server import ObservedServer, Registration
from shared.service import Runtime, ServiceDefinition, build_runtime, build_server

SERVICE_NAME = notification_pb2.DESCRIPTOR.services_by_name["NotificationService"].full_name


def registrations(runtime: Runtime) -> list[Registration]:
    return [
        Registration(
            notification_pb2_grpc.add_NotificationServiceServicer_to_server, NotificationServicer(runtime), SERVICE_NAME
        )
    ]


DEFINITION = ServiceDefinition(
    name="notification",
    settings_class=NotificationSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=OutboxMessage,
    processed_model=ProcessedEvent,
    registrations=registrations,
    publishes=events.PUBLISHES,
    consumes=events.CONSUMES,
    handlers=events.HANDLERS,
)


def create_server(settings: NotificationSettings) -> tuple[ObservedServer, int]:
    """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
    return build_server(DEFINITION, build_runtime(DEFINITION, settings))
