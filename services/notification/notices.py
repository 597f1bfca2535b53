"""Notices to applicants: what is said, to whom, over which channel; who may read them."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from services.notification.models import Notice
from shared.auth import Caller, query_code_matches
from shared.clock import now
from shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied


def notice_to_applicant(
    session: Session,
    event_id: str,
    event: case_events.CaseSubmitted | case_events.ExtensionGranted,
    *,
    subject: str,
    body: str,
) -> Notice:
    """A notice to the applicant of the event's case: SMS when there is a phone number, else
    e-mail; readable by the case's department and by the applicant's query code."""
    channel, recipient = ("sms", event.applicant_phone) if event.applicant_phone else ("email", event.applicant_email)
    notice = Notice(
        notice_id=str(uuid.uuid4()),
        case_number=event.case_number,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        created_at=now(session),
        source_event_id=event_id,
        department_code=event.department_code,
        query_code_sha256=event.query_code_sha256,
    )
    session.add(notice)
    return notice


def notice_for_case_submitted(session: Session, event_id: str, event: case_events.CaseSubmitted) -> Notice:
    """The receipt notice: the applicant learns the case number and the promised time limit."""
    limit = "即办件，当场办结" if event.case_kind == "instant" else f"承诺办结时限 {event.promised_days} 个工作日"
    return notice_to_applicant(
        session,
        event_id,
        event,
        subject=f"申请已收到：{event.service_item_name}",
        body=(
            f"{event.applicant_name}，您好！您申请的“{event.service_item_name}”已由窗口收件，"
            f"办件编号 {event.case_number}，{limit}。可凭办件编号和查询码查询办理进度。"
        ),
    )


def notice_for_extension(session: Session, event_id: str, event: case_events.ExtensionGranted) -> Notice:
    """The law requires the applicant to be told of an extension and why (Art. 42)."""
    return notice_to_applicant(
        session,
        event_id,
        event,
        subject=f"办理期限延长：{event.case_number}",
        body=(
            f"{event.applicant_name}，您好！您的办件 {event.case_number} 经批准延长 {event.extra_days} 个工作日，"
            f"理由：{event.reason}。法定办结期限延至 {event.statutory_due}。"
        ),
    )


def list_notices(session: Session, case_number: str, caller: Caller) -> list[Notice]:
    """A case's notices: for staff of its department or the applicant with the query code.
    No notice yet reads as an empty list for staff; an applicant's code is checked against
    the notices themselves, so before the first one arrives the applicant sees nothing."""
    if not case_number:
        raise InvalidArgument("case_number is required", [FieldViolation("case_number", "is required")])
    query = sa.select(Notice).where(Notice.case_number == case_number).order_by(Notice.created_at)
    notices = list(session.scalars(query))
    if caller.is_staff:
        for notice in notices:
            caller.require_department(notice.department_code)
        return notices
    if caller.query_code and all(
        query_code_matches(case_number, caller.query_code, n.query_code_sha256) for n in notices
    ):
        return notices
    raise PermissionDenied("notices are shown to the case's department or to the applicant with the query code")


def get_notice(session: Session, notice_id: str, caller: Caller) -> Notice:
    """One notice, for staff of its case's department or the applicant with the query code.
    Anyone else is told it does not exist: a notice id must not confirm that a case has one."""
    if not notice_id:
        raise InvalidArgument("notice_id is required", [FieldViolation("notice_id", "is required")])
    notice = session.get(Notice, notice_id)
    if notice is not None and may_read(caller, notice):
        return notice
    raise NotFound(f"no notice {notice_id}")


def may_read(caller: Caller, notice: Notice) -> bool:
    if caller.is_staff:
        return caller.has_role("manager", "efficiency_office") or caller.department_code == notice.department_code
    return query_code_matches(notice.case_number, caller.query_code, notice.query_code_sha256)
