"""What the cases service tells the applicant about the clock, and when: the written notice of
an Art. 45 pause (a numbered voucher with the reason and the expected end) and its rows in the
history, the events the notification service turns into SMS/e-mail, the wording of a due date
that is not known (paused) or not firm (provisional), and a joint case's task deadlines moving
with the case's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from servicehall.events.v1 import cases_pb2 as case_events
from services.cases import access, arrangements, deadlines, decisions, joint, queries
from services.cases import clock as cases_clock
from services.cases.models import OutboxMessage, Voucher
from shared.errors import InvalidArgument
from shared.kafka.envelope import decode
from shared.workdays import load_arrangement
from tests.cases_hall import Hall, staff
from tests.unit.test_cases_calendar_admin import FIXTURE_2027

LAND = staff("LAND")
HCB = staff("HCB")
APPROVER = staff("LAND", "approver")
PROVISIONAL_2027 = "（暂定：2027年节假日安排尚未公布）"


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    cases_clock.reset_calendar_cache()
    yield
    cases_clock.reset_calendar_cache()


def at(clock_, day: date) -> None:
    """The hall's clock at 10:00 (Asia/Shanghai) on `day`."""
    clock_.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def vouchers(hall: Hall, number: str) -> list[Voucher]:
    return hall.do(
        lambda s: list(
            s.scalars(sa.select(Voucher).where(Voucher.case_id == queries.find_case(s, number).id).order_by(Voucher.id))
        )
    )


def events(hall: Hall, number: str, kind: type) -> list:
    found = []
    for envelope in hall.do(lambda s: [m.envelope for m in s.scalars(sa.select(OutboxMessage))]):
        _, payload = decode(envelope)
        # ApplicantNoticeDue wraps the case event the applicant is told of.
        event = (
            getattr(payload, payload.WhichOneof("event") or "")
            if "event" in payload.DESCRIPTOR.oneofs_by_name
            else payload
        )
        if isinstance(payload, kind) and event.case_number == number:
            found.append(payload)
    return found


def accepted(hall: Hall, clock_, item: str, day: date, caller=LAND) -> str:
    at(clock_, day)
    number, _ = hall.submit(item)
    hall.do(lambda s: decisions.accept(s, number, caller))
    return number


# ------------------------------------------------------------------ defect 4: the pause notice
def test_an_art45_pause_is_told_in_a_numbered_voucher_and_kept_in_the_history(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2025, 11, 3))  # Monday; promised 10 -> 17 Nov
    at(clock, date(2025, 11, 5))
    hall.do(
        lambda s: deadlines.pause(
            s, number, LAND, reason="expert_review", note="组织专家评审", expected_end=date(2025, 11, 11)
        )
    )
    pause_voucher = vouchers(hall, number)[-1]
    assert pause_voucher.kind == "pause"
    assert pause_voucher.number == "LAND-ZT-2025-00001"
    for words in ("专家评审", "组织专家评审", "2025年11月05日", "2025年11月11日", "不计入", "2025年11月05日"):
        assert words in pause_voucher.content
    [paused] = events(hall, number, case_events.ClockPaused)
    assert (paused.reason, paused.started_on, paused.expected_end) == ("expert_review", "2025-11-05", "2025-11-11")
    assert paused.voucher_number == pause_voucher.number
    # Whom to tell travels only to the notification service, with the same event.
    [due] = [d for d in events(hall, number, case_events.ApplicantNoticeDue) if d.WhichOneof("event") == "clock_paused"]
    assert due.clock_paused == paused and due.applicant.phone == "13812345678"

    at(clock, date(2025, 11, 12))
    hall.do(lambda s: deadlines.resume(s, number, LAND))
    assert hall.case(number).promised_due == date(2025, 11, 24)  # the 5 working days 5..11 Nov did not count
    resume_voucher = vouchers(hall, number)[-1]
    assert resume_voucher.kind == "resumption" and resume_voucher.number == "LAND-HF-2025-00001"
    assert "2025年11月24日" in resume_voucher.content and "2025年11月12日" in resume_voucher.content
    [resumed] = events(hall, number, case_events.ClockResumed)
    assert (resumed.started_on, resumed.ended_on, resumed.promised.day) == ("2025-11-05", "2025-11-11", "2025-11-24")

    rows = hall.do(lambda s: [(t.event, t.from_status, t.to_status, t.reason) for t in access.history(s, number, LAND)])
    assert [r[0] for r in rows] == ["", "clock_paused", "clock_resumed"]
    assert rows[1][1] == rows[1][2] == "accepted"  # a pause is no move of the state
    assert "专家评审" in rows[1][3] and "2025-11-11" in rows[1][3]
    assert "2025-11-05" in rows[2][3] and "2025-11-24" in rows[2][3]


def test_a_pause_needs_its_expected_end(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2025, 11, 3))
    for expected_end in (None, date(2025, 11, 2)):
        with pytest.raises(InvalidArgument) as refused:
            hall.do(lambda s: deadlines.pause(s, number, LAND, reason="testing", expected_end=expected_end))
        assert [v.field for v in refused.value.violations] == ["expected_end"]
    assert [v.kind for v in vouchers(hall, number)] == ["acceptance"]


def test_a_pause_resumed_the_same_day_keeps_its_record(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2025, 11, 3))
    hall.do(lambda s: deadlines.pause(s, number, LAND, reason="hearing", expected_end=date(2025, 11, 10)))
    hall.do(lambda s: deadlines.resume(s, number, LAND))
    assert hall.case(number).promised_due == date(2025, 11, 17)  # no day was stopped
    kinds = [v.kind for v in vouchers(hall, number)]
    assert kinds == ["acceptance", "pause", "resumption"]
    events_ = hall.do(lambda s: [t.event for t in access.history(s, number, LAND)])
    assert events_ == ["", "clock_paused", "clock_resumed"]


# ------------------------------------- defect 5 (cases side): an extension while the clock is paused
def test_an_extension_while_paused_says_the_date_is_unknown_and_the_resumption_names_it(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2025, 11, 3))
    at(clock, date(2025, 11, 5))
    hall.do(lambda s: deadlines.pause(s, number, LAND, reason="testing", expected_end=date(2025, 11, 11)))
    hall.do(lambda s: deadlines.extend(s, number, APPROVER, extra_days=5, reason="检测周期较长"))
    [granted] = events(hall, number, case_events.ExtensionGranted)
    assert granted.clock_paused and granted.statutory_due == "" and granted.statutory.day == ""
    extension_voucher = vouchers(hall, number)[-1]
    assert extension_voucher.kind == "extension" and extension_voucher.number == "LAND-YQ-2025-00001"
    assert "计时暂停中，恢复计时后另行告知" in extension_voucher.content and "检测周期较长" in extension_voucher.content
    assert "延至 。" not in extension_voucher.content
    at(clock, date(2025, 11, 12))
    hall.do(lambda s: deadlines.resume(s, number, LAND))
    [resumed] = events(hall, number, case_events.ClockResumed)
    # 10 + 5 working days after 3 Nov, 5..11 Nov stopped: 4 Nov; 12..14, 17..21, 24..28 Nov; 1 Dec.
    assert resumed.promised.day == "2025-12-01" and not resumed.clock_paused


# ------------------------------------------- defect 6: provisional dates say so, with the reason
def test_a_due_date_in_2027_is_shown_provisional_in_the_voucher_and_the_api(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2026, 12, 28))
    case = hall.case(number)
    assert case.promised_due == date(2027, 1, 12) and case.due_provisional
    [voucher] = vouchers(hall, number)
    assert f"2027年01月12日{PROVISIONAL_2027}" in voucher.content
    assert f"2027年01月26日{PROVISIONAL_2027}" in voucher.content
    assert hall.do(lambda s: cases_clock.due_note(s, queries.find_case(s, number))) == "暂定：2027年节假日安排尚未公布"


def test_a_late_december_due_date_is_provisional_because_of_the_next_years_arrangement(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2026, 12, 14))  # promised 10 -> Mon 28 Dec 2026
    case = hall.case(number)
    assert case.promised_due == date(2026, 12, 28) and case.due_provisional
    [voucher] = vouchers(hall, number)
    # Late December counts on the 2027 arrangement (it may move New Year into those days).
    assert f"2026年12月28日{PROVISIONAL_2027}" in voucher.content


def test_a_firm_due_date_is_shown_firm(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2026, 11, 2))
    [voucher] = vouchers(hall, number)
    assert "2026年11月16日" in voucher.content and "暂定" not in voucher.content
    assert hall.do(lambda s: cases_clock.due_note(s, queries.find_case(s, number))) == ""


def test_the_extension_event_carries_the_provisional_years(hall, clock):
    number = accepted(hall, clock, "LAND-001", date(2026, 12, 14))
    hall.do(lambda s: deadlines.extend(s, number, APPROVER, extra_days=3, reason="需补充核查"))
    [granted] = events(hall, number, case_events.ExtensionGranted)
    assert granted.statutory.provisional and list(granted.statutory.provisional_years) == [2027]
    assert PROVISIONAL_2027 in vouchers(hall, number)[-1].content


# --------------------------------------------------- defect 7: a joint case's tasks move with it
def _joint_tasks_due(hall: Hall, number: str) -> list[date | None]:
    return hall.do(lambda s: [t.due_on for t in joint.tasks(s, queries.find_case(s, number))])


def test_an_extension_of_a_joint_case_moves_its_tasks_deadlines(hall, clock):
    number = accepted(hall, clock, "HCB-009", date(2025, 11, 3), caller=HCB)  # promised 20 for case and tasks
    before = hall.case(number).promised_due
    assert _joint_tasks_due(hall, number) == [before] * 3
    hall.do(lambda s: deadlines.extend(s, number, staff("HCB", "approver"), extra_days=15, reason="并联审批需协调"))
    after = hall.case(number).promised_due
    assert after > before
    assert _joint_tasks_due(hall, number) == [after] * 3


def test_a_paused_joint_case_holds_its_tasks_and_resuming_moves_them(hall, clock):
    number = accepted(hall, clock, "HCB-009", date(2025, 11, 3), caller=HCB)
    at(clock, date(2025, 11, 5))
    hall.do(lambda s: deadlines.pause(s, number, HCB, reason="inspection", expected_end=date(2025, 11, 11)))
    assert _joint_tasks_due(hall, number) == [None] * 3  # unknown while the clock stands, as the case's
    at(clock, date(2025, 11, 12))
    hall.do(lambda s: deadlines.resume(s, number, HCB))
    case = hall.case(number)
    assert _joint_tasks_due(hall, number) == [case.promised_due] * 3
    # A decided task keeps the deadline it was decided under; the pending ones move.
    hall.do(lambda s: decisions.decide_joint_task(s, number, HCB, department_code="HCB", approve=True))
    hall.do(lambda s: deadlines.extend(s, number, staff("HCB", "approver"), extra_days=5, reason="协调"))
    moved = hall.case(number).promised_due
    assert _joint_tasks_due(hall, number) == [case.promised_due, moved, moved]


# ------------------------------------- nearby: the dates an imported arrangement moved are told
def test_an_imported_arrangement_tells_the_new_dates_firm(hall, clock, tmp_path):
    number = accepted(hall, clock, "LAND-001", date(2026, 12, 28))
    path = tmp_path / "arrangement-2027.yaml"
    path.write_text(FIXTURE_2027, encoding="utf-8")
    arrangement = load_arrangement(path, allow_test_fixture=True)
    hall.do(lambda s: arrangements.import_arrangement(s, arrangement, actor="zy-mgr"))
    [moved] = events(hall, number, case_events.DeadlineRecomputed)
    assert (moved.statutory.day, moved.statutory.provisional) == ("2027-01-27", False)
    assert (moved.old_statutory_due, moved.promised.day) == ("2027-01-26", "2027-01-13")
    assert hall.do(lambda s: cases_clock.due_note(s, queries.find_case(s, number))) == ""
