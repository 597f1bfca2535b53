"""The hall's own working-day calendar in the cases database (PostgreSQL when TEST_DATABASE_URL
is set): importing an official arrangement makes its year official for every replica, moves the
open deadlines in one transaction and records each change; a year is imported once.

The 2027 arrangement here is a TEST FIXTURE (test_fixture: true), not the State Council's notice:
its 元旦 holiday runs Fri 1 Jan to Mon 4 Jan, so 4 Jan 2027, a working day in the provisional
calendar, becomes a day off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from services.cases import arrangements, calendar_admin, clock, decisions, joint, queries
from services.cases.models import Case, DeadlineChange, HolidayArrangement, OutboxMessage
from shared.db import make_engine, make_session_factory, transaction
from shared.errors import FailedPrecondition
from shared.kafka.envelope import decode
from shared.workdays import YearStatus, load_arrangement
from tests.cases_hall import Hall, staff

ACTOR = "zy-mgr"
LATE_DECEMBER = date(2026, 12, 28)  # Monday; the New Year's days of 2027 are still provisional
FIXTURE_2027 = """\
year: 2027
notice: TEST FIXTURE, not the State Council's 2027 notice
test_fixture: true
holidays:
  - {name: 元旦, first_day: 2027-01-01, last_day: 2027-01-04}
  - {name: 春节, first_day: 2027-02-05, last_day: 2027-02-11}
adjusted_working_days:
  - 2027-02-20
"""


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """The calendar cache is process-wide: no test sees another test's imported arrangement."""
    clock.reset_calendar_cache()
    yield
    clock.reset_calendar_cache()


def fixture_file(tmp_path: Path, text: str = FIXTURE_2027, name: str = "arrangement-2027.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fixture_2027(tmp_path: Path, text: str = FIXTURE_2027):
    return load_arrangement(fixture_file(tmp_path, text), allow_test_fixture=True)


def accept_on(hall: Hall, number: str, day: date) -> Case:
    """Accept the case as accepted on `day` (as tests/unit/test_cases_lifecycle.py does)."""

    def work(session):
        case = decisions.accept(session, number, staff(queries.find_case(session, number).department_code))
        case.accepted_on = day
        clock.recompute(session, case, case.item_version)
        if joint.has_tasks(session, case):
            joint.schedule(session, case)
        return case

    return hall.do(work)


def dates(hall: Hall, number: str) -> tuple[date | None, date | None, bool]:
    case = hall.case(number)
    return case.promised_due, case.statutory_due, case.due_provisional


def count(hall: Hall, model) -> int:
    return hall.do(lambda s: s.scalar(sa.select(sa.func.count()).select_from(model)))


def changes(hall: Hall) -> list[DeadlineChange]:
    return hall.do(lambda s: list(s.scalars(sa.select(DeadlineChange).order_by(DeadlineChange.id))))


def event_types(hall: Hall) -> list[str]:
    return hall.do(lambda s: [decode(m.envelope)[0].event_type for m in s.scalars(sa.select(OutboxMessage))])


def do_import(hall: Hall, arrangement):
    return hall.do(lambda s: arrangements.import_arrangement(s, arrangement, actor=ACTOR))


# ----------------------------------------------------------------------------------- import
def test_importing_the_arrangement_recomputes_the_open_deadlines_and_records_the_change(hall, tmp_path):
    running, _ = hall.submit("LAND-001")  # promised 10, statutory 20 working days
    accept_on(hall, running, LATE_DECEMBER)
    # Provisional 2027: 1 Jan off. Days 1-3 = 29..31 Dec, 4-8 = 4..8 Jan, 9-10 = 11, 12 Jan;
    # 11-20 = 13..15, 18..22, 25, 26 Jan.
    assert dates(hall, running) == (date(2027, 1, 12), date(2027, 1, 26), True)

    concluded, _ = hall.submit("LAND-001")
    accept_on(hall, concluded, LATE_DECEMBER)
    for step in (decisions.start_review, decisions.approve, decisions.conclude):
        hall.do(lambda s: step(s, concluded, staff("LAND")))
    assert hall.case(concluded).status == "concluded" and dates(hall, concluded)[2] is True

    earlier, _ = hall.submit("LAND-001")
    accept_on(hall, earlier, date(2026, 11, 2))  # due 16 Nov / 30 Nov 2026: nothing can move it
    before_earlier = dates(hall, earlier)
    assert before_earlier[2] is False

    result = do_import(hall, fixture_2027(tmp_path))

    assert result.stored and result.year == 2027
    assert date(2027, 1, 4) in [c.day for c in result.changed_days]
    assert (result.cases_checked, result.cases_changed, result.tasks_changed) == (1, 1, 0)
    # 4 Jan is off now: days 4-10 = 5..8, 11..13 Jan; 11-20 = 14, 15, 18..22, 25..27 Jan.
    assert dates(hall, running) == (date(2027, 1, 13), date(2027, 1, 27), False)
    assert dates(hall, concluded) == (date(2027, 1, 12), date(2027, 1, 26), True)  # ended: untouched
    assert dates(hall, earlier) == before_earlier
    [change] = changes(hall)
    assert change.case_id == hall.case(running).id
    assert (change.old_promised_due, change.new_promised_due) == (date(2027, 1, 12), date(2027, 1, 13))
    assert (change.old_statutory_due, change.new_statutory_due) == (date(2027, 1, 26), date(2027, 1, 27))
    assert (change.old_due_provisional, change.new_due_provisional) == (True, False)
    assert change.reason == "arrangement 2027 imported" and change.task_changes == []
    stored = hall.do(lambda s: s.scalar(sa.select(HolidayArrangement)))
    assert (stored.year, stored.imported_by, stored.test_fixture) == (2027, ACTOR, True)
    assert event_types(hall).count("servicehall.events.v1.DeadlineRecomputed") == 1
    message = hall.do(
        lambda s: next(
            p
            for _, p in (decode(m.envelope) for m in s.scalars(sa.select(OutboxMessage)))
            if type(p).__name__ == "DeadlineRecomputed"
        )
    )
    assert (message.case_number, message.old_promised_due, message.promised_due) == (
        running,
        "2027-01-12",
        "2027-01-13",
    )
    assert (message.old_due_provisional, message.due_provisional, message.arrangement_year) == (True, False, 2027)

    # The same file again: nothing to do, nothing written.
    outbox = count(hall, OutboxMessage)
    again = do_import(hall, fixture_2027(tmp_path))
    assert again.stored is False and (again.cases_checked, again.cases_changed) == (0, 0)
    assert count(hall, HolidayArrangement) == 1 and len(changes(hall)) == 1 and count(hall, OutboxMessage) == outbox
    assert dates(hall, running) == (date(2027, 1, 13), date(2027, 1, 27), False)


def test_a_conflicting_arrangement_is_refused_and_writes_nothing(hall, tmp_path):
    number, _ = hall.submit("LAND-001")
    accept_on(hall, number, LATE_DECEMBER)
    do_import(hall, fixture_2027(tmp_path))
    after_first = (dates(hall, number), count(hall, HolidayArrangement), len(changes(hall)), count(hall, OutboxMessage))

    other = FIXTURE_2027.replace("last_day: 2027-01-04", "last_day: 2027-01-03")  # 4 Jan worked after all
    with pytest.raises(FailedPrecondition, match="2027 arrangement is already official") as refused:
        do_import(hall, fixture_2027(tmp_path, other))
    assert any("2027-01-04" in v.description for v in refused.value.violations)
    assert (
        dates(hall, number),
        count(hall, HolidayArrangement),
        len(changes(hall)),
        count(hall, OutboxMessage),
    ) == after_first
    stored = hall.do(lambda s: clock.from_document(s.scalar(sa.select(HolidayArrangement)).content))
    assert stored == fixture_2027(tmp_path)


def test_a_refused_import_leaves_no_trace_even_midway(hall, tmp_path, monkeypatch):
    """One transaction: a failure while recomputing rolls back the stored arrangement too."""
    number, _ = hall.submit("LAND-001")
    accept_on(hall, number, LATE_DECEMBER)

    def broken(*args, **kwargs):
        raise RuntimeError("the event could not be written")

    monkeypatch.setattr(arrangements.events, "deadline_recomputed", broken)
    with pytest.raises(RuntimeError):
        do_import(hall, fixture_2027(tmp_path))
    assert count(hall, HolidayArrangement) == 0 and changes(hall) == []
    assert dates(hall, number) == (date(2027, 1, 12), date(2027, 1, 26), True)
    with hall.session_factory() as session:
        assert clock.calendar(session).years[2027] is YearStatus.PROVISIONAL


def test_importing_the_same_file_again_catches_a_case_computed_with_the_old_calendar(hall, tmp_path):
    """Another replica accepted a case while the import ran, with the calendar before it."""
    do_import(hall, fixture_2027(tmp_path))
    number, _ = hall.submit("LAND-001")

    def accept_with_the_old_calendar(session):
        case = decisions.accept(session, number, staff("LAND"))
        case.accepted_on = LATE_DECEMBER
        clock.recompute(session, case, case.item_version, clock.compose([]))

    hall.do(accept_with_the_old_calendar)
    assert dates(hall, number) == (date(2027, 1, 12), date(2027, 1, 26), True)
    result = do_import(hall, fixture_2027(tmp_path))
    assert result.stored is False and (result.cases_checked, result.cases_changed) == (1, 1)
    assert dates(hall, number) == (date(2027, 1, 13), date(2027, 1, 27), False)
    assert [(c.case_id, c.reason) for c in changes(hall)] == [(hall.case(number).id, "arrangement 2027 imported")]
    assert count(hall, HolidayArrangement) == 1


def test_joint_task_deadlines_move_with_the_case(hall, tmp_path):
    number, _ = hall.submit("HCB-009")  # promised 20 for the case and each department's task
    accept_on(hall, number, LATE_DECEMBER)
    with hall.session_factory() as session:
        before = [t.due_on for t in joint.tasks(session, queries.find_case(session, number))]
    assert before == [date(2027, 1, 26)] * 3
    result = do_import(hall, fixture_2027(tmp_path))
    assert (result.cases_changed, result.tasks_changed) == (1, 3)
    with hall.session_factory() as session:
        assert [t.due_on for t in joint.tasks(session, queries.find_case(session, number))] == [date(2027, 1, 27)] * 3
    [change] = changes(hall)
    assert change.task_changes == [
        {"department_code": d, "old_due": "2027-01-26", "new_due": "2027-01-27"} for d in ("HCB", "LAND", "PLAN")
    ]


def test_the_record_is_append_only(hall, tmp_path):
    number, _ = hall.submit("LAND-001")
    accept_on(hall, number, LATE_DECEMBER)
    do_import(hall, fixture_2027(tmp_path))
    for model in (DeadlineChange, HolidayArrangement):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            hall.do(
                lambda s: s.execute(
                    sa.update(model).values(imported_by="x")
                    if model is HolidayArrangement
                    else sa.update(model).values(reason="rewritten")
                )
            )
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            hall.do(lambda s: s.execute(sa.delete(model)))


# ------------------------------------------------------------------------------ replicas
@pytest.mark.own_database
def test_every_replica_switches_to_the_stored_arrangement(hall, tmp_path):
    other_replica: sessionmaker = make_session_factory(make_engine(hall.url))
    with hall.session_factory() as session:
        cached = clock.calendar(session)
        assert cached.years[2027] is YearStatus.PROVISIONAL
        assert clock.calendar(session) is cached  # the database did not change: no rebuild
    assert clock.calendar() is cached  # without a session: the last one resolved

    with transaction(other_replica) as session:
        arrangements.import_arrangement(session, fixture_2027(tmp_path), actor=ACTOR)

    with hall.session_factory() as session:
        fresh = clock.calendar(session)
    assert fresh is not cached and fresh.years[2027] is YearStatus.OFFICIAL
    assert not fresh.is_working_day(date(2027, 1, 4)) and fresh.is_working_day(date(2027, 2, 20))
    assert not fresh.is_provisional(date(2026, 12, 31))
    assert clock.calendar() is fresh
    # A process that never saw it (a new replica) builds the same calendar from the rows.
    clock.reset_calendar_cache()
    with other_replica() as session:
        rebuilt = clock.calendar(session)
    assert rebuilt is not fresh and dict(rebuilt.overrides) == dict(fresh.overrides) and rebuilt.years == fresh.years

    # And a case accepted from now on is computed with it, flagged official.
    number, _ = hall.submit("LAND-001")
    accept_on(hall, number, LATE_DECEMBER)
    assert dates(hall, number) == (date(2027, 1, 13), date(2027, 1, 27), False)


@pytest.mark.own_database  # the sessionless calendar reads the database through an engine of its own
def test_without_a_session_the_calendar_is_rechecked_after_the_refresh_interval(hall, tmp_path, monkeypatch):
    with hall.session_factory() as session:
        seen = clock.calendar(session)
    hall.do(lambda s: arrangements.import_arrangement(s, fixture_2027(tmp_path), actor=ACTOR))
    monkeypatch.setattr(clock, "REFRESH_SECONDS", 3600.0)
    assert clock.calendar() is seen  # trusted within the interval
    monkeypatch.setattr(clock, "REFRESH_SECONDS", 0.0)
    assert clock.calendar().years[2027] is YearStatus.OFFICIAL  # re-checked against the database


# ------------------------------------------------------------------------- stored form, command
def test_the_stored_form_round_trips_and_ignores_order(tmp_path):
    arrangement = fixture_2027(tmp_path)
    content = clock.document(arrangement)
    assert clock.from_document(content) == arrangement
    shuffled = FIXTURE_2027.replace(
        "  - {name: 元旦, first_day: 2027-01-01, last_day: 2027-01-04}\n  - {name: 春节, first_day: 2027-02-05, last_day: 2027-02-11}",
        "  - {name: 春节, first_day: 2027-02-05, last_day: 2027-02-11}\n  - {name: 元旦, first_day: 2027-01-01, last_day: 2027-01-04}",
    )
    assert shuffled != FIXTURE_2027
    assert clock.digest(clock.document(fixture_2027(tmp_path, shuffled))) == clock.digest(content)


@pytest.mark.own_database
def test_the_import_command(hall, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", hall.url)
    official = clock.ARRANGEMENTS / "arrangement-2026.yaml"
    assert calendar_admin.main(["import", str(official)]) == 0
    out = capsys.readouterr().out
    assert "arrangement 2026 stored" in out and "0 day(s) changed" in out  # the packages agreed already
    assert calendar_admin.main(["import", str(official)]) == 0
    assert "already stored, identical" in capsys.readouterr().out
    # A test fixture is never imported by the command.
    assert calendar_admin.main(["import", str(fixture_file(tmp_path))]) == 2
    assert "TEST fixture" in capsys.readouterr().err
    assert calendar_admin.main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "2026: 国务院办公厅关于2026年部分节假日安排的通知" in listing and "provisional years: 2027" in listing
    with hall.session_factory() as session:
        assert next(row.imported_by for row in arrangements.stored_arrangements(session)).startswith("cli")
