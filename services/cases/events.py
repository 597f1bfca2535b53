"""Events the cases service writes (topic servicehall.cases.v1) and reads (none yet)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.cases.models import Case, OutboxMessage, ServiceItem
from servicehall.events.v1 import cases_pb2 as case_events
from shared.kafka.outbox import add_event
from shared.kafka.consumer import Handler
from shared.kafka.topics import CASES_EVENTS
from shared.timeutil import to_timestamp

PUBLISHES = [CASES_EVENTS]
CONSUMES: list[str] = []
HANDLERS: dict[str, Handler] = {}


def case_submitted(session: Session, case: Case, item: ServiceItem) -> str:
    payload = case_events.CaseSubmitted(
        case_number=case.case_number,
        service_item_code=item.code,
        service_item_name=item.name,
        department_code=case.department_code,
        window_code=case.window_code,
        case_kind=case.case_kind,
        applicant_name=case.applicant_name,
        applicant_phone=case.applicant_phone,
        applicant_email=case.applicant_email,
        submitted_at=to_timestamp(case.submitted_at),
        promised_days=item.promised_days,
    )
    # Keyed by case number: every event of one case lands in one partition, in order.
    return add_event(session, OutboxMessage, payload, source="cases", topic=CASES_EVENTS, key=case.case_number)
