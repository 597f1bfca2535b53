"""The fees service as a runnable unit: its definition and create_server(settings)."""

from __future__ import annotations

from pathlib import Path

from services.fees import domain, events
from services.fees.models import OutboxMessage, ProcessedEvent
from services.fees.servicer import FeesServicer
from services.fees.settings import FeesSettings
from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from shared.grpc_server import ObservedServer, Registration
from shared.service import Runtime, ServiceDefinition, build_runtime, build_server

SERVICE_NAME = fees_pb2.DESCRIPTOR.services_by_name["FeesService"].full_name


def registrations(runtime: Runtime) -> list[Registration]:
    return [Registration(fees_pb2_grpc.add_FeesServiceServicer_to_server, FeesServicer(runtime), SERVICE_NAME)]


DEFINITION = ServiceDefinition(
    name="fees",
    settings_class=FeesSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=OutboxMessage,
    processed_model=ProcessedEvent,
    registrations=registrations,
    publishes=events.PUBLISHES,
    consumes=events.CONSUMES,
    handlers=events.HANDLERS,
    seed=domain.seed,
)


def create_server(settings: FeesSettings) -> tuple[ObservedServer, int]:
    """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
    return build_server(DEFINITION, build_runtime(DEFINITION, settings))
