"""Events the notification service reads: the case events that owe the applicant a notice
(receipt, extension, a pause of the clock and its end, dates moved by a new holiday
arrangement). A text that would have an empty value raises notices.IncompleteNotice: the
event goes to the dead-letter topic rather than a notice with a gap to the applicant."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from services.notification import notices
from services.notification.metrics import NOTICES_CREATED
from shared.kafka.consumer import Handler
from shared.kafka.topics import CASES_EVENTS

CONSUMES = [CASES_EVENTS]


def on_case_submitted(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.CaseSubmitted)
    notice = notices.notice_for_case_submitted(session, envelope.event_id, payload)
    NOTICES_CREATED.labels(notice.channel).inc()


def on_extension_granted(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.ExtensionGranted)
    notice = notices.notice_for_extension(session, envelope.event_id, payload)
    NOTICES_CREATED.labels(notice.channel).inc()


def on_clock_paused(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.ClockPaused)
    notice = notices.notice_for_pause(session, envelope.event_id, payload)
    NOTICES_CREATED.labels(notice.channel).inc()


def on_clock_resumed(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.ClockResumed)
    notice = notices.notice_for_resumption(session, envelope.event_id, payload)
    NOTICES_CREATED.labels(notice.channel).inc()


def on_deadline_recomputed(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.DeadlineRecomputed)
    notice = notices.notice_for_deadline_change(session, envelope.event_id, payload)
    if notice is not None:
        NOTICES_CREATED.labels(notice.channel).inc()


HANDLERS: dict[str, Handler] = {
    case_events.CaseSubmitted.DESCRIPTOR.full_name: on_case_submitted,
    case_events.ExtensionGranted.DESCRIPTOR.full_name: on_extension_granted,
    case_events.ClockPaused.DESCRIPTOR.full_name: on_clock_paused,
    case_events.ClockResumed.DESCRIPTOR.full_name: on_clock_resumed,
    case_events.DeadlineRecomputed.DESCRIPTOR.full_name: on_deadline_recomputed,
}
