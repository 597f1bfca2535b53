"""The fees service as a runnable unit: DEFINITION (run by shared.runtime) and create_server."""

from __future__ import annotations

from pathlib import Path

from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from services.fees import events, handlers, metrics, models, standards
from services.fees.servicer import FeesServicer
from services.fees.settings import FeesSettings
from shared.runtime import ServiceDefinition, Servicer

DEFINITION = ServiceDefinition(
    name="fees",
    settings_class=FeesSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=models.OutboxMessage,
    processed_model=models.ProcessedEvent,
    publishes=events.PUBLISHES,
    consumes=handlers.CONSUMES,
    handlers=handlers.HANDLERS,
    servicers=[
        Servicer(
            fees_pb2_grpc.add_FeesServiceServicer_to_server,
            FeesServicer,
            fees_pb2.DESCRIPTOR.services_by_name["FeesService"].full_name,
        )
    ],
    seed=standards.seed,
    collectors=metrics.collectors,
)

create_server = DEFINITION.create_server
