"""Outbox relay and consumers against the real Kafka broker and the real databases
(PostgreSQL when TEST_DATABASE_URL is set): publication, idempotent consumption, the
dead-letter topic, explicit topics, and the trace that crosses Kafka."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import yaml
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from servicehall.events.v1 import cases_pb2 as case_events
from services.cases.catalog import DEMO_CATALOG
from services.cases.models import OutboxMessage
from services.cases.server import DEFINITION as CASES
from services.evaluation.models import WindowDailyThroughput
from services.evaluation.server import DEFINITION as EVALUATION
from services.notification.models import Notice
from services.notification.server import DEFINITION as NOTIFICATION
from shared.db import transaction
from shared.kafka.envelope import new_envelope
from shared.kafka.outbox import add_event
from shared.kafka.producer import make_producer
from shared.kafka.topics import APPLICANT_NOTICES, CASES_EVENTS, dead_letter_topic
from shared.telemetry import setup_tracing
from tests.identity import gateway_channel, staff_metadata
from tests.support import VALID_ID_CARD, eventually, read_topic

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    setup_tracing("integration-tests", extra_processor=SimpleSpanProcessor(exporter))
    return exporter


def count(service, model, *where) -> int:
    with service.runtime.session_factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def materials_of(item: str) -> list[str]:
    """Every material the demo catalog's item lists: a case is accepted only with all of them."""
    catalog = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    return next([m["name"] for m in i["materials"]] for i in catalog["items"] if i["code"] == item)


async def submit(service, item: str = "AIC-002", materials: tuple[str, ...] | None = None) -> cases_pb2.Case:
    """An application for a demo item, by default with every material it lists."""
    materials = tuple(materials_of(item)) if materials is None else materials
    async with gateway_channel(f"127.0.0.1:{service.port}") as channel:
        return await cases_pb2_grpc.CasesServiceStub(channel).SubmitApplication(
            cases_pb2.SubmitApplicationRequest(
                service_item_code=item,
                applicant=cases_pb2.Applicant(name="王五", id_card_number=VALID_ID_CARD, phone="13912345678"),
                materials_supplied=list(materials),
            )
        )


async def test_a_submitted_case_reaches_notification_and_evaluation(start_service, kafka_broker, spans):
    bootstrap = kafka_broker.bootstrap_servers
    cases = await start_service(CASES, kafka=bootstrap)
    notification = await start_service(NOTIFICATION, kafka=bootstrap)
    evaluation = await start_service(EVALUATION, kafka=bootstrap)

    case = await submit(cases, "LAND-001")

    eventually(lambda: count(notification, Notice, Notice.case_number == case.case_number) == 1)
    eventually(lambda: count(evaluation, WindowDailyThroughput, WindowDailyThroughput.window_code == "LAND-01") == 1)
    eventually(lambda: count(cases, OutboxMessage, OutboxMessage.published_at.is_(None)) == 0)
    with notification.runtime.session_factory() as session:
        notice = session.scalar(sa.select(Notice).where(Notice.case_number == case.case_number))
    assert notice.channel == "sms" and notice.recipient == "13912345678"
    assert case.case_number in notice.body and "10 个工作日" in notice.body

    # One trace from the gRPC call through the outbox and Kafka into both consumers.
    def trace_of_case():
        finished = spans.get_finished_spans()
        server = [s for s in finished if s.name == "/servicehall.cases.v1.CasesService/SubmitApplication"]
        # evaluation reads servicehall.cases.v1, notification the applicant notices
        consumers = [s for s in finished if s.name in (f"{CASES_EVENTS} process", f"{APPLICANT_NOTICES} process")]
        return (server, consumers) if server and len(consumers) >= 2 else None

    server, consumers = eventually(trace_of_case)
    trace_id = server[-1].context.trace_id
    assert sum(1 for s in consumers if s.context.trace_id == trace_id) == 2
    publish = [s for s in spans.get_finished_spans() if s.name == f"{APPLICANT_NOTICES} publish"]
    assert any(s.context.trace_id == trace_id for s in publish)


async def test_a_redelivered_event_has_no_second_effect(start_service, kafka_broker):
    notification = await start_service(NOTIFICATION, kafka=kafka_broker.bootstrap_servers)
    submitted = case_events.CaseSubmitted(
        case_number="PSB-20261128-07777",
        service_item_name="居民身份证申领",
        department_code="PSB",
        window_code="PSB-01",
        case_kind="committed",
        promised_days=30,
    )
    event = submitted
    told = case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(name="赵六", phone="13712345678"), case_submitted=submitted
    )
    value = new_envelope(told, source="cases", partition_key=event.case_number).SerializeToString()
    duplicates_before = _consumed(notification, "duplicate")
    producer = make_producer(kafka_broker.bootstrap_servers, "test-redelivery")
    for _ in range(3):  # the same envelope, as a relay that crashed before marking would send it
        producer.send(APPLICANT_NOTICES, value=value, key=event.case_number.encode()).get(timeout=10)
    producer.close()

    eventually(lambda: count(notification, Notice, Notice.case_number == event.case_number) == 1)
    # Wait until the two copies were consumed (and recognised), then check they changed nothing.
    eventually(lambda: _consumed(notification, "duplicate") >= duplicates_before + 2)
    assert count(notification, Notice, Notice.case_number == event.case_number) == 1


def _consumed(service, outcome: str) -> float:

    return (
        REGISTRY.get_sample_value(
            "servicehall_events_consumed_total",
            {"service": service.definition.name, "topic": APPLICANT_NOTICES, "outcome": outcome},
        )
        or 0.0
    )


async def test_an_undecodable_record_goes_to_the_dead_letter_topic_and_the_consumer_goes_on(
    start_service, kafka_broker
):
    bootstrap = kafka_broker.bootstrap_servers
    notification = await start_service(NOTIFICATION, kafka=bootstrap)
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    producer.send(APPLICANT_NOTICES, value=b"\x08\x96\x01 not an envelope", key=b"poison").get(timeout=10)
    # A complete event: a notice with an empty value (the name, the item) is refused, and
    # that event would go to the dead-letter topic as well.
    good = case_events.CaseSubmitted(
        case_number="QTS-20261128-00042", service_item_name="特种设备使用登记", case_kind="instant"
    )
    told = case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(name="孙七", phone="13612345678"), case_submitted=good
    )
    envelope = new_envelope(told, source="cases", partition_key="poison")  # same key: same partition, after the poison
    producer.send(APPLICANT_NOTICES, value=envelope.SerializeToString(), key=b"poison").get(timeout=10)
    producer.close()

    eventually(lambda: count(notification, Notice, Notice.case_number == good.case_number) == 1)
    dead = [r for r in read_topic(bootstrap, dead_letter_topic("notification"), expect=1) if r.key == b"poison"]
    assert len(dead) == 1
    headers = dict(dead[0].headers)
    assert headers["deadletter.topic"] == APPLICANT_NOTICES.encode()
    assert b"not an EventEnvelope" in headers["deadletter.reason"]
    assert dead[0].value == b"\x08\x96\x01 not an envelope"


async def test_topics_are_created_explicitly_with_several_partitions(start_service, kafka_broker):
    await start_service(NOTIFICATION, kafka=kafka_broker.bootstrap_servers)
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap_servers)
    try:
        described = {
            t["name"]: t for t in admin.describe_topics([APPLICANT_NOTICES, dead_letter_topic("notification")])
        }
    finally:
        admin.close()
    assert len(described[APPLICANT_NOTICES]["partitions"]) == 3
    assert len(described[dead_letter_topic("notification")]["partitions"]) == 3


def test_the_producer_is_acks_all_and_idempotent(kafka_broker):
    producer = make_producer(kafka_broker.bootstrap_servers, "test-config")
    try:
        assert producer.config["acks"] == -1
        assert producer.config["enable_idempotence"] is True
    finally:
        producer.close()


async def test_stopping_a_service_publishes_what_its_outbox_still_holds(start_service, kafka_broker):

    # A long poll: only the shutdown drain can publish this row in time.
    cases = await start_service(CASES, kafka=kafka_broker.bootstrap_servers, outbox_poll_seconds=300)
    event = case_events.CaseSubmitted(case_number="HCB-20261128-00999", window_code="HCB-01")
    with transaction(cases.runtime.session_factory) as session:
        event_id = add_event(session, OutboxMessage, event, source="cases", topic=CASES_EVENTS, key=event.case_number)
    await cases.stop()

    engine = sa.create_engine(cases.settings.database_url)
    with engine.connect() as connection:
        published = connection.execute(
            sa.select(OutboxMessage.published_at).where(OutboxMessage.event_id == event_id)
        ).scalar_one()
    engine.dispose()
    assert published is not None
    records = read_topic(kafka_broker.bootstrap_servers, CASES_EVENTS, expect=10**6, timeout=3)
    assert [r for r in records if r.key == event.case_number.encode()]


async def test_the_applicant_is_told_of_an_extension_and_why(start_service, kafka_broker):
    bootstrap = kafka_broker.bootstrap_servers
    cases = await start_service(CASES, kafka=bootstrap)
    notification = await start_service(NOTIFICATION, kafka=bootstrap)
    case = await submit(cases, "HCB-002")
    hcb = staff_metadata("HCB", "window_staff", "approver", staff_id="hcb-01")
    async with gateway_channel(f"127.0.0.1:{cases.port}") as channel:
        stub = cases_pb2_grpc.CasesServiceStub(channel)
        await stub.AcceptCase(cases_pb2.CaseActionRequest(case_number=case.case_number), metadata=hcb)
        await stub.GrantExtension(
            cases_pb2.GrantExtensionRequest(case_number=case.case_number, extra_days=10, reason="需组织专家论证"),
            metadata=hcb,
        )
    eventually(lambda: count(notification, Notice, Notice.case_number == case.case_number) == 2)
    with notification.runtime.session_factory() as session:
        bodies = [n.body for n in session.scalars(sa.select(Notice).where(Notice.case_number == case.case_number))]
    assert any("延长 10 个工作日" in b and "需组织专家论证" in b for b in bodies)


async def test_the_applicant_is_told_of_a_pause_and_of_the_date_a_paused_extension_could_not_name(
    start_service, kafka_broker
):
    bootstrap = kafka_broker.bootstrap_servers
    cases = await start_service(CASES, kafka=bootstrap)
    notification = await start_service(NOTIFICATION, kafka=bootstrap)
    case = await submit(cases, "HCB-002")
    number = case.case_number
    hcb = staff_metadata("HCB", "window_staff", "approver", staff_id="hcb-01")
    async with gateway_channel(f"127.0.0.1:{cases.port}") as channel:
        stub = cases_pb2_grpc.CasesServiceStub(channel)
        await stub.AcceptCase(cases_pb2.CaseActionRequest(case_number=number), metadata=hcb)
        await stub.PauseClock(
            cases_pb2.PauseClockRequest(
                case_number=number, reason="expert_review", note="组织专家评审", expected_end="2099-01-01"
            ),
            metadata=hcb,
        )
        await stub.GrantExtension(
            cases_pb2.GrantExtensionRequest(case_number=number, extra_days=5, reason="专家评审意见分歧"), metadata=hcb
        )
        resumed = await stub.ResumeClock(cases_pb2.CaseActionRequest(case_number=number), metadata=hcb)
    # receipt, pause, extension (date unknown: paused), resumption (the date, superseding the extension's)
    eventually(lambda: count(notification, Notice, Notice.case_number == number) == 4)
    with notification.runtime.session_factory() as session:
        told = list(session.scalars(sa.select(Notice).where(Notice.case_number == number).order_by(Notice.created_at)))
    _receipt, pause, extension, resumption = told
    assert "专家评审" in pause.body and "2099年01月01日" in pause.body
    assert "计时暂停中，恢复计时后另行告知" in extension.body and "延至 。" not in extension.body
    assert resumption.supersedes_notice_id == extension.notice_id
    shown = resumed.statutory_due.replace("-", "年", 1).replace("-", "月", 1) + "日"
    assert shown in resumption.body and resumption.body.startswith("【更正】")
