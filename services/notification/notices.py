"""Notices to applicants: what is said, to whom, over which channel; who may read them.

Every text is made by `compose`, which refuses (IncompleteNotice) a text with an empty value:
a notice is never stored, so never sent, with a gap where a fact should be. What is not known
is said in words: a due date while the clock is paused is "计时暂停中，恢复计时后另行告知"; a
due date that leans on a year whose holiday arrangement is not published says "（暂定：2027年
节假日安排尚未公布）". A handler that gets an IncompleteNotice fails, so the event goes to the
dead-letter topic (loudly) instead of reaching the applicant.

A notice that could not state the due date (the clock was paused), or stated one that the
calendar later moved, is corrected by a later notice that supersedes it
(`supersedes_notice_id`) and names it in its text: the resumption of the clock
(ClockResumed) gives the date a pause notice or a paused extension notice could not; a
DeadlineRecomputed (an imported holiday arrangement moved the dates) corrects the notice
that named the old date. What each notice told of the due date is kept in `facts`.
"""

from __future__ import annotations

import string
import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from servicehall.events.v1 import cases_pb2 as case_events
from services.notification.models import Notice, QueryCodeAttempt
from shared import query_codes
from shared.auth import Caller, query_code_matches
from shared.clock import now
from shared.errors import FieldViolation, InvalidArgument, NotFound
from shared.timeutil import SHANGHAI

PAUSED_WORDS = "计时暂停中，恢复计时后另行告知"
# Who reads notices: the case department's window, and who sees every case (docs/notification.md).
DEPARTMENT_STAFF = ("window_staff", "chief_representative")
SEE_ALL = ("manager", "efficiency_office")
CORRECTION_MARK = "【更正】"
ApplicantEvent = (
    case_events.CaseSubmitted
    | case_events.ExtensionGranted
    | case_events.ClockPaused
    | case_events.ClockResumed
    | case_events.DeadlineRecomputed
)


class IncompleteNotice(ValueError):
    """A notice text would have an empty value (or no recipient): it is refused, never sent."""


def compose(template: str, **values: Any) -> str:
    """The template with every value filled in. A value that is None, blank or 0 (a count of
    days is never 0 in a notice) refuses the notice: IncompleteNotice names it."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = sorted(names - values.keys())
    empty = sorted(name for name in names & values.keys() if _empty(values[name]))
    if missing or empty:
        raise IncompleteNotice(f"a notice text lacks {', '.join(missing + empty)}: {template[:60]!r}")
    return template.format(**values)


def _empty(value: Any) -> bool:
    return value is None or value == 0 or not str(value).strip()


def shown_day(value: str) -> str:
    """A day as the applicant reads it (2025-11-05: 2025年11月05日); an empty or malformed day
    refuses the notice."""
    try:
        return f"{date.fromisoformat(value):%Y年%m月%d日}"
    except ValueError:
        raise IncompleteNotice(f"a notice names a day that is not a date: {value[:20]!r}") from None


def provisional_words(years: list[int]) -> str:
    named = "、".join(f"{y}年" for y in years) if years else "相关年度"
    return f"暂定：{named}节假日安排尚未公布"


def shown_due(due: case_events.DueDate, *, paused: bool) -> str:
    """A due date as the applicant is told it: with its provisional years; while the clock is
    paused, in words. An empty date without a pause is a gap: refused."""
    if not due.day:
        if paused:
            return PAUSED_WORDS
        raise IncompleteNotice("a notice names a due date that is empty although the clock is not paused")
    return shown_day(due.day) + (f"（{provisional_words(list(due.provisional_years))}）" if due.provisional else "")


def _facts(due: case_events.DueDate) -> dict[str, Any]:
    return {
        "statutory_due": due.day or None,
        "provisional": bool(due.day and due.provisional),
        "provisional_years": list(due.provisional_years) if due.day else [],
        "due_pending": not due.day,
    }


def told_event(message: case_events.ApplicantNoticeDue) -> ApplicantEvent:
    """The case event the applicant is to be told of."""
    kind = message.WhichOneof("event")
    if kind is None:
        raise IncompleteNotice("an ApplicantNoticeDue without its case event")
    event: ApplicantEvent = getattr(message, kind)
    return event


def notice_to_applicant(
    session: Session,
    event_id: str,
    message: case_events.ApplicantNoticeDue,
    *,
    kind: str,
    subject: str,
    body: str,
    facts: dict[str, Any] | None = None,
    supersedes: Notice | None = None,
) -> Notice:
    """A notice to the applicant of the event's case: SMS when there is a phone number, else
    e-mail; readable by the case's department and by the applicant's query code."""
    event, applicant = told_event(message), message.applicant
    channel, recipient = ("sms", applicant.phone) if applicant.phone else ("email", applicant.email)
    if not recipient.strip() or not event.case_number:
        raise IncompleteNotice("a notice needs the case number and the applicant's phone number or e-mail address")
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
        query_code_sha256=message.query_code_sha256,
        kind=kind,
        facts=facts,
        supersedes_notice_id=supersedes.notice_id if supersedes else None,
    )
    session.add(notice)
    session.flush()
    return notice


def _last_told(session: Session, case_number: str) -> Notice | None:
    """The latest notice of the case that told something of its due date (facts)."""
    rows = session.scalars(
        sa.select(Notice)
        .where(Notice.case_number == case_number, Notice.facts.is_not(None))
        .order_by(Notice.created_at.desc())
    )
    return next((n for n in rows if n.facts), None)


def _named(notice: Notice) -> str:
    """How a correction names the notice it corrects: its day, subject and short id."""
    sent = notice.created_at.astimezone(SHANGHAI)
    return f"您于 {sent:%Y年%m月%d日} 收到的“{notice.subject}”通知（通知编号 {notice.notice_id[:8]}）"


def notice_for_case_submitted(session: Session, event_id: str, message: case_events.ApplicantNoticeDue) -> Notice:
    """The receipt notice: the applicant learns the case number and the promised time limit."""
    event = message.case_submitted
    limit = (
        "即办件，当场办结"
        if event.case_kind == "instant"
        else compose("承诺办结时限 {days} 个工作日", days=event.promised_days)
    )
    return notice_to_applicant(
        session,
        event_id,
        message,
        kind="receipt",
        subject=compose("申请已收到：{item}", item=event.service_item_name),
        body=compose(
            "{name}，您好！您申请的“{item}”已由窗口收件，办件编号 {case}，{limit}。可凭办件编号和查询码查询办理进度。",
            name=message.applicant.name,
            item=event.service_item_name,
            case=event.case_number,
            limit=limit,
        ),
    )


def notice_for_extension(session: Session, event_id: str, message: case_events.ApplicantNoticeDue) -> Notice:
    """The law requires the applicant to be told of an extension and why (Art. 42). Granted
    while the clock is paused, the new date is not known: the notice says so in words, and the
    resumption's notice supersedes it with the date."""
    event = message.extension_granted
    if event.HasField("statutory"):
        due, paused = event.statutory, event.clock_paused
    else:  # an event from before DueDate: the date was empty only while the clock was paused
        due, paused = case_events.DueDate(day=event.statutory_due), not event.statutory_due
    shown = shown_due(due, paused=paused)
    deadline = compose("法定办结期限延至 {due}", due=shown) if due.day else compose("法定办结期限：{due}", due=shown)
    voucher = compose("书面告知书编号 {voucher}。", voucher=event.voucher_number) if event.voucher_number else ""
    return notice_to_applicant(
        session,
        event_id,
        message,
        kind="extension",
        subject=compose("办理期限延长：{case}", case=event.case_number),
        body=compose(
            "{name}，您好！您的办件 {case} 经批准延长 {days} 个工作日，理由：{reason}。{deadline}。",
            name=message.applicant.name,
            case=event.case_number,
            days=event.extra_days,
            reason=event.reason,
            deadline=deadline,
        )
        + voucher,
        facts=_facts(due),
    )


def notice_for_pause(session: Session, event_id: str, message: case_events.ApplicantNoticeDue) -> Notice:
    """Art. 45: the applicant is told in writing why the clock stopped and how long it is
    expected to take; the due date follows when it resumes."""
    event = message.clock_paused
    return notice_to_applicant(
        session,
        event_id,
        message,
        kind="pause",
        subject=compose("办理期限暂停计算：{case}", case=event.case_number),
        body=compose(
            "{name}，您好！您的办件 {case} 因{label}自 {start} 起暂停计算办理期限，预计 {end} 前完成，"
            "所需时间不计入办理期限。办结期限：{paused}。书面告知书编号 {voucher}。",
            name=message.applicant.name,
            case=event.case_number,
            label=event.reason_label,
            start=shown_day(event.started_on),
            end=shown_day(event.expected_end),
            paused=PAUSED_WORDS,
            voucher=event.voucher_number,
        ),
        facts={"statutory_due": None, "provisional": False, "due_pending": True},
    )


def notice_for_resumption(session: Session, event_id: str, message: case_events.ApplicantNoticeDue) -> Notice:
    """The clock runs again: the due dates. When the latest notice that spoke of the due date
    could not name it (a pause, an extension while paused), this one corrects and supersedes it."""
    event = message.clock_resumed
    earlier = _last_told(session, event.case_number)
    owed = earlier if earlier is not None and (earlier.facts or {}).get("due_pending") else None
    period = (
        compose("（{start} 至 {end} 不计入办理期限）", start=shown_day(event.started_on), end=shown_day(event.ended_on))
        if event.ended_on
        else "（暂停当日即恢复，办理期限未受影响）"
    )
    news = compose(
        "您的办件 {case} 的{label}已结束，自 {resumed} 起恢复计算办理期限{period}。"
        "承诺办结期限 {promised}，法定办结期限 {statutory}。",
        case=event.case_number,
        label=event.reason_label,
        resumed=shown_day(event.resumed_on),
        period=period,
        promised=shown_due(event.promised, paused=event.clock_paused),
        statutory=shown_due(event.statutory, paused=event.clock_paused),
    )
    if owed is not None:
        subject = compose("更正：办结期限已确定 {case}", case=event.case_number)
        body = CORRECTION_MARK + compose(
            "{name}，您好！{earlier}因计时暂停未能告知办结期限，现更正如下：{news}",
            name=message.applicant.name,
            earlier=_named(owed),
            news=news,
        )
    else:
        subject = compose("恢复计时：{case}", case=event.case_number)
        body = compose("{name}，您好！{news}", name=message.applicant.name, news=news)
    return notice_to_applicant(
        session,
        event_id,
        message,
        kind="resumption",
        subject=subject,
        body=body,
        facts=_facts(event.statutory),
        supersedes=owed,
    )


def notice_for_deadline_change(
    session: Session, event_id: str, message: case_events.ApplicantNoticeDue
) -> Notice | None:
    """An imported holiday arrangement moved the case's due dates: the applicant is told the
    new ones, as a correction of the latest notice that named the old date (if any). Nothing is
    sent when no date moved (e.g. only the provisional flag cleared, or the clock is paused)."""
    event = message.deadline_recomputed
    if (event.old_promised_due, event.old_statutory_due) == (event.promised_due, event.statutory_due):
        return None
    promised = event.promised if event.HasField("promised") else case_events.DueDate(day=event.promised_due)
    statutory = (
        event.statutory
        if event.HasField("statutory")
        else case_events.DueDate(day=event.statutory_due, provisional=event.due_provisional)
    )
    # An empty date here means an open pause holds the clock (DeadlineRecomputed says so).
    news = compose(
        "因国务院办公厅公布{year}年节假日安排，您的办件 {case} 的办结期限重新计算："
        "承诺办结期限 {promised}，法定办结期限 {statutory}。",
        year=event.arrangement_year,
        case=event.case_number,
        promised=shown_due(promised, paused=True),
        statutory=shown_due(statutory, paused=True),
    )
    earlier = _last_told(session, event.case_number)
    told = (earlier.facts or {}) if earlier is not None else {}
    wrong = earlier if told.get("statutory_due") and told.get("statutory_due") != (statutory.day or None) else None
    if wrong is not None:
        was = shown_due(
            case_events.DueDate(
                day=told["statutory_due"],
                provisional=bool(told.get("provisional")),
                provisional_years=list(told.get("provisional_years") or []),
            ),
            paused=False,
        )
        subject = compose("更正：办结期限调整 {case}", case=event.case_number)
        body = CORRECTION_MARK + compose(
            "{name}，您好！{earlier}中的法定办结期限 {was} 现更正如下：{news}",
            name=message.applicant.name,
            earlier=_named(wrong),
            was=was,
            news=news,
        )
    else:
        subject = compose("办结期限调整：{case}", case=event.case_number)
        body = compose("{name}，您好！{news}", name=message.applicant.name, news=news)
    return notice_to_applicant(
        session,
        event_id,
        message,
        kind="deadline_change",
        subject=subject,
        body=body,
        facts=_facts(statutory),
        supersedes=wrong,
    )


def list_notices(session: Session, case_number: str, caller: Caller) -> list[Notice]:
    """A case's notices: for staff of its department (managers and the efficiency office: every
    case's) or the applicant with the query code, checked through the lockout of the number.
    Anyone else sees what a case without notices shows, an empty list: case numbers are
    sequential, a different answer would tell which exist. Before the first notice arrives
    there is no code to check it against, so the applicant sees nothing yet."""
    if not case_number:
        raise InvalidArgument("case_number is required", [FieldViolation("case_number", "is required")])
    query = sa.select(Notice).where(Notice.case_number == case_number).order_by(Notice.created_at)
    found = list(session.scalars(query))
    if caller.is_staff:
        return found if all(_staff_may_read(caller, n) for n in found) else []
    digest = found[0].query_code_sha256 if found and found[0].query_code_sha256 else None
    if query_codes.check(session, QueryCodeAttempt, case_number, caller.query_code, digest) and all(
        query_code_matches(case_number, caller.query_code, n.query_code_sha256) for n in found
    ):
        return found
    return []


def get_notice(session: Session, notice_id: str, caller: Caller) -> Notice:
    """One notice, for staff of its case's department or the applicant with the query code.
    Anyone else is told it does not exist: a notice id must not confirm that a case has one."""
    if not notice_id:
        raise InvalidArgument("notice_id is required", [FieldViolation("notice_id", "is required")])
    notice = session.get(Notice, notice_id)
    if notice is not None and may_read(session, caller, notice):
        return notice
    raise NotFound(f"no notice {notice_id}")


def _staff_may_read(caller: Caller, notice: Notice) -> bool:
    if caller.has_role(*SEE_ALL):
        return True
    return caller.has_role(*DEPARTMENT_STAFF) and caller.acts_for(notice.department_code)


def may_read(session: Session, caller: Caller, notice: Notice) -> bool:
    if caller.is_staff:
        return _staff_may_read(caller, notice)
    digest = notice.query_code_sha256 or None
    return query_codes.check(session, QueryCodeAttempt, notice.case_number, caller.query_code, digest)
