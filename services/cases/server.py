"""The cases service as a runnable unit: its definition and create_server(settings)."""

from __future__ import annotations

from pathlib import Path

from services.cases import catalog, events
from services.cases.models import OutboxMessage, ProcessedEvent
from services.cases.servicer import CasesServicer
from services.cases.settings import CasesSettings
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from shared.grpc_server import ObservedServer, Registration
from shared.service import Runtime, ServiceDefinition, build_runtime, build_server

SERVICE_NAME = cases_pb2.DESCRIPTOR.services_by_name["CasesService"].full_name


def registrations(runtime: Runtime) -> list[Registration]:
    return [Registration(cases_pb2_grpc.add_CasesServiceServicer_to_server, CasesServicer(runtime), SERVICE_NAME)]


DEFINITION = ServiceDefinition(
    name="cases",
    settings_class=CasesSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=OutboxMessage,
    processed_model=ProcessedEvent,
    registrations=registrations,
    publishes=events.PUBLISHES,
    seed=catalog.seed,
)


def create_server(settings: CasesSettings) -> tuple[ObservedServer, int]:
    """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
    return build_server(DEFINITION, build_runtime(DEFINITION, settings))
