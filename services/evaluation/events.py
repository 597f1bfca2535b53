"""Events the evaluation service reads (case events) and writes (none yet)."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from services.evaluation import domain
from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from shared.kafka.topics import CASES_EVENTS
from shared.timeutil import from_timestamp

PUBLISHES: list[str] = []
CONSUMES = [CASES_EVENTS]


def on_case_submitted(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.CaseSubmitted)
    domain.count_case_received(
        session,
        department_code=payload.department_code,
        window_code=payload.window_code,
        submitted_at=from_timestamp(payload.submitted_at),
    )


HANDLERS = {case_events.CaseSubmitted.DESCRIPTOR.full_name: on_case_submitted}
