"""The whole platform as separate processes (tools/stack.py, what `make up` runs), with its
own Kafka broker and its own databases (PostgreSQL when TEST_DATABASE_URL is set), driven
over HTTP and gRPC like a newcomer would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa

from gateway.demo import DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_STAFF
from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from shared.kafka.topics import CASES_EVENTS
from tests.conftest import Databases
from tests.support import VALID_ID_CARD, eventually, free_port, read_topic
from tools.stack import SERVICES, Stack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
APPLICATION = {
    "service_item_code": "TRANS-001",
    "applicant": {"name": "孙七", "id_card_number": VALID_ID_CARD, "phone": "13512345678"},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("stack")
    databases = Databases(folder)
    stack = Stack(
        run_dir=folder / "run",
        python=sys.executable,
        grpc_ports={name: free_port() for name in SERVICES},
        metrics_ports={name: free_port() for name in SERVICES},
        http_port=free_port(),
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        # The gateway's too: its accounts and keys are the stack's, not those of data/.
        database_urls={name: databases.make(name) for name in [*SERVICES, "gateway"]},
    )
    try:
        stack.up()
        yield stack
    finally:
        stack.down()
        databases.drop_all()


def http(
    stack: Stack,
    method: str,
    path: str,
    body: bytes | None = None,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
):
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.http_port}{path}",
        data=body,
        method=method,
        # A POST that creates needs an Idempotency-Key: a new one unless the test names one.
        headers={"content-type": content_type, "Idempotency-Key": str(uuid.uuid4()), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def submit(stack: Stack, application: dict = APPLICATION) -> dict:
    status, body = http(stack, "POST", "/api/v1/cases", json.dumps(application).encode())
    assert status == 201, body
    return body


def notices(stack: Stack, case_number: str, query_code: str) -> list[dict]:
    # Polled like an applicant's page that obeys the gateway's query-code rate limit (30 a minute).
    for _ in range(60):
        status, body = http(stack, "GET", f"/api/v1/cases/{case_number}/notices", headers={"X-Query-Code": query_code})
        if status != 429:
            break
        time.sleep(1)
    assert status == 200, body
    return body["notices"]


def metric(stack: Stack, service: str, name: str, labels: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.metrics_ports[service]}/metrics", timeout=5) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith(f"{name}{{") and labels in line:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def stored_cases(stack: Stack) -> int:
    engine = sa.create_engine(stack.database_urls["cases"])
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    finally:
        engine.dispose()


def unpublished_outbox_rows(stack: Stack, case_number: str) -> int:
    engine = sa.create_engine(stack.database_urls["cases"])
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT count(*) FROM outbox_messages WHERE partition_key = :key AND published_at IS NULL"),
                {"key": case_number},
            ).scalar_one()
    finally:
        engine.dispose()


def test_a_case_flows_from_the_gateway_to_notification_and_evaluation(stack):
    window = 'window="TRANS-01"'
    before = metric(stack, "evaluation", "servicehall_window_cases_received_total", window)
    case = submit(stack)
    started = time.monotonic()
    [notice] = eventually(lambda: notices(stack, case["case_number"], case["query_code"]), timeout=5)
    print(f"notice visible {time.monotonic() - started:.2f}s after the submission")
    assert notice["channel"] == "sms" and notice["recipient"] == "135****5678"
    assert case["case_number"] in notice["body"]
    eventually(
        lambda: metric(stack, "evaluation", "servicehall_window_cases_received_total", window) == before + 1, timeout=5
    )


def test_an_independent_consumer_decodes_the_case_submitted_event(stack):
    case = submit(stack)
    wanted = case["case_number"].encode()

    def find():
        return [r for r in read_topic(stack.bootstrap, CASES_EVENTS, expect=1, timeout=10) if r.key == wanted]

    [record] = eventually(find, timeout=30)
    envelope = EventEnvelope.FromString(record.value)
    event = case_events.CaseSubmitted()
    assert envelope.payload.Unpack(event)
    assert envelope.event_type == "servicehall.events.v1.CaseSubmitted" and envelope.source == "cases"
    assert envelope.partition_key == event.case_number == case["case_number"]
    assert event.service_item_code == "TRANS-001" and event.window_code == "TRANS-01"
    assert dict(record.headers)["traceparent"]  # the trace rides along


def test_bad_requests_get_4xx_and_leave_no_case_and_no_event(stack):
    submit(stack)  # something is on the topic before we count
    cases_before = stored_cases(stack)
    events_before = len(read_topic(stack.bootstrap, CASES_EVENTS, expect=10**6, timeout=3))

    status, body = http(
        stack, "POST", "/api/v1/cases", json.dumps({**APPLICATION, "service_item_code": "NOPE"}).encode()
    )
    assert status == 422 and body["errors"][0]["field"] == "service_item_code"
    invalid_id = {**APPLICATION, "applicant": {**APPLICATION["applicant"], "id_card_number": "123"}}
    status, body = http(stack, "POST", "/api/v1/cases", json.dumps(invalid_id).encode())
    assert status == 422 and body["errors"][0]["field"] == "applicant.id_card_number"
    status, body = http(stack, "POST", "/api/v1/cases", b"{not json")
    assert status == 400
    status, body = http(stack, "POST", "/api/v1/cases", b"x" * (200 * 1024))
    assert status == 413

    time.sleep(2)  # what a wrongly written event would need to reach the topic
    assert stored_cases(stack) == cases_before
    assert len(read_topic(stack.bootstrap, CASES_EVENTS, expect=10**6, timeout=3)) == events_before


def test_grpcurl_lists_every_service_and_health_is_serving(stack):
    grpcurl = shutil.which("grpcurl") or str(ROOT / ".cache" / "bin" / "grpcurl")
    assert os.access(grpcurl, os.X_OK), "grpcurl is missing: run `make tools`"
    for name in SERVICES:
        address = f"127.0.0.1:{stack.grpc_ports[name]}"
        listed = subprocess.run([grpcurl, "-plaintext", address, "list"], capture_output=True, text=True, check=True)
        assert f"servicehall.{name}.v1." in listed.stdout
        health = subprocess.run(
            [grpcurl, "-plaintext", address, "grpc.health.v1.Health/Check"], capture_output=True, text=True, check=True
        )
        assert json.loads(health.stdout) == {"status": "SERVING"}


def test_a_department_system_calls_grpc_with_a_client_credentials_token(stack):
    grpcurl = shutil.which("grpcurl") or str(ROOT / ".cache" / "bin" / "grpcurl")
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": "land-registry", "client_secret": DEMO_CLIENT_SECRET}
    )
    status, body = http(stack, "POST", "/oauth/token", form.encode(), "application/x-www-form-urlencoded")
    assert status == 200, body
    address = f"127.0.0.1:{stack.grpc_ports['cases']}"
    method = "servicehall.cases.v1.CasesService/ListCases"

    def call(*metadata: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([grpcurl, "-plaintext", *metadata, address, method], capture_output=True, text=True)

    assert call("-H", f"authorization: Bearer {body['access_token']}").returncode == 0
    refused = call()
    assert refused.returncode != 0 and "Unauthenticated" in refused.stderr


def sign_in(stack: Stack, staff_id: str) -> dict[str, str]:
    """Signs a demo account in through the gateway, as staff do (`make up` seeded them), and
    returns the header that carries the token."""
    [secret] = [secret for account, *_, secret in DEMO_STAFF if account == staff_id]
    credentials = {"staff_id": staff_id, "password": DEMO_PASSWORD}
    if secret:
        credentials["otp_code"] = pyotp.TOTP(secret).now()
    status, body = http(stack, "POST", "/api/v1/auth/sign-in", json.dumps(credentials).encode())
    assert status == 200, body
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_staff_routes_need_a_token_the_services_accept(stack):
    """The services started before the gateway and fetch its keys on the first token."""
    status, _ = http(stack, "GET", "/api/v1/cases")
    assert status == 401
    status, body = http(stack, "GET", "/api/v1/cases", headers=sign_in(stack, "aic-01"))
    assert status == 200, body


def test_a_case_with_fees_concludes_only_after_they_are_paid_at_the_cashier(stack):
    """Issue 4's flow across services: accepted -> notice assessed (fees consumed CaseAccepted)
    -> paid at the one cashier -> receipt -> FeesSettled (cases consumed it) -> conclusion."""
    land_materials = [  # every material LAND-001 requires: a case is accepted only with all of them
        "土地登记申请书",
        "申请人身份证明",
        "国有建设用地使用权出让合同",
        "土地出让金缴纳凭证",
        "地籍调查表及宗地图",
        "契税完税证明",
    ]
    case = submit(  # fee FEE-LAND-REG, needs the seal
        stack, {**APPLICATION, "service_item_code": "LAND-001", "materials_supplied": land_materials}
    )
    number, applicant = case["case_number"], {"X-Query-Code": case["query_code"]}
    land_staff, cashier = sign_in(stack, "land-01"), sign_in(stack, "fin-cash-1")

    def act(action: str):
        return http(stack, "POST", f"/api/v1/cases/{number}/actions/{action}", b"{}", headers=land_staff)

    assert act("accept")[0] == 200

    def assessed():
        status, body = http(stack, "GET", f"/api/v1/cases/{number}/payment-notices", headers=applicant)
        return body["notices"] if status == 200 else None

    [notice] = eventually(assessed, timeout=30)
    assert notice["total_due_fen"] > 0 and notice["total_paid_fen"] == 0
    assert act("start-review")[0] == 200 and act("approve")[0] == 200
    status, seals = http(stack, "GET", "/api/v1/windows/LAND-01/seals", headers=land_staff)
    assert status == 200 and seals
    status, _ = http(
        stack,
        "POST",
        f"/api/v1/seals/{seals[0]['code']}/uses",
        json.dumps({"case_number": number}).encode(),
        headers=land_staff,
    )
    assert status == 201

    status, refused = act("conclude")  # the fees are not paid yet
    assert status == 409 and "fees" in refused["detail"]

    payment = json.dumps({"method": "qr", "expected_amount_fen": notice["total_due_fen"]}).encode()
    status, paid = http(
        stack,
        "POST",
        f"/api/v1/fees/notices/{notice['notice_number']}/payments",
        payment,
        headers={**cashier, "Idempotency-Key": str(uuid.uuid5(uuid.NAMESPACE_URL, f"pay-{number}"))},
    )
    assert status == 201, paid
    assert paid["receipt"]["total_fen"] == notice["total_due_fen"] and paid["receipt"]["receipt_number"]

    def concluded():
        status, body = act("conclude")
        return body if status == 200 else None

    done = eventually(concluded, timeout=30)  # once FeesSettled has reached the cases service
    assert done["status"] == "concluded" and done["fees_settled"] is True


def test_a_case_submitted_while_the_broker_is_down_is_notified_exactly_once(stack):
    stack.stop_kafka()
    try:
        case = submit(stack)  # the submission does not need Kafka: the outbox holds the event
        # Its own event and the applicant's notice (on the topic only notification reads).
        assert unpublished_outbox_rows(stack, case["case_number"]) == 2
        time.sleep(2)
        assert notices(stack, case["case_number"], case["query_code"]) == []
    finally:
        stack.start_kafka()
    eventually(lambda: notices(stack, case["case_number"], case["query_code"]), timeout=60)
    eventually(lambda: unpublished_outbox_rows(stack, case["case_number"]) == 0, timeout=30)
    time.sleep(3)  # a duplicate would show up by now
    assert len(notices(stack, case["case_number"], case["query_code"])) == 1


def test_down_leaves_no_process(stack):
    pids = [stack.pid(name) for name in [*SERVICES, "gateway", "kafka"]]
    assert all(pids), pids
    stack.down()
    assert [pid for pid in pids if running(pid)] == []


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited process whose parent has not reaped it yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
