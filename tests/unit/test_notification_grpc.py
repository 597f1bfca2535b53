"""NotificationService over a real server at port 0: who may read a notice by its id."""

from __future__ import annotations

import uuid

import grpc
import pytest

from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.notification.v1 import notification_pb2, notification_pb2_grpc
from services.notification import handlers
from services.notification.server import DEFINITION as NOTIFICATION
from shared.auth import query_code_digest
from shared.db import transaction
from shared.kafka.envelope import new_envelope
from tests.identity import applicant_metadata, gateway_channel, staff_metadata

CASE = "AIC-20261202-00007"
QUERY_CODE = "135790"


def staff(department: str, role: str = "window_staff") -> tuple[tuple[str, str], ...]:
    return staff_metadata(department, role)


@pytest.fixture
async def notices(start_service):
    """The service with one stored receipt notice of an AIC case; (stub, its notice id)."""
    service = await start_service(NOTIFICATION)
    event = case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(name="张三", phone="13812345678"),
        query_code_sha256=query_code_digest(CASE, QUERY_CODE),
        case_submitted=case_events.CaseSubmitted(
            case_number=CASE,
            service_item_name="个体工商户设立登记",
            department_code="AIC",
            window_code="AIC-01",
            case_kind="committed",
            promised_days=3,
        ),
    )
    envelope = new_envelope(event, source="cases", partition_key=CASE)
    with transaction(service.runtime.session_factory) as session:
        handlers.on_applicant_notice_due(session, envelope, event)
    async with gateway_channel(f"127.0.0.1:{service.port}") as channel:
        stub = notification_pb2_grpc.NotificationServiceStub(channel)
        listed = await stub.ListNotices(notification_pb2.ListNoticesRequest(case_number=CASE), metadata=staff("AIC"))
        yield stub, listed.notices[0].notice_id


async def test_the_case_department_and_the_applicant_read_a_notice_by_its_id(notices):
    stub, notice_id = notices
    for caller in (staff("AIC"), staff("ZY", "manager"), applicant_metadata(QUERY_CODE)):
        notice = await stub.GetNotice(notification_pb2.GetNoticeRequest(notice_id=notice_id), metadata=caller)
        assert (notice.notice_id, notice.case_number) == (notice_id, CASE)
        assert notice.recipient == "138****5678"  # masked on the way out


async def test_anyone_else_is_told_the_notice_does_not_exist(notices):
    stub, notice_id = notices
    missing = str(uuid.uuid4())
    answers = []
    for wanted, caller in (
        (notice_id, staff("LAND")),
        (notice_id, applicant_metadata("000000")),
        (notice_id, ()),
        (missing, staff("AIC")),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GetNotice(notification_pb2.GetNoticeRequest(notice_id=wanted), metadata=caller)
        answers.append((refused.value.code(), refused.value.details().replace(wanted, "<id>")))
    # A foreign notice and a missing one answer alike: the answer says nothing of existence.
    assert set(answers) == {(grpc.StatusCode.NOT_FOUND, "no notice <id>")}


async def test_a_notice_id_is_required(notices):
    stub, _ = notices
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.GetNotice(notification_pb2.GetNoticeRequest(), metadata=staff("AIC"))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
