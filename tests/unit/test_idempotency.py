"""Idempotency-Key in the gateway (gateway/idempotency.py) in front of real cases and fees
servers on port 0, and the cases service's own dedup by key (services/cases/submissions.py)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import grpc
import httpx
import pytest
import sqlalchemy as sa

from gateway.app import create_app
from gateway.models import IdempotencyRecord
from gateway.settings import GatewaySettings
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases.models import Case
from services.cases.server import DEFINITION as CASES
from services.fees.models import Payment
from services.fees.server import DEFINITION as FEES
from shared.db import make_engine, make_session_factory
from shared.timeutil import utcnow
from tests.fees_support import accept, new_case_number
from tests.identity import applicant_metadata, staff_headers
from tests.support import VALID_ID_CARD, free_port

CASHIER = staff_headers("FIN", "cashier", staff_id="S-CASH-1")
OTHER_CASHIER = staff_headers("FIN", "cashier", staff_id="S-CASH-2")
APPLICATION = {
    "service_item_code": "AIC-002",
    "applicant": {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": "13812345678"},
}


class HeldProxy:
    """A gRPC proxy in front of the cases service that, while `held`, keeps the service's
    answer until released: the service has committed, the gateway's deadline fires first."""

    def __init__(self, target: str) -> None:
        self.channel = grpc.aio.insecure_channel(target)
        self.held = True
        self.release = asyncio.Event()
        self.server = grpc.aio.server()
        self.server.add_generic_rpc_handlers([self._Handler(self)])
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    class _Handler(grpc.GenericRpcHandler):  # type: ignore[misc]
        def __init__(self, proxy: HeldProxy) -> None:
            self.proxy = proxy

        def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
            proxy, method = self.proxy, details.method

            async def forward(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
                metadata = tuple((k, v) for k, v in context.invocation_metadata() if not k.startswith("grpc-"))
                answer = await proxy.channel.unary_unary(method)(request, metadata=metadata)
                if proxy.held:
                    await proxy.release.wait()
                return answer

            return grpc.unary_unary_rpc_method_handler(forward)


@pytest.fixture
async def services(start_service):
    return await start_service(CASES), await start_service(FEES)


def gateway(services, gateway_database_url, *, cases_addr: str = "", timeout: float = 5.0):
    cases, fees = services
    dead = f"127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        gateway_database_url=gateway_database_url,
        cases_addr=cases_addr or f"127.0.0.1:{cases.port}",
        fees_addr=f"127.0.0.1:{fees.port}",
        notification_addr=dead,
        attendance_addr=dead,
        evaluation_addr=dead,
        grpc_timeout_seconds=timeout,
        rate_limits_enabled=False,  # 50 requests of one client at once are the point here
    )
    return create_app(settings)


@pytest.fixture
async def app(services, gateway_database_url):
    app = gateway(services, gateway_database_url)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
        yield http


async def a_notice(client, fees) -> str:
    case = new_case_number()
    accept(fees.runtime.session_factory, case)
    [notice] = (await client.get(f"/api/v1/cases/{case}/payment-notices", headers=CASHIER)).json()["notices"]
    return f"/api/v1/fees/notices/{notice['notice_number']}/payments"


def count(session_factory, model) -> int:
    with session_factory() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def gateway_records(gateway_database_url: str) -> int:
    engine = make_engine(gateway_database_url)
    try:
        return count(make_session_factory(engine), IdempotencyRecord)
    finally:
        engine.dispose()


PAYMENT = {"method": "cash", "expected_amount_fen": 10000}


async def test_fifty_parallel_payments_with_one_key_pay_once_and_answer_alike(client, services):
    fees = services[1]
    url = await a_notice(client, fees)
    headers = {**CASHIER, "Idempotency-Key": "daa10dca-971f-5264-887a-9f6c0bc74e7d"}
    answers = await asyncio.gather(*(client.post(url, json=PAYMENT, headers=headers) for _ in range(50)))
    statuses = sorted(a.status_code for a in answers)
    done = [a for a in answers if a.is_success]
    assert count(fees.runtime.session_factory, Payment) == 1
    assert done and {(a.status_code, a.content) for a in done} == {(201, done[0].content)}, statuses
    assert set(statuses) <= {201, 409}, statuses
    assert statuses.count(409) == 50 - len(done)
    print(f"50 parallel payments, one key: {len(done)} x 201 (identical), {statuses.count(409)} x 409")


async def test_a_replay_is_the_stored_answer_marked(client, services):
    url = await a_notice(client, services[1])
    headers = {**CASHIER, "Idempotency-Key": "144961d7-f004-5b32-a13a-9642add3d86e"}
    first = await client.post(url, json=PAYMENT, headers=headers)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    again = await client.post(url, json={"expected_amount_fen": 10000, "method": "cash"}, headers=headers)
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    # The key is the cashier's own: another cashier's same key is another request (the fees
    # service, whose keys are global, refuses it rather than answering with the first).
    other = await client.post(
        url, json=PAYMENT, headers={**OTHER_CASHIER, "Idempotency-Key": "144961d7-f004-5b32-a13a-9642add3d86e"}
    )
    assert other.status_code == 409 and "idempotent-replayed" not in other.headers


async def test_the_same_key_for_another_request_is_422(client, services):
    url = await a_notice(client, services[1])
    headers = {**CASHIER, "Idempotency-Key": "5b57cb35-9565-5412-b1cb-9d40994e237d"}
    assert (await client.post(url, json=PAYMENT, headers=headers)).status_code == 201
    other = await client.post(url, json={**PAYMENT, "method": "qr"}, headers=headers)
    assert other.status_code == 422 and other.headers["content-type"] == "application/problem+json"
    assert "Idempotency-Key" in other.json()["detail"]
    elsewhere = await client.post(url.replace("PN-", "PN-9"), json=PAYMENT, headers=headers)
    assert elsewhere.status_code == 422  # another path is another request too


async def test_a_missing_key_is_400_naming_the_header(client, services):
    url = await a_notice(client, services[1])
    for target, body, headers in [
        (url, PAYMENT, CASHIER),
        ("/api/v1/cases", APPLICATION, {}),
        ("/api/v1/consultations", {"topic": "x"}, CASHIER),
        ("/api/v1/fees/standards", {}, CASHIER),
    ]:
        answer = await client.post(target, json=body, headers=headers)
        assert answer.status_code == 400, (target, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert "Idempotency-Key" in answer.json()["detail"]
    assert count(services[0].runtime.session_factory, Case) == 0


async def test_an_applicant_key_must_be_a_uuid(client, services):
    refused = await client.post("/api/v1/cases", json=APPLICATION, headers={"Idempotency-Key": "1"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "header.Idempotency-Key"
    key = str(uuid.uuid4())
    first = await client.post("/api/v1/cases", json=APPLICATION, headers={"Idempotency-Key": key})
    again = await client.post("/api/v1/cases", json=APPLICATION, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201 and again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert count(services[0].runtime.session_factory, Case) == 1


async def test_records_expire_after_24_hours(app, client, services, gateway_database_url):
    url = await a_notice(client, services[1])
    headers = {**CASHIER, "Idempotency-Key": "e8b25b60-8bc8-56ca-9d8f-382fac1be424"}
    first = await client.post(url, json=PAYMENT, headers=headers)
    assert first.status_code == 201
    store = app.state.idempotency
    store.now = lambda: utcnow() + timedelta(hours=24, seconds=1)
    # The gateway's record is ignored: the request runs again, and the fees service's own
    # dedup answers (200, replayed) instead of the gateway's stored 201.
    later = await client.post(url, json=PAYMENT, headers=headers)
    assert later.status_code == 200 and later.json()["replayed"] is True
    assert "idempotent-replayed" not in later.headers
    assert count(services[1].runtime.session_factory, Payment) == 1
    # One record now: the expired one was purged, the new one is the later request's.
    store.now = lambda: utcnow() + timedelta(hours=48, seconds=2)
    store._purged_at = None  # the purge runs at most once a minute; this is a minute later
    assert (await client.post(url, json={**PAYMENT, "method": "qr"}, headers=headers)).status_code == 409
    assert gateway_records(gateway_database_url) == 1


async def test_a_503_releases_the_key(client, services):
    await services[0].stop()  # the cases service is down: the request was not carried out
    key = str(uuid.uuid4())
    down = await client.post("/api/v1/cases", json=APPLICATION, headers={"Idempotency-Key": key})
    assert down.status_code == 503
    again = await client.post("/api/v1/cases", json=APPLICATION, headers={"Idempotency-Key": key})
    assert again.status_code == 503 and "idempotent-replayed" not in again.headers


async def test_a_submission_whose_deadline_fired_after_the_commit_is_not_made_twice(services, gateway_database_url):
    cases = services[0]
    proxy = HeldProxy(f"127.0.0.1:{cases.port}")
    await proxy.server.start()
    app = gateway(services, gateway_database_url, cases_addr=f"127.0.0.1:{proxy.port}", timeout=0.5)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
        ):
            headers = {"Idempotency-Key": str(uuid.uuid4())}
            late = await http.post("/api/v1/cases", json=APPLICATION, headers=headers)
            assert late.status_code == 504, late.text
            assert count(cases.runtime.session_factory, Case) == 1  # the service did the work
            proxy.held = False
            proxy.release.set()
            retry = await http.post("/api/v1/cases", json=APPLICATION, headers=headers)
            assert retry.status_code == 201, retry.text
            assert count(cases.runtime.session_factory, Case) == 1
            case = retry.json()
            # The query code of the first answer, which never arrived, works.
            read = await http.get(f"/api/v1/cases/{case['case_number']}", headers={"X-Query-Code": case["query_code"]})
            assert read.status_code == 200
            changed = await http.post("/api/v1/cases", json={**APPLICATION, "remarks": "x"}, headers=headers)
            assert changed.status_code == 422
    finally:
        await proxy.server.stop(None)
        await proxy.channel.close()


async def test_the_cases_service_dedups_by_key_per_caller(services):
    cases = services[0]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{cases.port}") as channel:
        stub = cases_pb2_grpc.CasesServiceStub(channel)
        applicant = cases_pb2.Applicant(name="张三", id_card_number=VALID_ID_CARD, phone="13812345678")
        request = cases_pb2.SubmitApplicationRequest(
            service_item_code="AIC-002", applicant=applicant, idempotency_key="k-1"
        )
        first = await stub.SubmitApplication(request, metadata=applicant_metadata())
        again = await stub.SubmitApplication(request, metadata=applicant_metadata())
        assert again.case_number == first.case_number and again.query_code == first.query_code
        assert count(cases.runtime.session_factory, Case) == 1
        other = cases_pb2.SubmitApplicationRequest(
            service_item_code="AIC-002", applicant=applicant, remarks="又一次", idempotency_key="k-1"
        )
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.SubmitApplication(other, metadata=applicant_metadata())
        assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS
        staff = (("authorization", staff_headers("AIC", "window_staff")["Authorization"]),)
        as_staff = await stub.SubmitApplication(request, metadata=staff)  # another caller's key
        assert as_staff.case_number != first.case_number
        without = cases_pb2.SubmitApplicationRequest(service_item_code="AIC-002", applicant=applicant)
        await stub.SubmitApplication(without, metadata=applicant_metadata())
        await stub.SubmitApplication(without, metadata=applicant_metadata())
        assert count(cases.runtime.session_factory, Case) == 4
