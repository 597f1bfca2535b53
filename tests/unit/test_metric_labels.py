"""Anonymous input never becomes a metric label value without limit: 1,000 made-up department
codes through RecordPunch and 1,000 made-up HTTP methods through the gateway leave every label of
every metric with a bounded set of values (a department the service knows, else "other")."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

import grpc
import httpx
from prometheus_client import REGISTRY

from gateway.app import create_app
from gateway.settings import GatewaySettings
from servicehall.attendance.v1 import attendance_pb2, attendance_pb2_grpc
from services.attendance.server import DEFINITION as ATTENDANCE
from services.attendance.settings import AttendanceSettings
from tests.identity import system_metadata
from tests.support import free_port

MADE_UP = 1000
# No label may take more values than this; the largest honest set is the gRPC methods.
BOUND = 200


PUNCH_SCOPE = "servicehall.attendance.v1.AttendanceService/RecordPunch"


def label_values() -> dict[tuple[str, str], set[str]]:
    """(metric, label) -> every value it has in the registry."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for family in REGISTRY.collect():
        for sample in family.samples:
            for name, value in sample.labels.items():
                values[(family.name, name)].add(value)
    return values


async def test_made_up_departments_punched_stay_a_known_set(start_service):
    service = await start_service(ATTENDANCE)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.port}") as channel:
        stub = attendance_pb2_grpc.AttendanceServiceStub(channel)
        for batch in range(0, MADE_UP, 50):
            await asyncio.gather(
                *(
                    # A terminal's token names the department (a careless registration can
                    # name anything): the label must stay bounded all the same.
                    stub.RecordPunch(
                        attendance_pb2.RecordPunchRequest(
                            staff_id=f"S-{n}", department_code=made_up, window_code="W-01"
                        ),
                        metadata=system_metadata("terminal", [made_up], [], [PUNCH_SCOPE]),
                    )
                    for n in range(batch, batch + 50)
                    for made_up in [f"X{uuid.uuid4().hex[:12]}"]
                )
            )
        await stub.RecordPunch(
            attendance_pb2.RecordPunchRequest(staff_id="S-1", department_code="AIC", window_code="AIC-01"),
            metadata=system_metadata("terminal", ["AIC"], [], [PUNCH_SCOPE]),
        )
    departments = label_values()[("servicehall_attendance_punches", "department")]
    assert departments <= {*AttendanceSettings().departments, "other"}, len(departments)
    assert {"AIC", "other"} <= departments
    assert all(len(values) <= BOUND for values in label_values().values())


async def test_made_up_http_methods_stay_a_known_set():
    dead = f"127.0.0.1:{free_port()}"
    app = create_app(
        GatewaySettings(
            cases_addr=dead,
            notification_addr=dead,
            fees_addr=dead,
            attendance_addr=dead,
            evaluation_addr=dead,
            grpc_timeout_seconds=1,
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
    ):
        for n in range(MADE_UP):
            await http.request(f"M{n:04d}X", "/healthz")
        await http.get("/healthz")
    methods = label_values()[("servicehall_http_requests", "method")]
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}, len(methods)
    assert {"GET", "other"} <= methods
    assert all(len(values) <= BOUND for values in label_values().values())
