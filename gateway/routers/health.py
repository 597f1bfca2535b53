"""Liveness (the process answers) and readiness (the services it needs answer SERVING)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import BaseModel

from gateway.dependencies import Clients
from gateway.routing import GatewayRoute

router = APIRouter(tags=["health"], route_class=GatewayRoute)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


class Readiness(BaseModel):
    ready: bool
    services: dict[str, str]  # name -> SERVING | NOT_SERVING | UNREACHABLE ...


@router.get(
    "/readyz",
    responses={200: {"model": Readiness}, 503: {"model": Readiness, "description": "a service is not serving"}},
)
async def readyz(clients: Clients) -> JSONResponse:
    async def check(name: str) -> tuple[str, str]:
        # Not through Caller: a probe forwards no identity and has its own short deadline.
        stub = health_pb2_grpc.HealthStub(clients.channels[name])
        try:
            answer = await stub.Check(health_pb2.HealthCheckRequest(), timeout=clients.readiness_timeout)
            return name, health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)
        except Exception:
            return name, "UNREACHABLE"

    results = dict(await asyncio.gather(*(check(name) for name in clients.channels)))
    ready = all(state == "SERVING" for state in results.values())
    return JSONResponse({"ready": ready, "services": results}, status_code=200 if ready else 503)
