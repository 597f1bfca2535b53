"""Transactional outbox: an event is written in the transaction of the change it reports,
and a relay publishes what is unpublished.

A crash between publish and marking publishes the row again on the next pass; consumers
drop the duplicate by event id. Rows of one partition key are published in id order and
a pass stops at the first failure, so one case's events never overtake each other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from google.protobuf.message import Message
from kafka import KafkaProducer
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Gauge
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import now
from shared.db import OutboxMessageMixin, is_postgresql, transaction
from shared.kafka.envelope import new_envelope

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

EVENTS_PUBLISHED = Counter(
    "servicehall_events_published_total", "Outbox events published to Kafka", ["service", "topic"]
)
PUBLISH_FAILURES = Counter(
    "servicehall_outbox_publish_failures_total", "Relay passes that failed to publish", ["service"]
)
OUTBOX_PENDING = Gauge("servicehall_outbox_pending", "Outbox rows not yet published", ["service"])


def add_event(
    session: Session, model: type[OutboxMessageMixin], payload: Message, *, source: str, topic: str, key: str
) -> str:
    """Queue an event in the caller's transaction; returns its event id."""
    envelope = new_envelope(payload, source=source, partition_key=key)
    carrier: dict[str, str] = {}
    propagate.inject(carrier)  # the current request's trace continues in the consumer
    # Set field by field: the mixin's type has no declarative constructor for mypy to check.
    row = model()
    row.event_id = envelope.event_id
    row.event_type = envelope.event_type
    row.topic = topic
    row.partition_key = key
    row.envelope = envelope.SerializeToString()
    row.trace_headers = carrier
    row.created_at = now(session)
    session.add(row)
    return envelope.event_id


class OutboxRelay:
    """Publishes outbox rows from a background thread until stopped."""

    def __init__(
        self,
        *,
        service_name: str,
        session_factory: sessionmaker[Session],
        model: type[OutboxMessageMixin],
        producer_factory: Callable[[], KafkaProducer],
        poll_seconds: float = 0.2,
        batch_size: int = 100,
        producer: KafkaProducer | None = None,
    ) -> None:
        self.service_name = service_name
        self.session_factory = session_factory
        self.model = model
        self.producer_factory = producer_factory
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        # Made (and its config checked) at start-up when given; remade after a failure.
        self._producer: KafkaProducer | None = producer
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{service_name}-outbox-relay", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Publish now instead of at the next poll (called after a commit that added events)."""
        self._wake.set()

    def stop(self, timeout: float = 10) -> None:
        """Stop after the current pass, publish what is left if the broker answers, flush."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if self._producer is not None:
            try:
                self.publish_pending()
                self._producer.flush(timeout=timeout)
            except Exception:  # shutting down: what is unpublished stays in the outbox
                log.warning("outbox not fully drained at shutdown", exc_info=True)
            self._producer.close(timeout=timeout)
            self._producer = None

    def _run(self) -> None:
        backoff = self.poll_seconds
        while not self._stop.is_set():
            try:
                published = self.publish_pending()
                backoff = self.poll_seconds
            except Exception:
                PUBLISH_FAILURES.labels(self.service_name).inc()
                log.warning("outbox relay pass failed; retrying", exc_info=True)
                self._discard_producer()
                published = 0
                backoff = min(backoff * 2, 5.0)
            if published == 0:
                self._wake.wait(backoff)
                self._wake.clear()

    def _discard_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=0)
            except Exception:
                pass
            self._producer = None

    def publish_pending(self) -> int:
        """One pass: publish up to batch_size rows in id order; returns how many were marked."""
        failed = False
        with transaction(self.session_factory) as session:
            rows = self._claim(session)
            self._set_pending_gauge(session)
            if not rows:
                return 0
            if self._producer is None:
                self._producer = self.producer_factory()
            futures = [self._send(row) for row in rows]
            self._producer.flush(timeout=10)
            marked = 0
            for row, future in zip(rows, futures, strict=True):
                row.attempts += 1
                try:
                    future.get(timeout=10)
                except Exception:
                    # Rows after a failure stay unpublished too, to keep per-key order.
                    log.warning("publish failed", extra={"event_id": row.event_id}, exc_info=True)
                    failed = True
                    break
                row.published_at = now(session)
                EVENTS_PUBLISHED.labels(self.service_name, row.topic).inc()
                marked += 1
        # The rows that made it are marked (committed above) before the failure is reported.
        if failed:
            raise RuntimeError(f"published {marked} of {len(rows)} outbox rows")
        return marked

    def _claim(self, session: Session) -> list[Any]:
        query = (
            sa.select(self.model)
            .where(self.model.published_at.is_(None))
            .order_by(self.model.id)
            .limit(self.batch_size)
        )
        if is_postgresql(session):
            # Several replicas may relay; each row is claimed by one of them.
            query = query.with_for_update(skip_locked=True)
        return list(session.scalars(query))

    def _set_pending_gauge(self, session: Session) -> None:
        pending = session.scalar(
            sa.select(sa.func.count()).select_from(self.model).where(self.model.published_at.is_(None))
        )
        OUTBOX_PENDING.labels(self.service_name).set(pending or 0)

    def _send(self, row: Any) -> Any:
        parent = propagate.extract(row.trace_headers or {})
        with tracer.start_as_current_span(
            f"{row.topic} publish",
            context=parent,
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": row.topic,
                "messaging.message.id": row.event_id,
                "messaging.operation.type": "publish",
            },
        ):
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            headers = [(k, v.encode()) for k, v in carrier.items()]
            headers.append(("event_type", row.event_type.encode()))
            assert self._producer is not None
            return self._producer.send(row.topic, value=row.envelope, key=row.partition_key.encode(), headers=headers)
