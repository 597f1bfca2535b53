"""Inbound events of the fees service: CaseAccepted (topic servicehall.cases.fee-assessments.v1,
which only this service reads) creates the case here and assesses it. The consumer runs each
handler in one transaction and skips an event id it has processed; accept_case is idempotent
per case besides, whatever the event id."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from services.fees.assessment import AcceptedCase, accept_case
from shared.kafka.consumer import Handler
from shared.kafka.topics import FEE_ASSESSMENTS
from shared.timeutil import from_timestamp

CONSUMES = [FEE_ASSESSMENTS]


def on_case_accepted(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    """An accepted case whose item has fees gets its payment notices (idempotent per case)."""
    assert isinstance(payload, case_events.CaseAccepted)
    if not payload.fee_item_codes:
        return
    accept_case(
        session,
        AcceptedCase(
            case_number=payload.case_number,
            service_item_code=payload.service_item_code,
            department_code=payload.department_code,
            window_code=payload.window_code,
            fee_item_codes=tuple(payload.fee_item_codes),
            declared_values=dict(payload.declared_values),
            accepted_at=from_timestamp(payload.accepted_at)
            if payload.HasField("accepted_at")
            else from_timestamp(envelope.occurred_at),
            applicant_name=payload.applicant_name,
            query_code_sha256=payload.query_code_sha256,
        ),
    )


HANDLERS: dict[str, Handler] = {case_events.CaseAccepted.DESCRIPTOR.full_name: on_case_accepted}
