"""Events the evaluation service reads: case events, counted into window throughput."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from services.evaluation import throughput
from shared.kafka.consumer import Handler
from shared.kafka.topics import CASES_EVENTS
from shared.timeutil import from_timestamp

CONSUMES = [CASES_EVENTS]


def on_case_submitted(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.CaseSubmitted)
    throughput.count_case_received(
        session,
        department_code=payload.department_code,
        window_code=payload.window_code,
        submitted_at=from_timestamp(payload.submitted_at),
    )


HANDLERS: dict[str, Handler] = {case_events.CaseSubmitted.DESCRIPTOR.full_name: on_case_submitted}
