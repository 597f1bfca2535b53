"""The fees service on the real Kafka broker (and PostgreSQL when TEST_DATABASE_URL is set):
CaseAccepted records become payment notices, once per case however often they come, and
paying the notices publishes FeesSettled keyed by the case number."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from services.fees.models import FeeCase, OutboxMessage, PaymentNotice
from services.fees.server import DEFINITION as FEES
from shared.kafka.envelope import decode, new_envelope
from shared.kafka.producer import make_producer
from shared.kafka.topics import FEE_ASSESSMENTS, FEES_EVENTS
from tests.fees_support import CASHIER, case_accepted, new_case_number
from tests.identity import gateway_channel
from tests.support import eventually, read_topic

pytestmark = pytest.mark.integration


def count(service, model, *where) -> int:
    with service.runtime.session_factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


async def test_an_accepted_case_is_assessed_and_paying_it_publishes_fees_settled(start_service, kafka_broker):
    bootstrap = kafka_broker.bootstrap_servers
    fees = await start_service(FEES, kafka=bootstrap)
    case_number = new_case_number("FIN")
    event = case_accepted(
        case_number,
        fee_item_codes=("TAX-DEED",),
        department="FIN",
        item="FIN-001",
        declared={"declared_price_fen": 80_000_000, "first_home": 1, "floor_area_cm2": 1_500_000},
    )
    producer = make_producer(bootstrap, "test-fees-accepted")
    # The same acceptance twice as two events (new ids): the case is still assessed once.
    for _ in range(2):
        envelope = new_envelope(event, source="cases", partition_key=case_number)
        producer.send(FEE_ASSESSMENTS, value=envelope.SerializeToString(), key=case_number.encode()).get(timeout=10)
    producer.close()

    eventually(lambda: count(fees, PaymentNotice, PaymentNotice.case_number == case_number) == 1, timeout=30)
    eventually(lambda: count(fees, FeeCase, FeeCase.case_number == case_number) == 1)

    async with gateway_channel(f"127.0.0.1:{fees.port}") as channel:
        stub = fees_pb2_grpc.FeesServiceStub(channel)
        [notice] = (
            await stub.ListPaymentNotices(fees_pb2.ListPaymentNoticesRequest(case_number=case_number), metadata=CASHIER)
        ).notices
        assert notice.total_due_fen == 1_200_000  # first home over 140 m2 (since 2024-12-01): 1.5% of 800,000 yuan
        paid = await stub.RecordPayment(
            fees_pb2.RecordPaymentRequest(
                notice_number=notice.notice_number,
                method=fees_pb2.PAYMENT_METHOD_QR,
                expected_amount_fen=notice.total_due_fen,
                idempotency_key=f"it-{case_number}",
            ),
            metadata=CASHIER,
        )
    assert paid.case_settled

    eventually(lambda: count(fees, OutboxMessage, OutboxMessage.published_at.is_(None)) == 0)
    records = [r for r in read_topic(bootstrap, FEES_EVENTS, expect=10**6, timeout=5) if r.key == case_number.encode()]
    published = [decode(r.value) for r in records]
    types = [envelope.event_type for envelope, _ in published]
    assert types == [
        "servicehall.events.v1.PaymentNoticeIssued",
        "servicehall.events.v1.PaymentRecorded",
        "servicehall.events.v1.FeesSettled",
    ]
    settled = published[-1][1]
    assert settled.case_number == case_number and settled.total_paid_fen == 1_200_000
    assert list(settled.payment_notice_numbers) == [notice.notice_number]
    assert all(envelope.partition_key == case_number for envelope, _ in published)
