"""Delivery of notices to real protocol peers started here on free 127.0.0.1 ports: an SMTP
server (aiosmtpd) and an HTTP receiver standing in for the SMS gateway (stdlib http.server),
against the notification service's migrated database (PostgreSQL when TEST_DATABASE_URL is
set). No Kafka: notices are stored the way the consumer stores them (services.notification
.notices), then the delivery job sends them.

Backoff is checked with a frozen clock carried by the test's sessions (shared.clock), so the
tests do not wait for real minutes; everything on the wire is real."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import shutil
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from alembic import command
from alembic.config import Config
from prometheus_client import REGISTRY
from pydantic import ValidationError

from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.notification.v1 import notification_pb2, notification_pb2_grpc
from services.notification import notices
from services.notification.channels import DeliveryError, EmailSender, OutgoingNotice, SmsSender
from services.notification.delivery import NoticeDispatcher, RetryPolicy
from services.notification.models import Notice
from services.notification.server import DEFINITION as NOTIFICATION
from services.notification.settings import NotificationSettings
from shared.clock import SYSTEM_CLOCK, SystemClock
from shared.db import make_engine, make_session_factory, migrate, run_in_transaction, transaction
from shared.timeutil import utcnow
from tests.identity import gateway_channel, staff_metadata
from tests.support import eventually, free_port

pytestmark = pytest.mark.integration

PHONE = "13812345678"
EMAIL = "zhang.san@example.cn"
STAFF = staff_metadata("AIC", "window_staff", staff_id="aic-01")


# ------------------------------------------------------------------ the peers
class SmtpSink:
    """aiosmtpd handler: keeps every accepted message; refuses every recipient with
    `refuse` (e.g. "550 5.1.1 ...") when set."""

    def __init__(self, refuse: str | None = None, delay: float = 0.0) -> None:
        self.refuse = refuse
        self.delay = delay
        self.refused = 0
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            self.refused += 1
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            time.sleep(self.delay)  # a slow server: lets concurrent senders interleave
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"hall", b"s3cret"), handled=False)


@pytest.fixture
def smtp_server() -> Iterator:
    """start(handler, **aiosmtpd SMTP options) -> port of a running SMTP server."""
    controllers: list[Controller] = []

    def start(handler: SmtpSink, **options) -> int:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        controllers.append(controller)
        return controller.port

    yield start
    for controller in controllers:
        controller.stop()


class SmsGateway:
    """An HTTP receiver on a free port: records each POST (headers and JSON body) and answers
    with the next status of `statuses` (the last one repeats)."""

    def __init__(self, statuses: list[int] | None = None, answer: str = "") -> None:
        self.statuses = list(statuses or [200])
        self.answer = answer
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with gateway._lock:
                    gateway.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                    )
                    status = gateway.statuses.pop(0) if len(gateway.statuses) > 1 else gateway.statuses[0]
                payload = (gateway.answer or json.dumps({"accepted": status < 300})).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:  # the test output stays quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms/send"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway() -> Iterator:
    gateways: list[SmsGateway] = []

    def start(statuses: list[int] | None = None, answer: str = "") -> SmsGateway:
        gateways.append(SmsGateway(statuses, answer))
        return gateways[-1]

    yield start
    for gateway in gateways:
        gateway.stop()


# ------------------------------------------------------------------ the database and notices
@pytest.fixture
def notification_replicas(migrated_database) -> Iterator:
    """A migrated notification database; connect() -> a session factory with an engine of
    its own (as a separate replica would have)."""
    url = migrated_database(NOTIFICATION)
    engines = []

    def connect(clock: Clock | SystemClock = SYSTEM_CLOCK):
        engines.append(make_engine(url))
        return make_session_factory(engines[-1], clock)

    yield connect
    for engine in engines:
        engine.dispose()


def store_notice(session_factory, *, phone: str = "", mail: str = "", number: int = 1) -> str:
    """A receipt notice stored as the consumer stores it; its id."""
    event = case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(name="张三", phone=phone, email=mail),
        query_code_sha256="0" * 64,
        case_submitted=case_events.CaseSubmitted(
            case_number=f"AIC-20260302-{number:05d}",
            service_item_name="个体工商户设立登记",
            department_code="AIC",
            window_code="AIC-01",
            case_kind="committed",
            promised_days=3,
        ),
    )
    with transaction(session_factory) as session:
        return notices.notice_for_case_submitted(session, str(uuid.uuid4()), event).notice_id


def notice(session_factory, notice_id: str) -> Notice:
    with session_factory() as session:
        return session.get(Notice, notice_id)


class Clock:
    """Frozen until advanced: the backoff is checked to the second."""

    def __init__(self) -> None:
        self.moment = utcnow()

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def email_sender(port: int, **options) -> EmailSender:
    return EmailSender("127.0.0.1", port, "notices@hall.example.cn", timeout=5, **options)


def delivered(channel: str, outcome: str) -> float:
    return (
        REGISTRY.get_sample_value("servicehall_notices_delivered_total", {"channel": channel, "outcome": outcome})
        or 0.0
    )


# ------------------------------------------------------------------ e-mail
def test_an_email_notice_arrives_with_its_subject_body_and_recipient(notification_replicas, smtp_server):
    sink = SmtpSink()
    port = smtp_server(sink)
    db = notification_replicas()
    notice_id = store_notice(db, mail=EMAIL)
    before = delivered("email", "sent")

    dispatcher = NoticeDispatcher(db, {"email": email_sender(port)})
    assert dispatcher.run_once() == {"sent": 1}

    [(mail_from, rcpt_tos, message)] = sink.messages
    assert mail_from == "notices@hall.example.cn" and rcpt_tos == [EMAIL]
    assert message["To"] == EMAIL and message["From"] == "notices@hall.example.cn"
    assert message["Subject"] == "申请已收到：个体工商户设立登记"
    assert "办件编号 AIC-20260302-00001" in message.get_content()
    assert message["Message-ID"] == f"<{notice_id}@hall.example.cn>"
    stored = notice(db, notice_id)
    assert (stored.delivery_status, stored.delivery_attempts, stored.last_error) == ("sent", 1, None)
    assert stored.sent_at is not None and stored.claim_token is None
    assert delivered("email", "sent") == before + 1
    assert dispatcher.run_once() == {}  # sent is sent: nothing is due any more
    assert len(sink.messages) == 1


def test_smtp_login_and_starttls_with_a_verified_certificate(notification_replicas, smtp_server, tmp_path):
    # .ci/run installs openssl where it is missing; a missing tool fails here, not skips.
    assert shutil.which("openssl"), "openssl is needed to make the test certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    sink = SmtpSink()
    port = smtp_server(
        sink, tls_context=tls, require_starttls=True, auth_required=True, authenticator=sink.authenticate
    )
    outgoing = OutgoingNotice(str(uuid.uuid4()), "AIC-20260302-00001", EMAIL, "主题", "正文")

    email_sender(port, starttls=True, ca_file=str(cert), username="hall", password="s3cret").send(outgoing)
    assert sink.logins == [(b"hall", b"s3cret")] and len(sink.messages) == 1

    with pytest.raises(DeliveryError, match="535"):
        email_sender(port, starttls=True, ca_file=str(cert), username="hall", password="wrong").send(outgoing)
    with pytest.raises(DeliveryError, match="530"):  # no STARTTLS: the server will not take it in clear
        email_sender(port).send(outgoing)
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):  # the system CAs do not know it
        email_sender(port, starttls=True, username="hall", password="s3cret").send(outgoing)
    assert len(sink.messages) == 1


def test_a_refusing_smtp_server_leads_to_retries_with_backoff_then_failed(notification_replicas, smtp_server):
    sink = SmtpSink(refuse="550 5.1.1 <zhang.san@example.cn>: mailbox unavailable")
    port = smtp_server(sink)
    clock = Clock()
    db = notification_replicas(clock)
    notice_id = store_notice(db, mail=EMAIL)
    dispatcher = NoticeDispatcher(
        db,
        {"email": email_sender(port)},
        policy=RetryPolicy(max_attempts=3, backoff_seconds=60, backoff_max_seconds=600),
    )
    before = delivered("email", "failed")

    assert dispatcher.run_once() == {"retrying": 1}
    first = notice(db, notice_id)
    assert (first.delivery_status, first.delivery_attempts) == ("retrying", 1)
    assert "550" in first.last_error and "mailbox unavailable" in first.last_error
    assert EMAIL not in first.last_error and "z***@example.cn" in first.last_error  # masked

    clock.advance(59)
    assert dispatcher.run_once() == {}  # not due yet: 60 s after the first failure
    clock.advance(2)
    assert dispatcher.run_once() == {"retrying": 1}
    clock.advance(119)
    assert dispatcher.run_once() == {}  # the wait doubled: 120 s
    clock.advance(2)
    assert dispatcher.run_once() == {"failed": 1}

    last = notice(db, notice_id)
    assert (last.delivery_status, last.delivery_attempts, last.sent_at) == ("failed", 3, None)
    assert "550" in last.last_error
    assert sink.refused == 3 and sink.messages == []
    clock.advance(10_000)
    assert dispatcher.run_once() == {}  # given up for good
    assert delivered("email", "failed") == before + 1


def test_an_unreachable_smtp_server_is_an_error_recorded_not_a_crash(notification_replicas):
    db = notification_replicas()
    notice_id = store_notice(db, mail=EMAIL)
    dispatcher = NoticeDispatcher(db, {"email": email_sender(free_port())}, policy=RetryPolicy(2, 0, 0))
    assert dispatcher.run_once() == {"retrying": 1, "failed": 1}  # backoff 0: both attempts in one run
    stored = notice(db, notice_id)
    assert stored.delivery_status == "failed" and "SMTP server unreachable" in stored.last_error


# ------------------------------------------------------------------ SMS
def test_an_sms_notice_arrives_at_the_gateway_as_json(notification_replicas, sms_gateway):
    gateway = sms_gateway()
    db = notification_replicas()
    notice_id = store_notice(db, phone=PHONE)
    sender = SmsSender(gateway.url, "gw-token", timeout=5)
    dispatcher = NoticeDispatcher(db, {"sms": sender})
    assert dispatcher.run_once() == {"sent": 1}
    dispatcher.close()

    [request] = gateway.requests
    assert request["path"] == "/v1/sms/send"
    assert request["headers"]["Authorization"] == "Bearer gw-token"
    assert request["headers"]["Idempotency-Key"] == notice_id
    assert request["headers"]["Content-Type"] == "application/json"
    body = request["json"]
    assert set(body) == {"message_id", "to", "text", "reference"}
    assert body["message_id"] == notice_id and body["to"] == PHONE and body["reference"] == "AIC-20260302-00001"
    assert body["text"].startswith("张三，您好！") and "办件编号 AIC-20260302-00001" in body["text"]
    assert notice(db, notice_id).delivery_status == "sent"


def test_a_gateway_answering_500_leads_to_retries_then_failed_and_recovers_when_it_answers(
    notification_replicas, sms_gateway
):
    gateway = sms_gateway([500], answer='{"error": "upstream carrier down"}')
    clock = Clock()
    db = notification_replicas(clock)
    doomed = store_notice(db, phone=PHONE)
    dispatcher = NoticeDispatcher(
        db,
        {"sms": SmsSender(gateway.url, "t", timeout=5)},
        policy=RetryPolicy(max_attempts=3, backoff_seconds=10, backoff_max_seconds=15),
    )
    outcomes = []
    for _ in range(3):
        outcomes.append(dispatcher.run_once())
        clock.advance(15)  # 10 s, then 20 s capped at 15 s
    assert outcomes == [{"retrying": 1}, {"retrying": 1}, {"failed": 1}]
    failed = notice(db, doomed)
    assert failed.delivery_status == "failed" and failed.delivery_attempts == 3
    assert failed.last_error == 'SMS gateway refused: HTTP 500 {"error": "upstream carrier down"}'
    assert [r["json"]["message_id"] for r in gateway.requests] == [doomed] * 3  # same id on every retry

    gateway.statuses = [503, 200]  # one more refusal, then it takes messages again
    recovered = store_notice(db, phone="13912345678", number=2)
    assert dispatcher.run_once() == {"retrying": 1}
    clock.advance(10)
    assert dispatcher.run_once() == {"sent": 1}
    stored = notice(db, recovered)
    assert (stored.delivery_status, stored.delivery_attempts) == ("sent", 2)
    assert stored.last_error is None
    dispatcher.close()


def test_logs_and_errors_never_carry_the_full_phone_number(notification_replicas, sms_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    # A gateway that quotes the number back in its refusal.
    gateway = sms_gateway([400, 200], answer=f'{{"error": "number {PHONE} is on the blocklist"}}')
    db = notification_replicas()
    notice_id = store_notice(db, phone=PHONE)
    dispatcher = NoticeDispatcher(db, {"sms": SmsSender(gateway.url, "t", timeout=5)}, policy=RetryPolicy(3, 0, 0))
    assert dispatcher.run_once() == {"retrying": 1, "sent": 1}
    dispatcher.close()

    assert gateway.requests[0]["json"]["to"] == PHONE  # the gateway does get the number
    assert notice(db, notice_id).last_error is None
    records = caplog.records
    assert any(r.getMessage() == "notice delivery failed; will retry" for r in records)
    assert any(r.getMessage() == "notice sent" and r.recipient == "138****5678" for r in records)
    for record in records:
        assert PHONE not in record.getMessage()
        assert all(PHONE not in str(value) for value in vars(record).values()), record
    assert PHONE not in caplog.text


def test_a_refusal_that_quotes_the_number_is_stored_masked(notification_replicas, sms_gateway):
    gateway = sms_gateway([422], answer=f"bad number {PHONE}")
    db = notification_replicas()
    notice_id = store_notice(db, phone=PHONE)
    NoticeDispatcher(db, {"sms": SmsSender(gateway.url, "t", timeout=5)}, policy=RetryPolicy(1, 0, 0)).run_once()
    stored = notice(db, notice_id)
    assert stored.delivery_status == "failed"
    assert stored.last_error == "SMS gateway refused: HTTP 422 bad number 138****5678"


# ------------------------------------------------------------------ several replicas
def test_two_dispatchers_at_once_send_each_notice_exactly_once(notification_replicas, smtp_server, sms_gateway):
    sink = SmtpSink(delay=0.005)
    port = smtp_server(sink)
    gateway = sms_gateway()
    setup = notification_replicas()
    ids = {store_notice(setup, phone=f"139{n:08d}", number=n) for n in range(20)}
    ids |= {store_notice(setup, mail=f"applicant{n}@example.cn", number=100 + n) for n in range(20)}

    # Two replicas: engines of their own, each with its own senders, started together.
    dispatchers = [
        NoticeDispatcher(
            notification_replicas(),
            {"email": email_sender(port), "sms": SmsSender(gateway.url, "t", timeout=5)},
            batch_size=5,
        )
        for _ in range(2)
    ]
    totals = [0, 0]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def replica(index: int) -> None:
        try:
            start.wait()
            while sent := dispatchers[index].run_once().get("sent", 0):
                totals[index] += sent
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=replica, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for dispatcher in dispatchers:
        dispatcher.close()
    assert not errors, errors

    mail_ids = [message["Message-ID"].strip("<>").split("@")[0] for _, _, message in sink.messages]
    sms_ids = [request["json"]["message_id"] for request in gateway.requests]
    assert len(mail_ids) == len(set(mail_ids)) == 20
    assert len(sms_ids) == len(set(sms_ids)) == 20
    assert set(mail_ids) | set(sms_ids) == ids
    assert sum(totals) == 40 and all(totals), totals  # both replicas took part
    with setup() as session:
        rows = session.execute(sa.select(Notice.delivery_status, Notice.delivery_attempts)).all()
    assert set(rows) == {("sent", 1)}


def test_a_claim_held_by_a_replica_is_not_sent_by_another_until_it_lapses(notification_replicas, sms_gateway):
    gateway = sms_gateway()
    clock = Clock()
    db = notification_replicas(clock)
    notice_id = store_notice(db, phone=PHONE)
    sender = SmsSender(gateway.url, "t", timeout=5)
    crashed = NoticeDispatcher(notification_replicas(clock), {"sms": sender}, claim_seconds=300)
    other = NoticeDispatcher(db, {"sms": sender}, claim_seconds=300)

    claimed = run_in_transaction(crashed.session_factory, crashed.claim_one)  # ... and then it died
    assert claimed.notice.notice_id == notice_id
    assert other.run_once() == {}
    clock.advance(299)
    assert other.run_once() == {}
    clock.advance(2)
    assert other.run_once() == {"sent": 1}
    assert len(gateway.requests) == 1
    stored = notice(db, notice_id)
    assert (stored.delivery_status, stored.delivery_attempts) == ("sent", 2)  # the lost attempt counts

    late = run_in_transaction(crashed.session_factory, lambda s: crashed.record(s, claimed, None))
    assert late == "sent" and notice(db, notice_id).delivery_attempts == 2  # a stale claim changes nothing
    sender.close()


def test_a_notice_whose_last_attempt_never_reported_back_is_given_up(notification_replicas, sms_gateway):
    gateway = sms_gateway()
    clock = Clock()
    db = notification_replicas(clock)
    notice_id = store_notice(db, phone=PHONE)
    sender = SmsSender(gateway.url, "t", timeout=5)
    dispatcher = NoticeDispatcher(db, {"sms": sender}, policy=RetryPolicy(1, 0, 0), claim_seconds=60)
    run_in_transaction(db, dispatcher.claim_one)  # its only attempt; the sender dies
    clock.advance(61)
    assert dispatcher.run_once() == {"failed": 1}
    stored = notice(db, notice_id)
    assert stored.delivery_status == "failed" and "did not report back" in stored.last_error
    assert gateway.requests == []
    sender.close()


# ------------------------------------------------------------------ the running service
async def list_notices(service, case_number: str) -> list[notification_pb2.Notice]:
    async with gateway_channel(f"127.0.0.1:{service.port}") as channel:
        answer = await notification_pb2_grpc.NotificationServiceStub(channel).ListNotices(
            notification_pb2.ListNoticesRequest(case_number=case_number), metadata=STAFF
        )
    return list(answer.notices)


async def test_the_service_sends_stored_notices_when_its_channels_are_configured(
    start_service, smtp_server, sms_gateway
):
    sink = SmtpSink()
    port = smtp_server(sink)
    gateway = sms_gateway()
    service = await start_service(
        NOTIFICATION,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="notices@hall.example.cn",
        sms_gateway_url=gateway.url,
        sms_gateway_token="t",
        delivery_poll_seconds=0.05,
    )
    assert "notice-delivery" in {thread.name for thread in threading.enumerate()}
    db = service.runtime.session_factory
    sms_id = store_notice(db, phone=PHONE, number=1)
    mail_id = store_notice(db, mail=EMAIL, number=2)
    before = delivered("sms", "sent")

    # The job runs in a thread of its own; the peers and the database tell when it is done.
    eventually(lambda: all(notice(db, i).delivery_status == "sent" for i in (sms_id, mail_id)), timeout=10)
    assert len(sink.messages) == 1 and len(gateway.requests) == 1
    [sms] = await list_notices(service, "AIC-20260302-00001")
    [mail] = await list_notices(service, "AIC-20260302-00002")
    assert (sms.channel, sms.recipient, sms.delivery_status) == ("sms", "138****5678", "sent")
    assert (mail.channel, mail.recipient, mail.delivery_status) == ("email", "z***@example.cn", "sent")
    assert delivered("sms", "sent") == before + 1


async def test_without_smtp_host_or_sms_url_notices_stay_stored(start_service):
    service = await start_service(NOTIFICATION, delivery_poll_seconds=0.05)
    # No channel configured: the delivery job does not even run.
    assert "notice-delivery" not in {thread.name for thread in threading.enumerate()}
    store_notice(service.runtime.session_factory, phone=PHONE)
    [stored] = await list_notices(service, "AIC-20260302-00001")
    assert stored.delivery_status == "stored"


async def test_only_the_configured_channel_is_sent(start_service, sms_gateway):
    gateway = sms_gateway()
    service = await start_service(NOTIFICATION, sms_gateway_url=gateway.url, delivery_poll_seconds=0.05)
    db = service.runtime.session_factory
    store_notice(db, mail=EMAIL, number=1)
    store_notice(db, phone=PHONE, number=2)
    eventually(lambda: len(gateway.requests) == 1, timeout=10)
    [mail] = await list_notices(service, "AIC-20260302-00001")
    assert mail.delivery_status == "stored"  # e-mail is not configured: it waits


def test_settings_refuse_half_configured_delivery():

    with pytest.raises(ValidationError, match="smtp_from"):
        NotificationSettings(smtp_host="mail.example.cn")
    with pytest.raises(ValidationError, match="go together"):
        NotificationSettings(smtp_host="mail.example.cn", smtp_from="a@b.cn", smtp_username="hall")
    quiet = NotificationSettings()
    assert quiet.delivery_channels() == [] and quiet.delivery_interval() == 0
    assert NotificationSettings(sms_gateway_url="http://127.0.0.1:1/").delivery_channels() == ["sms"]


def test_the_migration_goes_down_and_up_again(database_url):
    url = database_url("notification")
    migrations = NOTIFICATION.migrations_dir
    migrate(url, migrations)

    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.attributes["database_url"] = url
    command.downgrade(config, "0002")
    engine = make_engine(url)
    try:
        assert "delivery_status" not in {c["name"] for c in sa.inspect(engine).get_columns("notices")}
    finally:
        engine.dispose()
    migrate(url, migrations)
    engine = make_engine(url)
    try:
        assert "delivery_status" in {c["name"] for c in sa.inspect(engine).get_columns("notices")}
    finally:
        engine.dispose()
