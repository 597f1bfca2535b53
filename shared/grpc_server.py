"""The grpc.aio server every service runs: health, interceptors, metrics (reflection only
when switched on: it tells a stranger the whole API).

create_server() returns (server, port) without starting it, so tests bind port 0 and read
the port back. The interceptor verifies the caller's token before anything else (a call
without a valid one is UNAUTHENTICATED, whatever else it sends; only health checks pass
without), turns DomainError into a status with field details, counts every call
(grpc_server_handled_total, grpc_server_handling_seconds) and hides unexpected exceptions
behind INTERNAL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status
from opentelemetry.instrumentation.grpc import aio_server_interceptor
from prometheus_client import Counter, Histogram

from shared.auth import reset_current_caller, set_current_caller
from shared.config import ServiceSettings
from shared.errors import DomainError, to_rpc_status
from shared.identity import Authenticator, TokenVerifier, Unauthenticated, remote_keys, static_keys

log = logging.getLogger(__name__)

STARTED = Counter("grpc_server_started_total", "RPCs started on the server", ["grpc_service", "grpc_method"])
HANDLED = Counter(
    "grpc_server_handled_total", "RPCs completed on the server", ["grpc_service", "grpc_method", "grpc_code"]
)
HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds",
    "Time to handle an RPC on the server",
    ["grpc_service", "grpc_method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REFUSED = Counter(
    "servicehall_grpc_calls_refused_total",
    "Calls refused before the method ran: no valid token, or a system token outside its scope",
    ["grpc_service", "reason"],
)
# Probes of the orchestrator carry no token; they learn only SERVING or not.
UNAUTHENTICATED_SERVICES = frozenset({"grpc.health.v1.Health"})


@dataclass(frozen=True)
class Registration:
    """One gRPC service to add: the generated add_*_to_server function, the servicer, its full name."""

    add_to_server: Callable[[Any, grpc.aio.Server], None]
    servicer: Any
    service_name: str


class ObservedServer:
    """A server with its health servicer, so shutdown can flip health before draining."""

    def __init__(self, server: grpc.aio.Server, health_servicer: health.aio.HealthServicer, names: list[str]):
        self.server = server
        self.health = health_servicer
        self.service_names = names

    async def set_serving(self, serving: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *self.service_names]:
            await self.health.set(name, status)


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        service, _, method = handler_call_details.method.lstrip("/").partition("/")
        if handler is None or service in UNAUTHENTICATED_SERVICES:
            return handler
        if handler.unary_unary is None:
            # Only reflection streams (when switched on): it describes the API, nothing more.
            return handler
        inner = handler.unary_unary

        authenticator = self.authenticator

        async def observed(request: Any, context: grpc.aio.ServicerContext) -> Any:
            STARTED.labels(service, method).inc()
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            caller_token = None
            try:
                try:
                    verified = await authenticator.authenticate(
                        context.invocation_metadata(), handler_call_details.method
                    )
                except Unauthenticated as refusal:
                    code = grpc.StatusCode.UNAUTHENTICATED
                    REFUSED.labels(service, "unauthenticated").inc()
                    log.warning("call refused", extra={"grpc_method": handler_call_details.method, "why": str(refusal)})
                    await context.abort(code, "a valid bearer token is required (authorization metadata)")
                if not verified.may_call(handler_call_details.method):
                    code = grpc.StatusCode.PERMISSION_DENIED
                    REFUSED.labels(service, "out_of_scope").inc()
                    await context.abort(code, "this client may not call this method")
                caller_token = set_current_caller(verified.caller)
                return await inner(request, context)
            except DomainError as error:
                code = error.code
                await context.abort_with_status(rpc_status.to_status(to_rpc_status(error)))
            except grpc.aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            except Exception:
                code = grpc.StatusCode.INTERNAL
                log.exception("unhandled error", extra={"grpc_method": handler_call_details.method})
                await context.abort(grpc.StatusCode.INTERNAL, "internal error")
            finally:
                if caller_token is not None:
                    reset_current_caller(caller_token)
                elapsed = time.perf_counter() - started
                HANDLED.labels(service, method, code.name).inc()
                HANDLING_SECONDS.labels(service, method).observe(elapsed)
                if service != "grpc.health.v1.Health":  # probes would drown the log
                    log.info(
                        "rpc handled",
                        extra={
                            "grpc_method": handler_call_details.method,
                            "grpc_code": code.name,
                            "duration_ms": round(elapsed * 1000, 1),
                        },
                    )

        return grpc.unary_unary_rpc_method_handler(
            observed,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def create_server(settings: ServiceSettings, registrations: list[Registration]) -> tuple[ObservedServer, int]:
    """Build (not start) the server; returns it and the bound port (useful with port 0)."""
    server = grpc.aio.server(interceptors=[aio_server_interceptor(), CallInterceptor(authenticator_for(settings))])
    for registration in registrations:
        registration.add_to_server(registration.servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [r.service_name for r in registrations]
    if settings.grpc_reflection:
        reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    port = server.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
    if port == 0:
        raise RuntimeError(f"cannot bind gRPC port {settings.grpc_host}:{settings.grpc_port}")
    return ObservedServer(server, health_servicer, names), port


def authenticator_for(settings: ServiceSettings) -> Authenticator:
    """Keys inline (tests, `make up`) or from the gateway's JWKS URL; neither is a mistake
    of the deployment, so the service refuses to start rather than to trust anyone."""
    if settings.auth_jwks:
        source = static_keys(settings.auth_jwks)
    elif settings.auth_jwks_url:
        source = remote_keys(settings.auth_jwks_url)
    else:
        raise RuntimeError("set AUTH_JWKS_URL (the gateway's /.well-known/jwks.json) or AUTH_JWKS")
    return Authenticator(TokenVerifier(source, issuer=settings.auth_issuer))
