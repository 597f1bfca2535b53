"""The texts the notification service sends the applicant, on its migrated database: no text
is ever built with an empty value (a date that is not known is said in words), a provisional
date says so with the reason, an Art. 45 pause is told, and a notice that could not name the
due date is superseded by a correction when the cases service reports the date."""

from __future__ import annotations

import inspect
import uuid

import pytest
import sqlalchemy as sa

from servicehall.events.v1 import cases_pb2 as case_events
from services.notification import handlers, notices
from services.notification.models import Notice
from shared.auth import Caller
from shared.db import transaction
from shared.kafka.envelope import new_envelope

CASE = "LAND-20251103-00001"
STAFF = Caller(staff_id="land-01", department_code="LAND", roles=frozenset({"window_staff"}))
PAUSED_WORDS = "计时暂停中，恢复计时后另行告知"
PROVISIONAL_2027 = "（暂定：2027年节假日安排尚未公布）"
CASE_FIELDS = {"case_number": CASE, "department_code": "LAND"}
# Values a test blanks that are the applicant's, not the case event's (ApplicantNoticeDue.applicant).
APPLICANT_FIELDS = {"applicant_name": "name", "applicant_phone": "phone"}


def told(field: str, event) -> case_events.ApplicantNoticeDue:
    """The event as the notification service receives it: with whom to tell."""
    return case_events.ApplicantNoticeDue(
        applicant=case_events.Applicant(name="张三", phone="13812345678"),
        query_code_sha256="0" * 64,
        **{field: event},
    )


def due(day: str = "", *years: int) -> case_events.DueDate:
    return case_events.DueDate(day=day, provisional=bool(years), provisional_years=list(years))


def submitted(**changes) -> case_events.ApplicantNoticeDue:
    fields = {
        **CASE_FIELDS,
        "service_item_name": "建设用地规划许可",
        "window_code": "LAND-01",
        "case_kind": "committed",
        "promised_days": 10,
        **changes,
    }
    return told("case_submitted", case_events.CaseSubmitted(**fields))


def extension(**changes) -> case_events.ApplicantNoticeDue:
    fields = {
        **CASE_FIELDS,
        "extra_days": 5,
        "reason": "检测周期较长",
        "statutory_due": "2025-12-08",
        "statutory": due("2025-12-08"),
        "promised": due("2025-11-24"),
        "voucher_number": "LAND-YQ-2025-00001",
        **changes,
    }
    return told("extension_granted", case_events.ExtensionGranted(**fields))


def paused(**changes) -> case_events.ApplicantNoticeDue:
    fields = {
        **CASE_FIELDS,
        "reason": "testing",
        "reason_label": "检测",
        "started_on": "2025-11-05",
        "expected_end": "2025-11-11",
        "voucher_number": "LAND-ZT-2025-00001",
        **changes,
    }
    return told("clock_paused", case_events.ClockPaused(**fields))


def resumed(**changes) -> case_events.ApplicantNoticeDue:
    fields = {
        **CASE_FIELDS,
        "reason": "testing",
        "reason_label": "检测",
        "started_on": "2025-11-05",
        "ended_on": "2025-11-11",
        "resumed_on": "2025-11-12",
        "promised": due("2025-12-01"),
        "statutory": due("2025-12-15"),
        "voucher_number": "LAND-HF-2025-00001",
        **changes,
    }
    return told("clock_resumed", case_events.ClockResumed(**fields))


def recomputed(**changes) -> case_events.ApplicantNoticeDue:
    fields = {
        **CASE_FIELDS,
        "old_promised_due": "2027-01-12",
        "promised_due": "2027-01-13",
        "old_statutory_due": "2027-01-26",
        "statutory_due": "2027-01-27",
        "old_due_provisional": True,
        "due_provisional": False,
        "promised": due("2027-01-13"),
        "statutory": due("2027-01-27"),
        "reason": "arrangement 2027 imported",
        "arrangement_year": 2027,
        **changes,
    }
    return told("deadline_recomputed", case_events.DeadlineRecomputed(**fields))


# Every notice the service builds, from a complete event; the test below blanks each value in turn.
BUILDERS = {
    "notice_for_case_submitted": submitted,
    "notice_for_extension": extension,
    "notice_for_pause": paused,
    "notice_for_resumption": resumed,
    "notice_for_deadline_change": recomputed,
}


def handle(factory, due: case_events.ApplicantNoticeDue) -> None:
    envelope = new_envelope(due, source="cases", partition_key=CASE)
    with transaction(factory) as session:
        handlers.on_applicant_notice_due(session, envelope, due)


def _value_of(due: case_events.ApplicantNoticeDue, field: str):
    if field in APPLICANT_FIELDS:
        return getattr(due.applicant, APPLICANT_FIELDS[field])
    return getattr(notices.told_event(due), field)


def _clear(due: case_events.ApplicantNoticeDue, field: str) -> None:
    if field in APPLICANT_FIELDS:
        due.applicant.ClearField(APPLICANT_FIELDS[field])
    else:
        notices.told_event(due).ClearField(field)


def stored(factory) -> list[Notice]:
    with factory() as session:
        return notices.list_notices(session, CASE, STAFF)


def build(factory, name: str, event):
    with transaction(factory) as session:
        return getattr(notices, name)(session, str(uuid.uuid4()), event)


# ------------------------------------------------------------ no text with an empty value
def test_every_notice_builder_is_covered_here():
    builders = {name for name, _ in inspect.getmembers(notices, inspect.isfunction) if name.startswith("notice_for_")}
    assert builders == set(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_complete_event_gives_a_text_without_a_gap(notification_db, name):
    notice = build(notification_db, name, BUILDERS[name]())
    for gap in (" 。", "“”", "至 。", "None", "：。", "，。", "  "):
        assert gap not in notice.body and gap not in notice.subject


def _blank_fields(name: str) -> list[str]:
    """The values a text is made of: each blanked in turn must refuse the notice."""
    event = BUILDERS[name]()
    wanted: list[str] = {
        "notice_for_case_submitted": ["applicant_name", "service_item_name", "case_number", "applicant_phone"],
        "notice_for_extension": ["applicant_name", "case_number", "reason", "extra_days", "applicant_phone"],
        "notice_for_pause": [
            "applicant_name",
            "case_number",
            "reason_label",
            "started_on",
            "expected_end",
            "voucher_number",
            "applicant_phone",
        ],
        "notice_for_resumption": ["applicant_name", "case_number", "resumed_on", "reason_label", "applicant_phone"],
        "notice_for_deadline_change": ["applicant_name", "case_number", "arrangement_year", "applicant_phone"],
    }[name]
    assert all(_value_of(event, f) for f in wanted)
    return wanted


@pytest.mark.parametrize(
    ("name", "field"), [(name, field) for name in sorted(BUILDERS) for field in _blank_fields(name)]
)
def test_a_text_with_an_empty_value_is_refused(notification_db, name, field):
    event = BUILDERS[name]()
    _clear(event, field)
    with pytest.raises(notices.IncompleteNotice):
        build(notification_db, name, event)
    with notification_db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0


def test_a_due_date_that_is_not_known_without_a_pause_is_refused(notification_db):
    # An empty date is only ever said in words when the clock is paused; otherwise it is a gap.
    with pytest.raises(notices.IncompleteNotice):
        build(notification_db, "notice_for_extension", extension(statutory=due(""), statutory_due=""))
    with pytest.raises(notices.IncompleteNotice):
        build(notification_db, "notice_for_resumption", resumed(statutory=due("")))


# -------------------------------------------------------- defect 5: the extension while paused
def test_an_extension_while_paused_says_in_words_that_the_date_is_not_known(notification_db):
    handle(notification_db, extension(statutory_due="", statutory=due(""), promised=due(""), clock_paused=True))
    [notice] = stored(notification_db)
    assert PAUSED_WORDS in notice.body
    assert "延至 。" not in notice.body and "延至" not in notice.body
    assert "检测周期较长" in notice.body and "5 个工作日" in notice.body


def test_the_resumption_supersedes_the_extension_notice_that_could_not_name_the_date(notification_db):
    handle(notification_db, paused())
    handle(notification_db, extension(statutory_due="", statutory=due(""), promised=due(""), clock_paused=True))
    handle(notification_db, resumed())
    pause_notice, extension_notice, correction = stored(notification_db)
    assert correction.supersedes_notice_id == extension_notice.notice_id
    assert pause_notice.supersedes_notice_id is None and extension_notice.supersedes_notice_id is None
    assert correction.body.startswith("【更正】") and correction.kind == "resumption"
    assert extension_notice.notice_id[:8] in correction.body  # it names the notice it corrects
    assert "2025年12月15日" in correction.body and "2025年12月01日" in correction.body
    assert "2025年11月12日" in correction.body


def test_a_resumption_after_a_plain_pause_supersedes_the_pause_notice(notification_db):
    handle(notification_db, paused())
    handle(notification_db, resumed())
    pause_notice, resumption = stored(notification_db)
    assert PAUSED_WORDS in pause_notice.body
    assert resumption.supersedes_notice_id == pause_notice.notice_id


def test_a_resumption_with_nothing_owed_is_a_plain_notice(notification_db):
    handle(notification_db, resumed())
    [notice] = stored(notification_db)
    assert notice.supersedes_notice_id is None and not notice.body.startswith("【更正】")


# ------------------------------------------------------------------ defect 4: the pause notice
def test_a_pause_is_told_with_its_reason_and_expected_end(notification_db):
    handle(notification_db, paused(reason="expert_review", reason_label="专家评审"))
    [notice] = stored(notification_db)
    assert notice.kind == "pause"
    for words in ("专家评审", "2025年11月05日", "2025年11月11日", "不计入", "LAND-ZT-2025-00001", PAUSED_WORDS):
        assert words in notice.body
    assert "暂停" in notice.subject


# ---------------------------------------------------------- defect 6: provisional, with the reason
def test_a_provisional_date_says_so_with_the_reason(notification_db):
    handle(notification_db, extension(statutory_due="2027-01-14", statutory=due("2027-01-14", 2027)))
    [notice] = stored(notification_db)
    assert f"2027年01月14日{PROVISIONAL_2027}" in notice.body


def test_a_firm_date_is_shown_firm(notification_db):
    handle(notification_db, extension())
    [notice] = stored(notification_db)
    assert "2025年12月08日" in notice.body and "暂定" not in notice.body


# ------------------------------------------------- nearby: a date moved by an imported arrangement
def test_a_date_moved_by_the_arrangement_corrects_the_notice_that_named_it(notification_db):
    handle(notification_db, extension(statutory_due="2027-01-26", statutory=due("2027-01-26", 2027)))
    handle(notification_db, recomputed())
    told, correction = stored(notification_db)
    assert correction.supersedes_notice_id == told.notice_id and correction.kind == "deadline_change"
    assert correction.body.startswith("【更正】") and told.notice_id[:8] in correction.body
    assert f"法定办结期限 2027年01月26日{PROVISIONAL_2027} 现更正如下" in correction.body  # what was told
    assert "法定办结期限 2027年01月27日。" in correction.body  # firm now: the 2027 arrangement is out


def test_a_recomputation_that_moved_no_date_tells_nothing(notification_db):
    handle(notification_db, recomputed(old_promised_due="", promised_due="", old_statutory_due="", statutory_due=""))
    assert stored(notification_db) == []
