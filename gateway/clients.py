"""gRPC channels to the services, opened once per app and traced, and `Caller`: the one way a
route calls a service method."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from gateway.settings import GatewaySettings
from servicehall.attendance.v1 import attendance_pb2_grpc
from servicehall.cases.v1 import cases_pb2_grpc
from servicehall.evaluation.v1 import evaluation_pb2_grpc
from servicehall.fees.v1 import fees_pb2_grpc
from servicehall.notification.v1 import notification_pb2_grpc

# Who is calling, as gRPC metadata (key, value) pairs; see gateway.dependencies.
Metadata = tuple[tuple[str, str], ...]

_Req_contra = TypeVar("_Req_contra", contravariant=True)
_Resp_co = TypeVar("_Resp_co", covariant=True)
RequestT = TypeVar("RequestT")
ResponseT = TypeVar("ResponseT")


class UnaryUnary(Protocol[_Req_contra, _Resp_co]):
    """A method of a generated stub (a grpc.aio unary-unary multicallable), as far as the
    gateway uses it: spelt out here because the generated stubs carry no types."""

    def __call__(
        self, request: _Req_contra, *, timeout: float | None = ..., metadata: Metadata | None = ...
    ) -> Awaitable[_Resp_co]: ...


@dataclass(frozen=True)
class Caller:
    """Calls service methods for one HTTP request, `await call(clients.cases.GetCase, request)`.

    The caller's identity and the configured deadline are attached here, once, instead of in
    every route. A failed call raises grpc.aio.AioRpcError, which gateway.errors turns into a
    problem body."""

    metadata: Metadata
    timeout: float

    async def __call__(self, method: UnaryUnary[RequestT, ResponseT], request: RequestT) -> ResponseT:
        return await method(request, timeout=self.timeout, metadata=self.metadata)


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
    # Deadline of every call, in seconds (GatewaySettings.grpc_timeout_seconds); see Caller.
    timeout: float
    # Deadline of a health check behind /readyz (GatewaySettings.readiness_timeout_seconds).
    readiness_timeout: float

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
        readiness_timeout=settings.readiness_timeout_seconds,
    )
