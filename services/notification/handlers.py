"""Events the notification service reads: ApplicantNoticeDue, the case events that owe the
applicant a notice (receipt, extension, a pause of the clock and its end, dates moved by a new
holiday arrangement) with whom to tell, on a topic only this service reads. A text that would
have an empty value raises notices.IncompleteNotice: the event goes to the dead-letter topic
rather than a notice with a gap to the applicant."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from servicehall.events.v1.envelope_pb2 import EventEnvelope
from services.notification import notices
from services.notification.metrics import NOTICES_CREATED
from services.notification.models import Notice
from shared.kafka.consumer import Handler
from shared.kafka.topics import APPLICANT_NOTICES

CONSUMES = [APPLICANT_NOTICES]

# The notice each case event owes, by the field of ApplicantNoticeDue that carries it.
NOTICE_FOR: dict[str, Callable[[Session, str, case_events.ApplicantNoticeDue], Notice | None]] = {
    "case_submitted": notices.notice_for_case_submitted,
    "extension_granted": notices.notice_for_extension,
    "clock_paused": notices.notice_for_pause,
    "clock_resumed": notices.notice_for_resumption,
    "deadline_recomputed": notices.notice_for_deadline_change,
}


def on_applicant_notice_due(session: Session, envelope: EventEnvelope, payload: Message) -> None:
    assert isinstance(payload, case_events.ApplicantNoticeDue)
    kind = payload.WhichOneof("event")
    if kind not in NOTICE_FOR:  # a newer cases service tells of something this one does not know
        raise notices.IncompleteNotice(f"no notice for an ApplicantNoticeDue carrying {kind}")
    notice = NOTICE_FOR[kind](session, envelope.event_id, payload)
    if notice is not None:
        NOTICES_CREATED.labels(notice.channel).inc()


HANDLERS: dict[str, Handler] = {case_events.ApplicantNoticeDue.DESCRIPTOR.full_name: on_applicant_notice_due}
