"""The cases service as a runnable unit: DEFINITION (run by shared.runtime) and create_server."""

from __future__ import annotations

from pathlib import Path

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases import catalog, events, handlers, metrics, models, supervision
from services.cases.servicer import CasesServicer
from services.cases.servicer_registers import (
    AgencyServicer,
    CatalogServicer,
    ConsultationServicer,
    SealServicer,
)
from services.cases.settings import CasesSettings
from shared.runtime import PeriodicJob, Runtime, ServiceDefinition, Servicer


def _full_name(service: str) -> str:
    return cases_pb2.DESCRIPTOR.services_by_name[service].full_name


def _scan(runtime: Runtime[CasesSettings]) -> dict[str, int]:
    return supervision.scan(runtime.session_factory, warning_days=runtime.settings.supervision_warning_days)


def _scan_interval(settings: CasesSettings) -> float:
    return settings.supervision_scan_seconds


DEFINITION = ServiceDefinition(
    name="cases",
    settings_class=CasesSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=models.OutboxMessage,
    processed_model=models.ProcessedEvent,
    publishes=events.PUBLISHES,
    consumes=handlers.CONSUMES,
    handlers=handlers.HANDLERS,
    servicers=[
        Servicer(cases_pb2_grpc.add_CasesServiceServicer_to_server, CasesServicer, _full_name("CasesService")),
        Servicer(cases_pb2_grpc.add_CatalogServiceServicer_to_server, CatalogServicer, _full_name("CatalogService")),
        Servicer(cases_pb2_grpc.add_SealServiceServicer_to_server, SealServicer, _full_name("SealService")),
        Servicer(cases_pb2_grpc.add_AgencyServiceServicer_to_server, AgencyServicer, _full_name("AgencyService")),
        Servicer(
            cases_pb2_grpc.add_ConsultationServiceServicer_to_server,
            ConsultationServicer,
            _full_name("ConsultationService"),
        ),
    ],
    seed=catalog.seed,
    collectors=metrics.collectors,
    # Each replica scans on its timer; the unique key per (case, level) raises each level once.
    jobs=[PeriodicJob("supervision-scan", _scan, _scan_interval)],
)

create_server = DEFINITION.create_server
