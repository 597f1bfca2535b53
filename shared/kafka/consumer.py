"""Event consumer: one consumer group per service, idempotent, with a dead-letter topic.

For each record: continue the producer's trace, decode the envelope, and in ONE database
transaction record the event id and apply the handler. Only then is the offset committed.
A redelivered event finds its id recorded and has no second effect. A record that cannot be
decoded or applied goes to the service's dead-letter topic with the reason, and the
consumer moves on; a database that is unreachable is retried instead (the record is fine).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import OffsetAndMetadata, TopicPartition
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from servicehall.events.v1.envelope_pb2 import EventEnvelope
from shared.clock import now
from shared.db import ProcessedEventMixin, transaction
from shared.kafka.envelope import UndecodableEvent, decode
from shared.kafka.topics import dead_letter_topic

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

EVENTS_CONSUMED = Counter(
    "servicehall_events_consumed_total",
    "Kafka records handled by a consumer, by outcome",
    ["service", "topic", "outcome"],  # applied | duplicate | ignored | dead_lettered
)

# handler(session, envelope, payload): apply the event inside the caller's transaction.
Handler = Callable[[Session, EventEnvelope, Message], None]


class EventConsumer:
    def __init__(
        self,
        *,
        service_name: str,
        bootstrap_servers: str,
        topics: list[str],
        handlers: dict[str, Handler],
        session_factory: sessionmaker[Session],
        processed_model: type[ProcessedEventMixin],
        producer_factory: Callable[[], KafkaProducer],
        retry_seconds: float = 1.0,
    ) -> None:
        self.service_name = service_name
        self.bootstrap_servers = bootstrap_servers
        self.topics = topics
        self.handlers = handlers
        self.session_factory = session_factory
        self.processed_model = processed_model
        self.producer_factory = producer_factory
        self.retry_seconds = retry_seconds
        self.dead_letter_topic = dead_letter_topic(service_name)
        self._dead_letter_producer: KafkaProducer | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{service_name}-consumer", daemon=True)
        self._consumer: KafkaConsumer | None = None

    @property
    def group_id(self) -> str:
        return f"servicehall-{self.service_name}"

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._thread.join(timeout)
        if self._dead_letter_producer is not None:
            self._dead_letter_producer.close(timeout=timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._consume()
            except Exception:
                log.warning("consumer failed; reconnecting", exc_info=True)
                self._stop.wait(self.retry_seconds)
            finally:
                if self._consumer is not None:
                    self._consumer.close(autocommit=False)
                    self._consumer = None

    def _consume(self) -> None:
        self._consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            client_id=f"{self.group_id}-consumer",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=50,
            # A member that vanished (a killed replica) holds its partitions until its session
            # expires: 10 s, not Kafka's default 45 s (heartbeats run on kafka-python's own thread).
            session_timeout_ms=10000,
            heartbeat_interval_ms=3000,
        )
        # Join the group only once this client's metadata knows every topic: a member that
        # joins while a just-created topic is missing from it is assigned no partitions until
        # the next metadata refresh, minutes later, and the events wait that long.
        while not all(self._consumer.partitions_for_topic(topic) for topic in self.topics):
            if self._stop.wait(0.2):
                return
        self._consumer.subscribe(self.topics)
        while not self._stop.is_set():
            batches = self._consumer.poll(timeout_ms=500)
            for partition, records in batches.items():
                for record in records:
                    if self._stop.is_set():
                        return  # uncommitted records are redelivered to whoever comes next
                    self.handle_record(record)
                    self._consumer.commit(
                        {
                            TopicPartition(partition.topic, partition.partition): OffsetAndMetadata(
                                record.offset + 1, "", -1
                            )
                        }
                    )

    def handle_record(self, record: Any) -> str:
        """Apply one record; returns the outcome. Raises only when it should be retried."""
        headers = {k: v.decode(errors="replace") for k, v in (record.headers or [])}
        with tracer.start_as_current_span(
            f"{record.topic} process",
            context=propagate.extract(headers),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.group_id,
                "messaging.kafka.message.offset": record.offset,
                "messaging.operation.type": "process",
            },
        ) as span:
            try:
                envelope, payload = decode(record.value)
            except UndecodableEvent as exc:
                outcome = self._dead_letter(record, str(exc), span)
            else:
                span.set_attribute("messaging.message.id", envelope.event_id)
                handler = self.handlers.get(envelope.event_type)
                if handler is None:
                    outcome = "ignored"  # an event type this service does not care about
                else:
                    outcome = self._apply(record, envelope, payload, handler, span)
            EVENTS_CONSUMED.labels(self.service_name, record.topic, outcome).inc()
            return outcome

    def _apply(self, record: Any, envelope: EventEnvelope, payload: Message, handler: Handler, span: Any) -> str:
        while True:
            try:
                with transaction(self.session_factory) as session:
                    if session.get(self.processed_model, envelope.event_id) is not None:
                        return "duplicate"
                    processed = self.processed_model()
                    processed.event_id = envelope.event_id
                    processed.topic = record.topic
                    processed.event_type = envelope.event_type
                    processed.processed_at = now(session)
                    session.add(processed)
                    session.flush()  # a concurrent duplicate fails here, before the handler runs
                    handler(session, envelope, payload)
                return "applied"
            except IntegrityError as exc:
                if self._already_processed(envelope.event_id):
                    return "duplicate"
                return self._dead_letter(record, f"cannot apply: {exc.orig}", span)
            except OperationalError:
                # The database is down or busy: the record is fine, try it again.
                log.warning("database unavailable while applying event; retrying", exc_info=True)
                if self._stop.wait(self.retry_seconds):
                    raise
            except Exception as exc:
                return self._dead_letter(record, f"cannot apply: {type(exc).__name__}: {exc}", span)

    def _already_processed(self, event_id: str) -> bool:
        with self.session_factory() as session:
            return session.get(self.processed_model, event_id) is not None

    def _dead_letter(self, record: Any, reason: str, span: Any) -> str:
        log.error("event dead-lettered", extra={"topic": record.topic, "offset": record.offset, "reason": reason})
        span.set_status(Status(StatusCode.ERROR, reason))
        if self._dead_letter_producer is None:
            self._dead_letter_producer = self.producer_factory()
        headers = list(record.headers or []) + [
            ("deadletter.reason", reason.encode()),
            ("deadletter.topic", record.topic.encode()),
            ("deadletter.partition", str(record.partition).encode()),
            ("deadletter.offset", str(record.offset).encode()),
            ("deadletter.consumer_group", self.group_id.encode()),
        ]
        # Wait for the broker: the offset is committed only once the record is safe elsewhere.
        self._dead_letter_producer.send(
            self.dead_letter_topic, value=record.value, key=record.key, headers=headers
        ).get(timeout=30)
        return "dead_lettered"
