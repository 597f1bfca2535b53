"""The evaluation service as a runnable unit: its definition and create_server(settings)."""

from __future__ import annotations

from pathlib import Path

from services.evaluation import events, metrics
from services.evaluation.models import OutboxMessage, ProcessedEvent
from services.evaluation.servicer import EvaluationServicer
from services.evaluation.settings import EvaluationSettings
from servicehall.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc
from shared.grpc_server import ObservedServer, Registration
from shared.service import Runtime, ServiceDefinition, build_runtime, build_server

SERVICE_NAME = evaluation_pb2.DESCRIPTOR.services_by_name["EvaluationService"].full_name


def registrations(runtime: Runtime) -> list[Registration]:
    return [
        Registration(evaluation_pb2_grpc.add_EvaluationServiceServicer_to_server, EvaluationServicer(runtime), SERVICE_NAME)
    ]


DEFINITION = ServiceDefinition(
    name="evaluation",
    settings_class=EvaluationSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=OutboxMessage,
    processed_model=ProcessedEvent,
    registrations=registrations,
    publishes=events.PUBLISHES,
    consumes=events.CONSUMES,
    handlers=events.HANDLERS,
    collectors=metrics.collectors,
)


def create_server(settings: EvaluationSettings) -> tuple[ObservedServer, int]:
    """A server not yet started, bound to settings.grpc_port (0 = any free port)."""
    return build_server(DEFINITION, build_runtime(DEFINITION, settings))
