"""The events the cases service consumes, and what it does with each (shared.kafka.consumer
runs a handler in the transaction that records the event as processed)."""

from __future__ import annotations

import sqlalchemy as sa
from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import fees_pb2 as fee_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from services.cases.models import Case
from shared.kafka.consumer import Handler
from shared.kafka.topics import FEES_EVENTS
from shared.timeutil import from_timestamp

CONSUMES = [FEES_EVENTS]


def on_fees_settled(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    """The fees service says every notice of the case is paid or waived: it may conclude."""
    assert isinstance(payload, fee_events.FeesSettled)
    session.execute(
        sa.update(Case)
        .where(Case.case_number == payload.case_number, Case.fees_settled_at.is_(None))
        .values(fees_settled_at=from_timestamp(payload.settled_at))
        .execution_options(synchronize_session=False)
    )


HANDLERS: dict[str, Handler] = {fee_events.FeesSettled.DESCRIPTOR.full_name: on_fees_settled}
