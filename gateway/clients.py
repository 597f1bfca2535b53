"""gRPC channels to the services, opened once per app and traced."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from gateway.settings import GatewaySettings
from servicehall.attendance.v1 import attendance_pb2_grpc
from servicehall.cases.v1 import cases_pb2_grpc
from servicehall.evaluation.v1 import evaluation_pb2_grpc
from servicehall.fees.v1 import fees_pb2_grpc
from servicehall.notification.v1 import notification_pb2_grpc


@dataclass
class ServiceClients:
    channels: dict[str, grpc.aio.Channel]
    cases: cases_pb2_grpc.CasesServiceStub
    catalog: cases_pb2_grpc.CatalogServiceStub
    seals: cases_pb2_grpc.SealServiceStub
    agency: cases_pb2_grpc.AgencyServiceStub
    consultations: cases_pb2_grpc.ConsultationServiceStub
    fees: fees_pb2_grpc.FeesServiceStub
    attendance: attendance_pb2_grpc.AttendanceServiceStub
    evaluation: evaluation_pb2_grpc.EvaluationServiceStub
    notification: notification_pb2_grpc.NotificationServiceStub
    timeout: float

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()


def open_clients(settings: GatewaySettings) -> ServiceClients:
    addresses = {
        "cases": settings.cases_addr,
        "fees": settings.fees_addr,
        "attendance": settings.attendance_addr,
        "evaluation": settings.evaluation_addr,
        "notification": settings.notification_addr,
    }
    channels = {
        name: grpc.aio.insecure_channel(address, interceptors=aio_client_interceptors())
        for name, address in addresses.items()
    }
    return ServiceClients(
        channels=channels,
        cases=cases_pb2_grpc.CasesServiceStub(channels["cases"]),
        catalog=cases_pb2_grpc.CatalogServiceStub(channels["cases"]),
        seals=cases_pb2_grpc.SealServiceStub(channels["cases"]),
        agency=cases_pb2_grpc.AgencyServiceStub(channels["cases"]),
        consultations=cases_pb2_grpc.ConsultationServiceStub(channels["cases"]),
        fees=fees_pb2_grpc.FeesServiceStub(channels["fees"]),
        attendance=attendance_pb2_grpc.AttendanceServiceStub(channels["attendance"]),
        evaluation=evaluation_pb2_grpc.EvaluationServiceStub(channels["evaluation"]),
        notification=notification_pb2_grpc.NotificationServiceStub(channels["notification"]),
        timeout=settings.grpc_timeout_seconds,
    )
