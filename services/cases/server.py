"""The cases service as a runnable unit: DEFINITION (run by shared.runtime) and create_server."""

from __future__ import annotations

from pathlib import Path

from services.cases import catalog, events, metrics, models, supervision
from services.cases.servicer import CasesServicer
from services.cases.servicer_registers import (
    AgencyServicer,
    CatalogServicer,
    ConsultationServicer,
    SealServicer,
)
from services.cases.settings import CasesSettings
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from shared.runtime import PeriodicJob, ServiceDefinition, Servicer

DEFINITION = ServiceDefinition(
    name="cases",
    settings_class=CasesSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=models.OutboxMessage,
    processed_model=models.ProcessedEvent,
    publishes=events.PUBLISHES,
    consumes=events.CONSUMES,
    handlers=events.HANDLERS,
    servicers=[
        Servicer(
            cases_pb2_grpc.add_CasesServiceServicer_to_server,
            CasesServicer,
            cases_pb2.DESCRIPTOR.services_by_name["CasesService"].full_name,
        ),
        *(
            Servicer(getattr(cases_pb2_grpc, f"add_{name}Servicer_to_server"), servicer,
                     cases_pb2.DESCRIPTOR.services_by_name[name].full_name)
            for name, servicer in (
                ("CatalogService", CatalogServicer),
                ("SealService", SealServicer),
                ("AgencyService", AgencyServicer),
                ("ConsultationService", ConsultationServicer),
            )
        ),
    ],
    seed=catalog.seed,
    collectors=metrics.collectors,
    jobs=[
        PeriodicJob(
            "supervision-scan",
            lambda runtime: supervision.scan(
                runtime.session_factory, warning_days=runtime.settings.supervision_warning_days
            ),
            lambda settings: settings.supervision_scan_seconds,
        )
    ],
)

create_server = DEFINITION.create_server
