"""What staff do to a case's deadline clock: pause it (correction aside, the periods Art. 45
excludes: hearing, tender, auction, testing, inspection, quarantine, appraisal, expert
review), resume it, extend it once.

Each is a use case: it takes the caller and checks them (staff of the case's department; an
extension needs an approver or the chief representative), then changes the ledger and lets
clock.recompute set the due dates again (the case's and its pending joint tasks'), in the
caller's transaction.

Each also tells the applicant, in the same transaction: a dated, numbered voucher (the
written notice: 暂停 ZT, 恢复 HF, 延长 YQ), a row in the history for the start and the end
of a pause, and an event the notification service turns into an SMS or e-mail (ClockPaused,
ClockResumed, ExtensionGranted). A due date is told as clock.told says it: provisional with
the year it waits for, or, while the clock is paused, in words (never an empty date).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from services.cases import clock, events, lifecycle
from services.cases.access import case_for
from services.cases.models import Case, ClockPause, Extension
from services.cases.numbering import issue_voucher
from services.cases.queries import case_version
from shared.auth import Caller
from shared.clock import now, today
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument

# The reasons and how the applicant is told them. Art. 45: 听证、招标、拍卖、检验、检测、检疫、鉴定
# 和专家评审 are not counted in the time limit; the organ tells the applicant the time needed.
PAUSE_LABELS = {
    "correction": "补正材料",
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "testing": "检测",
    "inspection": "检验",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}
PAUSE_REASONS = tuple(PAUSE_LABELS)
MAX_NOTE = 2000
# 《行政许可法》 Art. 42: 20 working days, +10 with the approval of the organ's head;
# Art. 45 joint or centralised handling: 45, +15.
EXTENSION_LADDER = {"joint": 15}
DEFAULT_EXTENSION = 10


def max_extension(case: Case) -> int:
    return EXTENSION_LADDER.get(case.case_kind, DEFAULT_EXTENSION)


def _shown(day: date) -> str:
    return f"{day:%Y年%m月%d日}"


def pause(
    session: Session,
    case_number: str,
    caller: Caller,
    *,
    reason: str,
    expected_end: date | None,
    note: str = "",
) -> ClockPause:
    """Stop the clock from today. The applicant is told in writing why and until when the
    period is expected to last (Art. 45), so the expected end is required."""
    case = case_for(session, caller, "pause_clock", case_number)
    day = today(session)
    problems = []
    if reason not in PAUSE_LABELS:
        problems.append(FieldViolation("reason", f"one of {', '.join(PAUSE_REASONS)}"))
    if expected_end is None:
        problems.append(FieldViolation("expected_end", "is required: the applicant is told how long it takes"))
    elif expected_end < day:
        problems.append(FieldViolation("expected_end", "is in the past"))
    if problems:
        raise InvalidArgument("the pause is invalid", problems)
    assert expected_end is not None
    if case.status not in lifecycle.CLOCK_RUNNING:
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; its clock is not running")
    if clock.open_pause(session, case) is not None:
        raise FailedPrecondition(f"the clock of case {case.case_number} is already paused")
    note = note.strip()[:MAX_NOTE]
    row = ClockPause(
        case_id=case.id,
        reason=reason,
        note=note,
        started_on=day,
        started_by=caller.staff_id,
        expected_end=expected_end,
    )
    session.add(row)
    session.flush()
    clock.recompute(session, case, case_version(session, case))
    label = PAUSE_LABELS[reason]
    basis = "依照《行政许可法》第四十五条，" if reason != "correction" else ""
    voucher = issue_voucher(
        session,
        case,
        "pause",
        actor=caller.staff_id,
        body=(
            f"您的办件因{label}{f'（{note}）' if note else ''}，本机关{basis}自 {_shown(day)} 起暂停计算办理期限。"
            f"{label}预计于 {_shown(expected_end)} 前完成，所需时间不计入办理期限。"
            f"办结期限：{clock.PAUSED_WORDS}。"
        ),
    )
    lifecycle.record(
        session,
        case,
        lifecycle.CLOCK_PAUSED,
        actor=caller.staff_id,
        reason=(
            f"计时暂停：{label}{f'（{note}）' if note else ''}，自 {day.isoformat()} 起，"
            f"预计 {expected_end.isoformat()} 结束（{voucher.number}）"
        ),
    )
    events.clock_paused(session, case, row, reason_label=label, voucher_number=voucher.number, actor=caller.staff_id)
    return row


def resume(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    """End the open pause the day before today: today counts again. A pause resumed the day it
    began stopped no day (ended_on is then the day before started_on) and keeps its record.
    The reason staff give (optional) is kept in the resumption's history row."""
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE:
        raise InvalidArgument("the reason is too long", [FieldViolation("reason", f"at most {MAX_NOTE} characters")])
    case = case_for(session, caller, "resume_clock", case_number)
    row = clock.open_pause(session, case)
    if row is None:
        raise FailedPrecondition(f"the clock of case {case.case_number} is not paused")
    day = today(session)
    row.ended_on = max(day, row.started_on) - timedelta(days=1)
    row.resumed_by, row.resumed_at = caller.staff_id, now(session)
    session.flush()
    clock.recompute(session, case, case_version(session, case))
    due = clock.due_dates(session, case)
    label = PAUSE_LABELS.get(row.reason, row.reason)
    stopped = row.ended_on >= row.started_on
    period = (
        f"{_shown(row.started_on)} 至 {_shown(row.ended_on)} 不计入办理期限"
        if stopped
        else "暂停当日即恢复，未停止计算办理期限"
    )
    voucher = issue_voucher(
        session,
        case,
        "resumption",
        actor=caller.staff_id,
        body=(
            f"您的办件{label}已结束，自 {_shown(day)} 起恢复计算办理期限（{period}）。"
            f"承诺办结期限：{due.promised_text}；法定办结期限：{due.statutory_text}。"
        ),
    )
    lifecycle.record(
        session,
        case,
        lifecycle.CLOCK_RESUMED,
        actor=caller.staff_id,
        reason=(
            f"恢复计时：{label}暂停 "
            + (
                f"{row.started_on.isoformat()} 至 {row.ended_on.isoformat()}"
                if stopped
                else f"{row.started_on} 当日即恢复"
            )
            + f"；承诺办结期限 {_iso(due.promised)}，法定办结期限 {_iso(due.statutory)}"
            + (f"（{due.note}）" if due.note else "")
            + (f"；{reason}" if reason else "")
            + f"（{voucher.number}）"
        ),
    )
    events.clock_resumed(
        session,
        case,
        row,
        reason_label=label,
        resumed_on=day,
        promised=events.due_date(due.promised, due.promised_years),
        statutory=events.due_date(due.statutory, due.statutory_years),
        still_paused=due.paused,
        voucher_number=voucher.number,
        actor=caller.staff_id,
    )
    return case


def _iso(day: date | None) -> str:
    return day.isoformat() if day else clock.PAUSED_WORDS


def extend(session: Session, case_number: str, caller: Caller, *, extra_days: int, reason: str) -> Extension:
    """The law's ladder: one extension per case, up to 10 working days (15 for joint
    handling), approved by an approver or the chief representative, the reason told to the
    applicant (a voucher and the ExtensionGranted event). Granted while the clock is paused,
    the new dates are not known yet: the notice says so, and the resumption tells them."""
    case = case_for(session, caller, "grant_extension", case_number)
    problems = []
    if not reason.strip():
        problems.append(FieldViolation("reason", "is required: the applicant is told why"))
    if not 1 <= extra_days <= max_extension(case):
        problems.append(FieldViolation("extra_days", f"between 1 and {max_extension(case)} working days"))
    if problems:
        raise InvalidArgument("the extension is invalid", problems)
    if case.status not in lifecycle.CLOCK_RUNNING:
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; only a running clock can be extended")
    if clock.extension_days(session, case):
        raise FailedPrecondition(f"case {case.case_number} was extended once already; the law allows one extension")
    moment: datetime = now(session)
    row = Extension(
        case_id=case.id, extra_days=extra_days, approver=caller.staff_id, reason=reason.strip(), granted_at=moment
    )
    session.add(row)
    session.flush()
    clock.recompute(session, case, case_version(session, case))
    due = clock.due_dates(session, case)
    statutory = (
        f"法定办结期限延至 {due.statutory_text}" if due.statutory is not None else f"法定办结期限：{clock.PAUSED_WORDS}"
    )
    voucher = issue_voucher(
        session,
        case,
        "extension",
        actor=caller.staff_id,
        body=(
            f"经本机关负责人批准，您的办件办理期限延长 {extra_days} 个工作日（《行政许可法》第四十二条），"
            f"理由：{row.reason}。{statutory}。"
        ),
    )
    events.extension_granted(
        session,
        case,
        extra_days=extra_days,
        approver=caller.staff_id,
        reason=row.reason,
        promised=events.due_date(due.promised, due.promised_years),
        statutory=events.due_date(due.statutory, due.statutory_years),
        clock_paused=due.paused,
        voucher_number=voucher.number,
    )
    return row
