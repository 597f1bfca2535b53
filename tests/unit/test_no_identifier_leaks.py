"""No ID card or phone number leaves the platform unmasked through logs, traces, metrics or
answers. The flow runs end to end in-process (the gateway in front of real cases and
notification servers; `relay` hands the outbox to the notification consumer as Kafka would):
an application with an ID card, phones and numbers typed into its remarks, an invalid one,
an acceptance with a reason, a consultation, the notices; with every logger captured as the
services write it (JsonFormatter) and every span kept (InMemorySpanExporter). Then every log
line, every span's name, attributes, events and status, every answer and error body and the
/metrics exposition are searched for the raw numbers in any spelling."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY, generate_latest

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.cases.server import DEFINITION as CASES
from services.notification.server import DEFINITION as NOTIFICATION
from shared.logging import JsonFormatter, install_trace_context
from shared.telemetry import setup_tracing
from tests.identity import staff_headers
from tests.support import VALID_ID_CARD, free_port, fresh_idempotency_key, relay

PHONE, OTHER_PHONE = "13812345678", "13998765432"
RAW = [VALID_ID_CARD, PHONE, OTHER_PHONE]
# The same numbers as people type them into free text.
TYPED = (
    f"身份证{VALID_ID_CARD[:6]} {VALID_ID_CARD[6:14]} {VALID_ID_CARD[14:]}，"
    "电话 +86 139-9876-5432，备用１３８１２３４５６７８"
)
WINDOW = staff_headers("AIC", "window_staff", staff_id="aic-01")
_WIDE = {str(d): chr(0xFF10 + d) for d in range(10)}


def spelled_anyhow(number: str) -> re.Pattern[str]:
    """The number with any separators between its digits, each digit ASCII or full-width."""
    digit = [f"[{c}{_WIDE.get(c, '')}]" for c in number]
    return re.compile(r"[\s\-－—()（）]*".join(digit))


PATTERNS = [spelled_anyhow(n) for n in RAW]


def _around(text: str) -> str:
    """Where the first unmasked number is, for the failure message."""
    at = min(m.start() for p in PATTERNS if (m := p.search(text)))
    return text[max(0, at - 150) : at + 60]


def leaks(text: str) -> list[str]:
    return [p.pattern for p in PATTERNS if p.search(text)]


class Lines(logging.Handler):
    """Every record of every logger, formatted as the services write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter("test"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    spans = InMemorySpanExporter()
    setup_tracing("unit-tests", extra_processor=SimpleSpanProcessor(spans))
    install_trace_context()
    handler, root = Lines(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler, spans
    root.removeHandler(handler)
    root.setLevel(level)
    spans.shutdown()


def span_texts(spans: InMemorySpanExporter) -> list[str]:
    texts = []
    for span in spans.get_finished_spans():
        texts += [span.name, str(dict(span.attributes or {})), span.status.description or ""]
        texts += [f"{event.name} {dict(event.attributes or {})}" for event in span.events]
    return texts


async def test_no_number_leaves_unmasked_through_logs_traces_metrics_or_answers(
    start_service, captured, gateway_database_url
):
    lines, spans = captured
    cases, notification = await start_service(CASES), await start_service(NOTIFICATION)
    dead = f"127.0.0.1:{free_port()}"
    app = create_app(
        GatewaySettings(
            gateway_database_url=gateway_database_url,
            cases_addr=f"127.0.0.1:{cases.port}",
            notification_addr=f"127.0.0.1:{notification.port}",
            fees_addr=dead,
            attendance_addr=dead,
            evaluation_addr=dead,
            grpc_timeout_seconds=5,
        )
    )
    answers: list[str] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://gateway",
            event_hooks={"request": [fresh_idempotency_key]},
        ) as http,
    ):

        async def call(method: str, url: str, **kwargs) -> httpx.Response:
            response = await http.request(method, url, **kwargs)
            answers.append(response.text)
            return response

        applicant = {"name": "张三", "id_card_number": VALID_ID_CARD, "phone": PHONE, "email": "zs@example.cn"}
        application = {
            "service_item_code": "AIC-001",
            "applicant": applicant,
            "remarks": TYPED,
            "materials_supplied": ["个体工商户开业登记申请书", "经营者身份证明", "经营场所使用证明"],
        }
        submitted = await call("POST", "/api/v1/cases", json=application)
        assert submitted.status_code == 201, submitted.text
        number = submitted.json()["case_number"]
        # Invalid input: a wrong check digit, a bad phone number, a field that does not exist.
        wrong = {**applicant, "id_card_number": VALID_ID_CARD[:-1] + "8", "phone": PHONE + "9"}
        assert (await call("POST", "/api/v1/cases", json={**application, "applicant": wrong})).status_code == 422
        assert (await call("POST", "/api/v1/cases", json={**application, PHONE: VALID_ID_CARD})).status_code == 422
        assert (await call("GET", f"/api/v1/cases/{PHONE}", headers=WINDOW)).status_code in (404, 422)
        accepted = await call("POST", f"/api/v1/cases/{number}/actions/accept", json={"reason": TYPED}, headers=WINDOW)
        assert accepted.status_code == 200, accepted.text
        consultation = {"window_code": "AIC-01", "asker": f"李四 {OTHER_PHONE}", "topic": TYPED}
        assert (await call("POST", "/api/v1/consultations", json=consultation, headers=WINDOW)).status_code == 201
        outcomes = await relay(cases, notification)  # the receipt notice, with the phone number
        assert outcomes and set(outcomes) == {"applied"}, outcomes
        for path in ("", "/history", "/notices"):
            assert (await call("GET", f"/api/v1/cases/{number}{path}", headers=WINDOW)).status_code == 200
        answers.append((await http.get("/metrics/")).text)
    answers.append(generate_latest(REGISTRY).decode())

    texts = {"log line": lines.lines, "span": span_texts(spans), "answer or /metrics": answers}
    assert len(lines.lines) > 10 and len(texts["span"]) > 50
    found = {kind: [_around(t) for t in items if leaks(t)] for kind, items in texts.items()}
    assert found == {kind: [] for kind in texts}, found
