"""The fees service as a runnable unit: DEFINITION (run by shared.service) and create_server."""

from __future__ import annotations

from services.fees import domain, events, metrics, models
from services.fees.servicer import FeesServicer
from services.fees.settings import FeesSettings
from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from shared.service import ServiceDefinition, Servicer

DEFINITION = ServiceDefinition(
    name="fees",
    settings_class=FeesSettings,
    models=models,
    events=events,
    servicers=[
        Servicer(
            fees_pb2_grpc.add_FeesServiceServicer_to_server,
            FeesServicer,
            fees_pb2.DESCRIPTOR.services_by_name["FeesService"].full_name,
        )
    ],
    seed=domain.seed,
    collectors=metrics.collectors,
)

create_server = DEFINITION.create_server
