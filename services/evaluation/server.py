"""The evaluation service as a runnable unit: DEFINITION (run by shared.runtime) and create_server."""

from __future__ import annotations

from pathlib import Path

from servicehall.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc
from services.evaluation import events, handlers, metrics, models
from services.evaluation.servicer import EvaluationServicer
from services.evaluation.settings import EvaluationSettings
from shared.runtime import ServiceDefinition, Servicer

DEFINITION = ServiceDefinition(
    name="evaluation",
    settings_class=EvaluationSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=models.OutboxMessage,
    processed_model=models.ProcessedEvent,
    publishes=events.PUBLISHES,
    consumes=handlers.CONSUMES,
    handlers=handlers.HANDLERS,
    servicers=[
        Servicer(
            evaluation_pb2_grpc.add_EvaluationServiceServicer_to_server,
            EvaluationServicer,
            evaluation_pb2.DESCRIPTOR.services_by_name["EvaluationService"].full_name,
        )
    ],
    collectors=metrics.collectors,
)

create_server = DEFINITION.create_server
