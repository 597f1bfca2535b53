"""The hall's working-day calendar: official years, provisional years, arrangements, pauses."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.workdays import (
    Arrangement,
    ArrangementError,
    DayChange,
    Deadline,
    WorkingDayCalendar,
    YearNotCovered,
    YearStatus,
    diff,
    load_arrangement,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_2026 = REPO_ROOT / "shared" / "calendars" / "arrangement-2026.yaml"
CAL = WorkingDayCalendar.seeded(2004, 2030)
D = date.fromisoformat

# A made-up 2027 arrangement. It is NOT the real 2027 notice (not published when this was
# written); it only has to differ from the provisional calendar in known ways.
TEST_FIXTURE_2027 = """\
# TEST FIXTURE - made up for tests/unit/test_workdays.py. NOT the State Council's 2027 notice.
year: 2027
notice: TEST FIXTURE, not an official notice
test_fixture: true
holidays:
  - {name: 元旦, first_day: 2027-01-01, last_day: 2027-01-03}
  - {name: 春节, first_day: 2027-02-05, last_day: 2027-02-12}
  - {name: 清明节, first_day: 2027-04-03, last_day: 2027-04-05}
  - {name: 劳动节, first_day: 2027-05-01, last_day: 2027-05-05}
  - {name: 端午节, first_day: 2027-06-09, last_day: 2027-06-09}
  - {name: 中秋节, first_day: 2027-09-15, last_day: 2027-09-15}
  - {name: 国庆节, first_day: 2027-10-01, last_day: 2027-10-07}
adjusted_working_days: [2027-02-20, 2027-04-25, 2027-09-26, 2027-10-09]
"""


@pytest.fixture
def fixture_2027(tmp_path: Path) -> Path:
    path = tmp_path / "TEST-FIXTURE-arrangement-2027.yaml"
    path.write_text(TEST_FIXTURE_2027, encoding="utf-8")
    return path


def days(first: str, last: str) -> list[date]:
    start, end = D(first), D(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ---- official years: chinese_calendar ---------------------------------------------------------


def test_national_day_2025_and_a_deadline_across_it():
    assert all(not CAL.is_working_day(d) for d in days("2025-10-01", "2025-10-08"))
    assert CAL.is_working_day(D("2025-09-28")) and D("2025-09-28").weekday() == 6  # Sunday
    assert CAL.is_working_day(D("2025-10-11")) and D("2025-10-11").weekday() == 5  # Saturday
    assert not CAL.is_working_day(D("2025-09-27"))  # the Saturday before stays off
    # By hand from Fri 2025-09-26 (day 0): Sat 27 off, Sun 28 = 1, Mon 29 = 2, Tue 30 = 3,
    # Oct 1-8 off, Thu Oct 9 = 4, Fri Oct 10 = 5.
    assert CAL.add_working_days(D("2025-09-26"), 5) == Deadline(D("2025-10-10"), provisional=False, used=5)
    assert CAL.add_working_days(D("2025-09-26"), 1).due == D("2025-09-28")
    assert CAL.add_working_days(D("2025-09-26"), 3).due == D("2025-09-30")
    assert CAL.add_working_days(D("2025-09-26"), 4).due == D("2025-10-09")
    assert CAL.working_days_between(D("2025-09-26"), D("2025-10-10")) == 5
    assert CAL.source(D("2025-10-01")) == "chinese_calendar 1.11.0"
    assert CAL.source(D("2025-10-09")) is None  # a plain weekday


@pytest.mark.parametrize(
    ("year", "off", "working", "start", "limit", "due"),
    [
        # 2025: Jan 28 (eve) .. Feb 4 off; Sun Jan 26 and Sat Feb 8 worked.
        # From Fri Jan 24: Sat 25 off, Sun 26 = 1, Mon 27 = 2, Jan 28-Feb 4 off, Wed Feb 5 = 3.
        (2025, ("2025-01-28", "2025-02-04"), ["2025-01-26", "2025-02-08"], "2025-01-24", 3, "2025-02-05"),
        # 2026: Feb 15 .. Feb 23 off; Sat Feb 14 and Sat Feb 28 worked.
        # From Fri Feb 13: Sat 14 = 1, Feb 15-23 off, Tue 24 = 2, Wed 25 = 3.
        (2026, ("2026-02-15", "2026-02-23"), ["2026-02-14", "2026-02-28"], "2026-02-13", 3, "2026-02-25"),
    ],
)
def test_spring_festival(year, off, working, start, limit, due):
    # The facts, from chinese_calendar itself, day by day over January to March.
    for d in days(f"{year}-01-01", f"{year}-03-31"):
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d), d
        assert not CAL.is_provisional(d)
    spring = [
        d
        for d in days(f"{year}-01-01", f"{year}-03-31")
        if chinese_calendar.get_holiday_detail(d)[1] == "Spring Festival"
    ]
    assert [d for d in spring if not chinese_calendar.is_workday(d)] == days(*off)
    assert [d for d in spring if chinese_calendar.is_workday(d)] == [D(w) for w in working]
    # ... cross-checked by hand.
    assert all(not CAL.is_working_day(d) for d in days(*off))
    assert all(CAL.is_working_day(D(w)) and D(w).weekday() >= 5 for w in working)
    assert CAL.add_working_days(D(start), limit).due == D(due)


def test_every_seeded_official_day_agrees_with_chinese_calendar():
    official = WorkingDayCalendar.seeded(2004, 2026)
    assert set(official.years.values()) == {YearStatus.OFFICIAL}
    for d in days("2004-01-01", "2026-12-31"):
        assert official.is_working_day(d) == chinese_calendar.is_workday(d), d


# ---- provisional years: holidays ---------------------------------------------------------------


def test_chinese_calendar_really_stops_at_2026():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D("2027-01-04"))


def test_2027_is_provisional_from_the_holidays_package():
    assert CAL.years[2026] is YearStatus.OFFICIAL and CAL.years[2027] is YearStatus.PROVISIONAL
    statutory = set(holidays.China(years=2027))
    assert {D("2027-02-08"), D("2027-10-04"), D("2027-01-01")} <= statutory  # by hand: Mon, Mon, Fri
    for d in days("2027-01-01", "2027-12-31"):
        assert CAL.is_working_day(d) == (d.weekday() < 5 and d not in statutory), d
        assert CAL.is_provisional(d)
    assert "provisional" in CAL.source(D("2027-02-08"))
    # From Wed 2027-02-03: Thu 4 = 1, Feb 5-10 off (5-7 holiday/weekend, 8-10 holiday),
    # Thu 11 = 2, Fri 12 = 3, weekend, Mon 15 = 4, Tue 16 = 5.
    assert CAL.add_working_days(D("2027-02-03"), 5) == Deadline(D("2027-02-16"), provisional=True, used=5)


def test_a_deadline_running_past_new_year_into_a_provisional_year_is_flagged():
    # Mon 2026-12-28: 29 = 1, 30 = 2, 31 = 3, Fri Jan 1 2027 off, weekend, Mon 4 = 4, Tue 5 = 5.
    assert CAL.add_working_days(D("2026-12-28"), 5) == Deadline(D("2027-01-05"), provisional=True, used=5)
    # Early December 2026 is official; the last days of December wait for the 2027 notice.
    assert CAL.add_working_days(D("2026-12-01"), 5) == Deadline(D("2026-12-08"), provisional=False, used=5)
    assert not CAL.is_provisional(D("2026-12-24")) and CAL.is_provisional(D("2026-12-25"))


def test_years_outside_the_calendar_raise_a_clear_error():
    official = WorkingDayCalendar.seeded(2004, 2026)
    for call in (
        lambda: official.is_working_day(D("2027-01-04")),
        lambda: official.is_provisional(D("2027-01-04")),
        lambda: official.add_working_days(D("2026-12-30"), 3),
        lambda: official.working_days_between(D("2026-12-30"), D("2027-01-08")),
        lambda: CAL.deadline(D("2030-12-20"), 20, []),
    ):
        with pytest.raises(YearNotCovered, match=r"no data for 20(27|31)") as caught:
            call()
        assert not isinstance(caught.value, NotImplementedError)
    with pytest.raises(YearNotCovered, match="2004"):
        WorkingDayCalendar.seeded(2003, 2005)
    with pytest.raises(ValueError):
        WorkingDayCalendar.seeded(2027, 2026)


# ---- importing an official arrangement --------------------------------------------------------


def test_importing_an_arrangement_makes_2027_official_and_diff_lists_the_changes(fixture_2027):
    with pytest.raises(ArrangementError, match="TEST fixture"):
        load_arrangement(fixture_2027)
    arrangement = load_arrangement(fixture_2027, allow_test_fixture=True)
    assert arrangement.test_fixture and arrangement.year == 2027
    official = CAL.with_arrangement(arrangement)

    assert CAL.years[2027] is YearStatus.PROVISIONAL  # the old calendar is unchanged
    assert official.years[2027] is YearStatus.OFFICIAL and official.years[2028] is YearStatus.PROVISIONAL
    assert not any(official.is_provisional(d) for d in days("2026-12-25", "2027-12-24"))
    assert official.is_provisional(D("2027-12-27"))  # waits for the 2028 notice
    # From Wed 2027-02-03: Thu 4 = 1, Feb 5-12 off, weekend, Mon 15 = 2, ..., Thu 18 = 5.
    assert official.add_working_days(D("2027-02-03"), 5) == Deadline(D("2027-02-18"), provisional=False, used=5)
    assert official.add_working_days(D("2026-12-28"), 5) == Deadline(D("2027-01-05"), provisional=False, used=5)
    source = "arrangement 2027: TEST FIXTURE, not an official notice"
    assert official.source(D("2027-02-20")) == source and official.overrides[D("2027-02-12")].name == "春节"

    worked, rested = (
        sorted(("2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09")),
        ("2027-02-11", "2027-02-12", "2027-05-05", "2027-10-06", "2027-10-07"),
    )
    expected = sorted(
        [DayChange(D(d), False, True, None, source) for d in worked]
        + [DayChange(D(d), True, False, None, source) for d in rested],
        key=lambda change: change.day,
    )
    assert list(diff(CAL, official)) == expected
    assert diff(official, official) == ()
    assert [(c.day, c.is_working) for c in diff(official, CAL)] == [(c.day, c.was_working) for c in expected]


def test_a_new_year_holiday_reaching_back_into_december():
    arrangement = Arrangement(2027, [("元旦", D("2026-12-31"), D("2027-01-02"))], [D("2026-12-26")], notice="TEST")
    after = CAL.with_arrangement(arrangement)
    assert after.is_working_day(D("2026-12-26")) and not after.is_working_day(D("2026-12-31"))
    december = [(c.day, c.is_working) for c in diff(CAL, after) if c.day.year == 2026]
    assert december == [(D("2026-12-26"), True), (D("2026-12-31"), False)]
    # The notice is the whole year: the provisional Spring Festival it does not name is gone.
    assert after.is_working_day(D("2027-02-08")) and not CAL.is_working_day(D("2027-02-08"))
    # Re-importing 2026 keeps the days that belong to the 2027 notice.
    again = after.with_arrangement(load_arrangement(EXAMPLE_2026))
    assert again.is_working_day(D("2026-12-26")) and not again.is_working_day(D("2026-12-31"))


def test_the_example_arrangement_file_matches_chinese_calendar():
    arrangement = load_arrangement(EXAMPLE_2026)
    assert arrangement.year == 2026 and not arrangement.test_fixture and len(arrangement.holidays) == 7
    imported = CAL.with_arrangement(arrangement)
    assert diff(CAL, imported) == ()
    assert imported.source(D("2026-02-14")).startswith("arrangement 2026: 国务院办公厅")


@pytest.mark.parametrize(
    ("holiday_periods", "working", "field", "message"),
    [
        ([("春节", "2028-02-05", "2028-02-07")], [], "holidays[0].last_day", "not in 2027"),
        ([("春节", "2027-02-12", "2027-02-05")], [], "holidays[0]", "after last_day"),
        ([("国庆节", "2027-01-01", "2027-10-07")], [], "holidays[0]", "longer than 15 days"),
        ([("元旦", "2026-12-01", "2027-01-01")], [], "holidays[0]", "longer than 15 days"),
        ([("元旦", "2026-12-20", "2027-01-01")], [], "holidays[0].first_day", "late December"),
        ([("元旦", "2027-12-31", "2028-01-01")], [], "holidays[0].last_day", "not in 2027"),
        ([("", "2027-01-01", "2027-01-01")], [], "holidays[0].name", "needs a name"),
        (
            [("A", "2027-10-01", "2027-10-07"), ("B", "2027-10-07", "2027-10-08")],
            [],
            "holidays[1]",
            "already in holiday 'A'",
        ),
        ([("国庆节", "2027-10-01", "2027-10-07")], ["2027-10-02"], "adjusted_working_days[0]", "both a working day"),
        ([], ["2027-10-08"], "adjusted_working_days[0]", "Friday, a working day anyway"),
        ([], ["2027-10-09", "2027-10-09"], "adjusted_working_days[1]", "listed twice"),
        ([], ["2026-10-10"], "adjusted_working_days[0]", "not in 2027"),
    ],
)
def test_invalid_arrangements_are_refused_with_the_field_named(holiday_periods, working, field, message):
    with pytest.raises(ArrangementError) as caught:
        Arrangement(2027, [(n, D(a), D(b)) for n, a, b in holiday_periods], [D(w) for w in working])
    assert [v.field for v in caught.value.violations] == [field]
    assert message in caught.value.violations[0].description and message in str(caught.value)


def test_a_december_start_and_a_december_working_day_are_accepted_for_new_year():
    arrangement = Arrangement(2019, [("元旦", D("2018-12-30"), D("2019-01-01"))], [D("2018-12-29")])
    assert arrangement.days()[D("2018-12-29")] == (True, None)
    assert CAL.with_arrangement(arrangement).years[2019] is YearStatus.OFFICIAL
    # The 2019 New Year as chinese_calendar has it (the rest of the year is not in this one).
    changed = [c.day for c in diff(CAL, CAL.with_arrangement(arrangement))]
    assert changed and not [d for d in changed if d < D("2019-01-05")]


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("year: 2027\nholidays: []\nadjusted_workdays: []\n", ["adjusted_workdays", "adjusted_working_days"]),
        ("year: 2027\nholidays: [{name: 春节, first_day: 2027-02-05}]\nadjusted_working_days: []\n", ["holidays[0]"]),
        (
            "year: 2027\nholidays: [{name: 春节, first_day: 5 Feb, last_day: 2027-02-07}]\nadjusted_working_days: []\n",
            ["holidays[0].first_day"],
        ),
        ("year: twenty\nholidays: []\nadjusted_working_days: []\n", ["year"]),
        ("- just a list\n", []),
        ("year: [unclosed\n", []),
    ],
)
def test_bad_arrangement_files_are_refused(tmp_path, text, fields):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArrangementError, match=r"bad\.yaml") as caught:
        load_arrangement(path)
    assert [v.field for v in caught.value.violations] == fields
    with pytest.raises(ArrangementError, match="cannot read"):
        load_arrangement(tmp_path / "missing.yaml")


def test_quoted_iso_dates_load_too(tmp_path):
    path = tmp_path / "quoted.yaml"
    path.write_text(
        'year: 2027\nholidays: [{name: 元旦, first_day: "2027-01-01", last_day: "2027-01-01"}]\n'
        'adjusted_working_days: ["2027-01-02"]\n',
        encoding="utf-8",
    )
    assert load_arrangement(path).days() == {D("2027-01-01"): (False, "元旦"), D("2027-01-02"): (True, None)}


# ---- counting convention and pauses -----------------------------------------------------------


def test_counting_convention():
    assert CAL.add_working_days(D("2025-03-03"), 1).due == D("2025-03-04")  # Monday is day 0
    assert CAL.add_working_days(D("2025-03-01"), 1).due == D("2025-03-03")  # Saturday start
    assert CAL.add_working_days(D("2025-03-01"), 0) == Deadline(D("2025-03-01"), provisional=False, used=0)
    assert CAL.add_working_days(D("2025-03-07"), 5).due == D("2025-03-14")  # Friday + 5 = Friday
    assert CAL.working_days_between(D("2025-03-03"), D("2025-03-03")) == 0
    assert CAL.working_days_between(D("2025-03-07"), D("2025-03-09")) == 0  # weekend only
    with pytest.raises(ValueError):
        CAL.working_days_between(D("2025-03-04"), D("2025-03-03"))
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError):
            CAL.add_working_days(D("2025-03-03"), bad)


def test_a_correction_pause_moves_the_deadline_by_its_working_days():
    # Mon 2025-03-03 + 10 working days (no holidays in March 2025) = Mon 03-17.
    assert CAL.add_working_days(D("2025-03-03"), 10).due == D("2025-03-17")
    # Correction from Thu 03-06 to Wed 03-12: 5 working days (6, 7, 10, 11, 12) do not count,
    # so the due day moves 5 working days: 18, 19, 20, 21, 24.
    pause = (D("2025-03-06"), D("2025-03-12"))
    assert CAL.working_days_between(D("2025-03-05"), D("2025-03-12")) == 5
    assert CAL.deadline(D("2025-03-03"), 10, [pause]) == Deadline(D("2025-03-24"), provisional=False, used=10)


def test_an_inspection_pause_over_national_day_moves_the_deadline_by_its_working_days():
    # Art. 45 inspection from Mon 2025-09-29 to Fri 10-10: working days 29, 30, Oct 9, 10 = 4
    # (Oct 1-8 are off anyway). Without it, Mon 09-22 + 20 = Fri 10-24; with it, 4 working
    # days later: 27, 28, 29, 30.
    start, inspection = D("2025-09-22"), (D("2025-09-29"), D("2025-10-10"))
    assert CAL.add_working_days(start, 20).due == D("2025-10-24")
    assert CAL.working_days_between(D("2025-09-28"), D("2025-10-10")) == 4
    assert CAL.deadline(start, 20, [inspection]).due == D("2025-10-30")
    # Both kinds in one case add up: the correction Tue 09-23..Wed 09-24 adds 2 more.
    assert CAL.deadline(start, 20, [inspection, (D("2025-09-23"), D("2025-09-24"))]).due == D("2025-11-03")


def test_an_open_pause_reports_no_due_date():
    still = CAL.deadline(D("2025-03-03"), 10, [(D("2025-03-06"), None)])
    assert still == Deadline(due=None, provisional=False, paused=True, used=2)  # 03-04, 03-05 counted
    assert CAL.deadline(D("2025-03-03"), 10, [(D("2025-03-03"), None)]).used == 0
    # The instant case is due at once; a pause opened after the due day changes nothing.
    assert CAL.deadline(D("2025-03-03"), 0, [(D("2025-03-03"), None)]).due == D("2025-03-03")
    assert CAL.deadline(D("2025-03-03"), 10, [(D("2025-03-18"), None)]).due == D("2025-03-17")
    with pytest.raises(ValueError, match="before it begins"):
        CAL.deadline(D("2025-03-03"), 10, [(D("2025-03-06"), D("2025-03-05"))])


# ---- properties -------------------------------------------------------------------------------

starts = st.dates(min_value=D("2004-01-01"), max_value=D("2029-06-30"))
limits = st.integers(min_value=0, max_value=250)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=limits)
def test_the_due_day_is_the_nth_working_day(start, n):
    deadline = CAL.add_working_days(start, n)
    assert deadline.used == n and not deadline.paused
    assert CAL.working_days_between(start, deadline.due) == n
    if n > 0:
        assert CAL.is_working_day(deadline.due)
        assert CAL.working_days_between(start, deadline.due - timedelta(days=1)) == n - 1
    else:
        assert deadline.due == start
    walked = [start + timedelta(days=i) for i in range(1, (deadline.due - start).days + 1)]
    assert deadline.provisional == any(CAL.is_provisional(d) for d in walked)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=limits, more=st.integers(min_value=1, max_value=30))
def test_more_working_days_never_come_earlier(start, n, more):
    assert CAL.add_working_days(start, n).due < CAL.add_working_days(start, n + more).due


@settings(max_examples=300, deadline=None)
@given(
    start=starts,
    n=limits,
    offset=st.integers(min_value=-10, max_value=400),
    length=st.integers(min_value=0, max_value=60),
    still_open=st.booleans(),
)
def test_a_pause_never_makes_a_deadline_earlier(start, n, offset, length, still_open):
    first = start + timedelta(days=offset)
    last = None if still_open else first + timedelta(days=length)
    plain = CAL.add_working_days(start, n)
    paused = CAL.deadline(start, n, [(first, last)])
    if paused.due is None:
        assert still_open and paused.paused and paused.used < n and first <= plain.due
        return
    assert paused.due >= plain.due and not paused.paused
    if n == 0 or first > plain.due or still_open:
        assert paused.due == plain.due  # a pause after the due day changes nothing
    else:
        # Exactly as late as the working days the pause took from the clock.
        taken = [d for d in days(str(first), str(last)) if d > start and CAL.is_working_day(d)]
        assert paused.due == CAL.add_working_days(start, n + len(taken)).due
