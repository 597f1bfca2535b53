"""The events the cases service publishes, written to its outbox in the caller's transaction.
What it consumes is in handlers.py.

servicehall.cases.v1 carries no personal data; an event the applicant must be told of goes
again, with the applicant, on servicehall.cases.applicant-notices.v1 (read by the notification
service only), and CaseAccepted, with the payer's name, on servicehall.cases.fee-assessments.v1
(read by the fees service only). See docs/security.md, Personal data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from google.protobuf.message import Message
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from services.cases.models import Case, CaseTransition, ClockPause, OutboxMessage, ServiceItemVersion
from shared.clock import now
from shared.kafka.outbox import add_event
from shared.kafka.topics import APPLICANT_NOTICES, CASES_EVENTS, FEE_ASSESSMENTS
from shared.timeutil import to_timestamp

PUBLISHES = [CASES_EVENTS, APPLICANT_NOTICES, FEE_ASSESSMENTS]


def _publish(session: Session, case: Case, payload: Message, *, topic: str = CASES_EVENTS) -> str:
    # Keyed by case number: every event of one case lands in one partition, in order.
    return add_event(session, OutboxMessage, payload, source="cases", topic=topic, key=case.case_number)


def _told_to_applicant(session: Session, case: Case, field: str, event: Message) -> None:
    """The event again, with whom to tell and how to reach them, on the topic only the
    notification service reads: servicehall.cases.v1 carries no personal data."""
    message = case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(
            name=case.applicant_name, phone=case.applicant_phone, email=case.applicant_email
        ),
        query_code_sha256=case.query_code_sha256,
    )
    getattr(message, field).CopyFrom(event)  # the oneof field that names the event
    _publish(session, case, message, topic=APPLICANT_NOTICES)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def due_date(day: date | None, provisional_years: Sequence[int] = ()) -> case_events.DueDate:
    """A due date for the applicant's notices: empty while paused, its provisional years named
    (clock.DueDates has them)."""
    return case_events.DueDate(
        day=_day(day), provisional=bool(provisional_years), provisional_years=list(provisional_years)
    )


def case_submitted(session: Session, case: Case, version: ServiceItemVersion) -> str:
    """The receipt, told with the rules the case was received under (its item version)."""
    payload = case_events.CaseSubmitted(
        case_number=case.case_number,
        service_item_code=version.code,
        service_item_name=version.name,
        department_code=case.department_code,
        window_code=case.window_code,
        case_kind=case.case_kind,
        submitted_at=to_timestamp(case.submitted_at),
        promised_days=version.promised_days,
    )
    _told_to_applicant(session, case, "case_submitted", payload)
    return _publish(session, case, payload)


def status_changed(session: Session, case: Case, transition: CaseTransition) -> str:
    return _publish(
        session,
        case,
        case_events.CaseStatusChanged(
            case_number=case.case_number,
            department_code=case.department_code,
            window_code=case.window_code,
            case_kind=case.case_kind,
            from_status=transition.from_status,
            to_status=transition.to_status,
            actor=transition.actor,
            reason=transition.reason,
            changed_at=to_timestamp(transition.at),
        ),
    )


def case_accepted(session: Session, case: Case, fee_item_codes: list[str]) -> str:
    return _publish(
        session,
        case,
        case_events.CaseAccepted(
            case_number=case.case_number,
            service_item_code=case.service_item_code,
            department_code=case.department_code,
            window_code=case.window_code,
            fee_item_codes=fee_item_codes,
            declared_values={k: int(v) for k, v in (case.declared_values or {}).items()},
            accepted_at=to_timestamp(now(session)),
            applicant_name=case.applicant_name,
            query_code_sha256=case.query_code_sha256,
        ),
        topic=FEE_ASSESSMENTS,
    )


def supervision_raised(session: Session, case: Case, level: str, order_due: date | None) -> str:
    return _publish(
        session,
        case,
        case_events.SupervisionRaised(
            case_number=case.case_number,
            department_code=case.department_code,
            window_code=case.window_code,
            level=level,
            promised_due=_day(case.promised_due),
            order_due=_day(order_due),
            raised_at=to_timestamp(now(session)),
        ),
    )


def supervision_ordered(session: Session, case: Case, *, manager: str, due_on: date, note: str) -> str:
    return _publish(
        session,
        case,
        case_events.SupervisionOrdered(
            case_number=case.case_number,
            department_code=case.department_code,
            manager=manager,
            due_on=due_on.isoformat(),
            note=note,
            ordered_at=to_timestamp(now(session)),
        ),
    )


def extension_granted(
    session: Session,
    case: Case,
    *,
    extra_days: int,
    approver: str,
    reason: str,
    promised: case_events.DueDate,
    statutory: case_events.DueDate,
    clock_paused: bool,
    voucher_number: str,
) -> str:
    payload = case_events.ExtensionGranted(
        case_number=case.case_number,
        department_code=case.department_code,
        extra_days=extra_days,
        approver=approver,
        reason=reason,
        statutory_due=_day(case.statutory_due),
        promised_due=_day(case.promised_due),
        window_code=case.window_code,
        clock_paused=clock_paused,
        statutory=statutory,
        promised=promised,
        voucher_number=voucher_number,
    )
    _told_to_applicant(session, case, "extension_granted", payload)
    return _publish(session, case, payload)


def clock_paused(
    session: Session, case: Case, pause: ClockPause, *, reason_label: str, voucher_number: str, actor: str
) -> str:
    """Art. 45: the applicant is told why the clock stopped and until when it is expected to."""
    payload = case_events.ClockPaused(
        case_number=case.case_number,
        department_code=case.department_code,
        window_code=case.window_code,
        reason=pause.reason,
        reason_label=reason_label,
        note=pause.note,
        started_on=_day(pause.started_on),
        expected_end=_day(pause.expected_end),
        voucher_number=voucher_number,
        actor=actor,
        paused_at=to_timestamp(now(session)),
    )
    _told_to_applicant(session, case, "clock_paused", payload)
    return _publish(session, case, payload)


def clock_resumed(
    session: Session,
    case: Case,
    pause: ClockPause,
    *,
    reason_label: str,
    resumed_on: date,
    promised: case_events.DueDate,
    statutory: case_events.DueDate,
    still_paused: bool,
    voucher_number: str,
    actor: str,
) -> str:
    """The clock runs again: the due dates a pause (and an extension granted during it) could
    not name are known again."""
    stopped = pause.ended_on is not None and pause.ended_on >= pause.started_on
    payload = case_events.ClockResumed(
        case_number=case.case_number,
        department_code=case.department_code,
        window_code=case.window_code,
        reason=pause.reason,
        reason_label=reason_label,
        started_on=_day(pause.started_on),
        ended_on=_day(pause.ended_on) if stopped else "",
        resumed_on=_day(resumed_on),
        promised=promised,
        statutory=statutory,
        clock_paused=still_paused,
        voucher_number=voucher_number,
        actor=actor,
        resumed_at=to_timestamp(now(session)),
    )
    _told_to_applicant(session, case, "clock_resumed", payload)
    return _publish(session, case, payload)


def seal_used(
    session: Session, case: Case | None, *, seal_code: str, window_code: str, department_code: str, staff_id: str
) -> str:
    payload = case_events.SealUsed(
        seal_code=seal_code,
        window_code=window_code,
        department_code=department_code,
        case_number=case.case_number if case else "",
        staff_id=staff_id,
        used_at=to_timestamp(now(session)),
    )
    return add_event(
        session,
        OutboxMessage,
        payload,
        source="cases",
        topic=CASES_EVENTS,
        key=case.case_number if case else f"seal:{seal_code}",
    )


def deadline_recomputed(
    session: Session,
    case: Case,
    *,
    old_promised_due: date | None,
    old_statutory_due: date | None,
    old_due_provisional: bool,
    reason: str,
    arrangement_year: int,
    promised: case_events.DueDate | None = None,
    statutory: case_events.DueDate | None = None,
) -> str:
    """The calendar changed under an open case (arrangements.import_arrangement): old and new dates."""
    payload = case_events.DeadlineRecomputed(
        case_number=case.case_number,
        department_code=case.department_code,
        window_code=case.window_code,
        old_promised_due=_day(old_promised_due),
        promised_due=_day(case.promised_due),
        old_statutory_due=_day(old_statutory_due),
        statutory_due=_day(case.statutory_due),
        old_due_provisional=old_due_provisional,
        due_provisional=case.due_provisional,
        reason=reason,
        arrangement_year=arrangement_year,
        recomputed_at=to_timestamp(now(session)),
        promised=promised or due_date(case.promised_due),
        statutory=statutory or due_date(case.statutory_due),
    )
    _told_to_applicant(session, case, "deadline_recomputed", payload)
    return _publish(session, case, payload)
