"""Each service's gRPC API on a real server bound to port 0, over a real channel, against its
own migrated database (PostgreSQL when TEST_DATABASE_URL is set). Kafka is not started here:
what a call publishes is checked in the outbox, where the relay would pick it up."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY

from servicehall.attendance.v1 import attendance_pb2, attendance_pb2_grpc
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from services.attendance.server import DEFINITION as ATTENDANCE
from services.cases.models import Case, OutboxMessage
from services.cases.server import DEFINITION as CASES
from services.evaluation.server import DEFINITION as EVALUATION
from services.fees.server import DEFINITION as FEES
from services.fees.server import create_server
from services.fees.settings import FeesSettings
from services.notification.server import DEFINITION as NOTIFICATION
from shared.clock import ShiftedClock
from shared.db import migrate
from shared.errors import field_violations
from shared.kafka.envelope import decode
from shared.kafka.topics import APPLICANT_NOTICES, CASES_EVENTS
from shared.logging import JsonFormatter, install_trace_context
from shared.telemetry import setup_tracing
from tests.identity import TEST_JWKS, applicant_metadata, gateway_channel, staff_metadata, system_metadata
from tests.support import VALID_ID_CARD


def channel(service) -> grpc.aio.Channel:
    return gateway_channel(f"127.0.0.1:{service.port}")


def valid_application(**changes) -> cases_pb2.SubmitApplicationRequest:
    request = cases_pb2.SubmitApplicationRequest(
        service_item_code="AIC-002",
        applicant=cases_pb2.Applicant(name="张三", id_card_number=VALID_ID_CARD, phone="13812345678"),
    )
    for key, value in changes.items():
        setattr(request, key, value)
    return request


def rows(service, model) -> list:
    with service.runtime.session_factory() as session:
        return list(session.scalars(sa.select(model)))


@pytest.mark.parametrize("definition", [CASES, FEES, ATTENDANCE, EVALUATION, NOTIFICATION], ids=lambda d: d.name)
async def test_health_needs_no_token_and_reflection_is_off_unless_switched_on(start_service, definition):
    service = await start_service(definition)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.port}") as ch:  # no token at all
        answer = await health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest())
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await _listed_services(ch)
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED  # the API is not described to strangers


async def test_reflection_describes_the_service_when_switched_on(database_url):
    url = database_url("fees")
    migrate(url, FEES.migrations_dir)
    server, port = create_server(FeesSettings(database_url=url, auth_jwks=TEST_JWKS, grpc_reflection=True))
    await server.server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
            names = await _listed_services(ch)
    finally:
        await server.server.stop(0)
    assert {"servicehall.fees.v1.FeesService", "grpc.health.v1.Health"} <= names


async def _listed_services(ch: grpc.aio.Channel) -> set[str]:
    stream = reflection_pb2_grpc.ServerReflectionStub(ch).ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    return {s.name async for response in stream for s in response.list_services_response.service}


async def test_submit_stores_the_case_and_its_event_in_one_transaction(start_service):
    service = await start_service(CASES)
    async with channel(service) as ch:
        case = await cases_pb2_grpc.CasesServiceStub(ch).SubmitApplication(valid_application())
    assert case.case_number.startswith("AIC-") and case.case_number.endswith("-00001")
    assert len(case.query_code) == 6
    assert case.applicant.id_card_number == "340723********0019"  # masked on the way out
    assert case.applicant.phone == "138****5678"
    [stored] = rows(service, Case)
    assert stored.applicant_id_card_number == VALID_ID_CARD
    # The event for everyone, and again with whom to tell for the notification service only.
    message, told = sorted(rows(service, OutboxMessage), key=lambda m: m.topic != CASES_EVENTS)
    envelope, payload = decode(message.envelope)
    assert envelope.event_type == "servicehall.events.v1.CaseSubmitted"
    assert message.partition_key == payload.case_number == case.case_number
    assert (told.topic, decode(told.envelope)[1].case_submitted) == (APPLICANT_NOTICES, payload)
    assert payload.window_code == "AIC-01" and payload.promised_days == 3
    assert message.published_at is None


async def test_case_numbers_are_sequential_per_department_and_day(start_service):
    service = await start_service(CASES)
    async with channel(service) as ch:
        stub = cases_pb2_grpc.CasesServiceStub(ch)
        numbers = [(await stub.SubmitApplication(valid_application())).case_number for _ in range(3)]
        other = await stub.SubmitApplication(valid_application(service_item_code="LAND-001"))
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00003"]
    assert other.case_number.startswith("LAND-") and other.case_number.endswith("-00001")


async def test_invalid_application_names_every_bad_field_and_writes_nothing(start_service):
    service = await start_service(CASES)
    request = cases_pb2.SubmitApplicationRequest(
        service_item_code="NO-SUCH-ITEM",
        applicant=cases_pb2.Applicant(name="", id_card_number="110105194912310021", phone="12345"),
    )
    async with channel(service) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await cases_pb2_grpc.CasesServiceStub(ch).SubmitApplication(request)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in field_violations(rpc_status.from_call(caught.value))}
    assert fields == {"service_item_code", "applicant.name", "applicant.id_card_number", "applicant.phone"}
    assert rows(service, Case) == [] and rows(service, OutboxMessage) == []


async def test_error_messages_never_carry_an_id_card_number(start_service):
    service = await start_service(CASES)
    async with channel(service) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await cases_pb2_grpc.CasesServiceStub(ch).GetCase(cases_pb2.GetCaseRequest(case_number=VALID_ID_CARD))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert VALID_ID_CARD not in caught.value.details()


async def test_get_case_does_not_reveal_the_query_code(start_service):
    service = await start_service(CASES)
    async with channel(service) as ch:
        stub = cases_pb2_grpc.CasesServiceStub(ch)
        submitted = await stub.SubmitApplication(valid_application())
        read = await stub.GetCase(
            cases_pb2.GetCaseRequest(case_number=submitted.case_number),
            metadata=applicant_metadata(submitted.query_code),
        )
    assert read.case_number == submitted.case_number and read.query_code == ""
    assert read.service_item.department_name == "县工商行政管理局"


async def test_catalog_is_seeded_and_filterable(start_service):
    service = await start_service(CASES)
    async with channel(service) as ch:
        stub = cases_pb2_grpc.CatalogServiceStub(ch)
        everything = await stub.ListServiceItems(cases_pb2.ListServiceItemsRequest())
        land = await stub.ListServiceItems(cases_pb2.ListServiceItemsRequest(department_code="LAND"))
    assert len({i.department_code for i in everything.items}) >= 8
    assert {i.case_kind for i in everything.items} >= {cases_pb2.CASE_KIND_INSTANT, cases_pb2.CASE_KIND_COMMITTED}
    assert [i.code for i in land.items] == ["LAND-001"]
    assert all(i.promised_days <= i.statutory_days for i in everything.items)


async def test_fee_standards_are_read_from_the_database(start_service):
    service = await start_service(FEES)
    async with channel(service) as ch:
        answer = await fees_pb2_grpc.FeesServiceStub(ch).ListFeeStandards(fees_pb2.ListFeeStandardsRequest())
    by_code = {s.code: s for s in answer.standards}
    assert by_code["TAX-DEED"].fee_type == fees_pb2.FEE_TYPE_DEED_TAX
    assert by_code["TAX-DEED"].rate_basis_points == 300
    assert by_code["FEE-PSB-IDCARD"].fixed_amount_fen == 2000


async def test_punches_are_recorded_and_listed_by_hall_day(start_service):
    clock = ShiftedClock()
    clock.set(datetime(2026, 11, 27, 23, 40, tzinfo=UTC))
    service = await start_service(ATTENDANCE, clock=clock)
    # 23:30 UTC on 27 Nov is 07:30 on 28 Nov in the hall.
    stamp = Timestamp()
    stamp.FromJsonString("2026-11-27T23:30:00Z")
    terminal = system_metadata("aic-terminal", ["AIC"], [], ["servicehall.attendance.v1.AttendanceService/*"])
    async with channel(service) as ch:
        stub = attendance_pb2_grpc.AttendanceServiceStub(ch)
        punch = await stub.RecordPunch(
            attendance_pb2.RecordPunchRequest(
                staff_id="S-001", department_code="AIC", window_code="AIC-01", punched_at=stamp
            ),
            metadata=terminal,  # a buffered punch of the fingerprint terminal, ten minutes old
        )
        listed = await stub.ListPunches(
            attendance_pb2.ListPunchesRequest(staff_id="S-001", day="2026-11-28"),
            metadata=staff_metadata("AIC", "window_staff", staff_id="S-001"),
        )
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.RecordPunch(
                attendance_pb2.RecordPunchRequest(staff_id="", department_code="AIC", window_code="x y"),
                metadata=terminal,
            )
    assert punch.day == "2026-11-28"
    assert [p.punch_id for p in listed.punches] == [punch.punch_id]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations(rpc_status.from_call(caught.value))} == {"staff_id", "window_code"}


async def test_nobody_punches_for_someone_else_or_backdates_their_own_punch(start_service):
    # Issue 9: RecordPunch took an anonymous, backdated punch for any staff id.
    service = await start_service(ATTENDANCE)
    an_hour_ago = Timestamp()
    an_hour_ago.FromDatetime(datetime.now(UTC) - timedelta(hours=1))
    mine = staff_metadata("AIC", "window_staff", staff_id="S-001")

    async def code(request, metadata):
        try:
            await attendance_pb2_grpc.AttendanceServiceStub(ch).RecordPunch(request, metadata=metadata)
            return "OK"
        except grpc.aio.AioRpcError as error:
            return error.code().name

    async with channel(service) as ch:
        assert (
            await code(
                attendance_pb2.RecordPunchRequest(staff_id="S-001", department_code="AIC", window_code="AIC-01"), ()
            )
            == "PERMISSION_DENIED"
        )
        assert (
            await code(
                attendance_pb2.RecordPunchRequest(staff_id="S-002", department_code="AIC", window_code="AIC-01"), mine
            )
            == "PERMISSION_DENIED"
        )
        assert (
            await code(
                attendance_pb2.RecordPunchRequest(staff_id="S-001", department_code="LAND", window_code="LAND-01"), mine
            )
            == "PERMISSION_DENIED"
        )
        backdated = attendance_pb2.RecordPunchRequest(
            staff_id="S-001", department_code="AIC", window_code="AIC-01", punched_at=an_hour_ago
        )
        assert await code(backdated, mine) == "INVALID_ARGUMENT"
        assert (
            await code(
                attendance_pb2.RecordPunchRequest(staff_id="S-001", department_code="AIC", window_code="AIC-01"), mine
            )
            == "OK"
        )
        with pytest.raises(grpc.aio.AioRpcError) as foreign:
            await attendance_pb2_grpc.AttendanceServiceStub(ch).ListPunches(
                attendance_pb2.ListPunchesRequest(staff_id="S-001", day="2026-11-28"),
                metadata=staff_metadata("AIC", "window_staff", staff_id="S-002"),
            )
    assert foreign.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_create_server_binds_port_zero_and_drains_on_stop(database_url):

    url = database_url("fees")
    migrate(url, FEES.migrations_dir)
    server, port = create_server(FeesSettings(database_url=url, grpc_port=0, auth_jwks=TEST_JWKS))
    assert port > 0
    await server.server.start()
    await server.set_serving(True)
    async with gateway_channel(f"127.0.0.1:{port}") as ch:
        health = health_pb2_grpc.HealthStub(ch)
        assert (await health.Check(health_pb2.HealthCheckRequest())).status == health_pb2.HealthCheckResponse.SERVING
        await server.set_serving(False)  # what SIGTERM does first
        assert (
            await health.Check(health_pb2.HealthCheckRequest())
        ).status == health_pb2.HealthCheckResponse.NOT_SERVING
    await server.server.stop(1)


async def test_domain_metrics_are_read_from_the_database(start_service):

    await start_service(FEES)
    in_force = REGISTRY.get_sample_value(
        "servicehall_fee_standards_in_force", {"department": "FIN", "fee_type": "deed_tax"}
    )
    assert in_force == 1


async def test_every_call_is_counted_and_logged_with_its_trace(start_service, caplog):
    spans = InMemorySpanExporter()
    setup_tracing("unit-tests", extra_processor=SimpleSpanProcessor(spans))
    install_trace_context()
    service = await start_service(CASES)
    labels = {"grpc_service": "servicehall.cases.v1.CasesService", "grpc_method": "GetCase", "grpc_code": "NOT_FOUND"}
    before = REGISTRY.get_sample_value("grpc_server_handled_total", labels) or 0
    caplog.set_level("INFO", logger="shared.grpc_server")
    async with channel(service) as ch:
        with pytest.raises(grpc.aio.AioRpcError):
            await cases_pb2_grpc.CasesServiceStub(ch).GetCase(cases_pb2.GetCaseRequest(case_number="X-1"))
    assert REGISTRY.get_sample_value("grpc_server_handled_total", labels) == before + 1
    [record] = [
        r for r in caplog.records if getattr(r, "grpc_method", "") == "/servicehall.cases.v1.CasesService/GetCase"
    ]
    assert record.grpc_code == "NOT_FOUND"
    [server_span] = [s for s in spans.get_finished_spans() if s.name == "/servicehall.cases.v1.CasesService/GetCase"]
    line = json.loads(JsonFormatter("cases").format(record))
    assert line["trace_id"] == format(server_span.context.trace_id, "032x")
    assert line["grpc_code"] == "NOT_FOUND" and line["duration_ms"] >= 0
