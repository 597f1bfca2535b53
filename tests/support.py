"""Helpers the test modules share (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer

from shared.kafka.consumer import EventConsumer
from shared.runtime import RunningService
from shared.timeutil import utcnow

T = TypeVar("T")

VALID_ID_CARD = "340723199001010019"  # a well-formed number (check digit right), nobody's


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(check: Callable[[], T | None], timeout: float = 15.0, interval: float = 0.1) -> T:
    """Poll until check() returns something truthy; fail with the last value otherwise."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")


def read_topic(bootstrap: str, topic: str, *, expect: int, timeout: float = 30.0) -> list[Any]:
    """Records of a topic from the beginning with a fresh consumer group (an independent reader)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    records: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        while len(records) < expect and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        # A little longer, so that an unexpected extra record would be seen too.
        for batch in consumer.poll(timeout_ms=1000).values():
            records.extend(batch)
    finally:
        consumer.close()
    return records


def _relay(source: RunningService[Any], target: RunningService[Any]) -> list[str]:
    """Publish the source's unpublished outbox rows straight into the target's consumer."""
    consumer = EventConsumer(
        service_name=target.definition.name,
        bootstrap_servers="",
        topics=list(target.definition.consumes),
        handlers=dict(target.definition.handlers),
        session_factory=target.runtime.session_factory,
        processed_model=target.definition.processed_model,
        producer_factory=lambda: pytest.fail("an event was dead-lettered"),
    )
    outbox = source.definition.outbox_model
    outcomes = []
    with source.runtime.session_factory() as session:
        rows = session.scalars(sa.select(outbox).where(outbox.published_at.is_(None)).order_by(outbox.id)).all()
        for offset, row in enumerate(rows):
            record = SimpleNamespace(
                topic=row.topic,
                partition=0,
                offset=offset,
                key=row.partition_key.encode(),
                value=row.envelope,
                headers=[(k, v.encode()) for k, v in row.trace_headers.items()],
            )
            if row.topic in target.definition.consumes:
                outcomes.append(consumer.handle_record(record))
            row.published_at = utcnow()
        session.commit()
    return outcomes


async def relay(source: RunningService[Any], target: RunningService[Any]) -> list[str]:
    """What Kafka and the target's consumer do with the source's new events, without a broker."""
    return await asyncio.to_thread(_relay, source, target)


async def fresh_idempotency_key(request: Any) -> None:
    """An httpx request hook: a POST without an Idempotency-Key gets a new one, as a client
    of the creating routes sends (tests of the key itself set or omit it on purpose)."""
    if request.method == "POST" and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = str(uuid.uuid4())
