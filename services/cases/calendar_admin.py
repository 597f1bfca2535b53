"""Importing an official holiday arrangement into the hall's working-day calendar.

When the General Office of the State Council publishes a year's arrangement, the hall types it
into a file (format: shared/calendars/arrangement-2026.yaml) and imports it:

    python -m services.cases.calendar_admin import shared/calendars/arrangement-2027.yaml

The arrangement is stored in the cases database (holiday_arrangements), which every replica's
clock.calendar() reads, so all replicas switch to it without a restart or a new image. In the
same transaction every open case whose deadlines could move is recomputed with the new calendar,
and each case whose dates (or provisional flag, or a pending joint task's deadline) changed gets
a deadline_changes row and a DeadlineRecomputed event.

A year is imported once: the identical arrangement again stores nothing (it re-checks the
deadlines still flagged provisional, so running the command twice is safe and catches a case
accepted by another replica while the first import ran); a different one is refused (both
tables are append-only).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import clock, events, lifecycle
from services.cases.joint import PENDING as PENDING_TASK
from services.cases.models import Case, DeadlineChange, HolidayArrangement, JointTask
from shared.db import is_postgresql
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from shared.timeutil import utcnow
from shared.workdays import Arrangement, DayChange, HolidayPeriod, WorkingDayCalendar, diff, load_arrangement

@dataclass(frozen=True)
class ImportResult:
    year: int
    stored: bool  # False: the identical arrangement was stored already (provisional deadlines re-checked)
    changed_days: tuple[DayChange, ...] = ()  # working/off changes against the calendar before
    cases_checked: int = 0  # open cases whose deadlines could move, recomputed
    cases_changed: int = 0  # of those, the ones whose dates changed (a deadline_changes row each)
    tasks_changed: int = 0  # pending joint-task deadlines that moved


# ------------------------------------------------------------------------ stored form
def document(arrangement: Arrangement) -> dict[str, Any]:
    """The arrangement as JSON-able data in a canonical order (ISO dates, sorted)."""
    return {
        "year": arrangement.year,
        "notice": arrangement.notice,
        "test_fixture": arrangement.test_fixture,
        "holidays": [
            {"name": p.name, "first_day": p.first_day.isoformat(), "last_day": p.last_day.isoformat()}
            for p in sorted(arrangement.holidays, key=lambda p: (p.first_day, p.last_day, p.name))
        ],
        "adjusted_working_days": sorted(d.isoformat() for d in arrangement.adjusted_working_days),
    }


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def from_document(content: dict[str, Any]) -> Arrangement:
    """The stored arrangement back (validated again by Arrangement itself)."""
    return Arrangement(
        year=int(content["year"]),
        holidays=tuple(
            HolidayPeriod(h["name"], date.fromisoformat(h["first_day"]), date.fromisoformat(h["last_day"]))
            for h in content["holidays"]
        ),
        adjusted_working_days=tuple(date.fromisoformat(d) for d in content["adjusted_working_days"]),
        notice=str(content.get("notice") or ""),
        test_fixture=bool(content.get("test_fixture", False)),
    )


def stored_arrangements(session: Session) -> list[HolidayArrangement]:
    return list(session.scalars(sa.select(HolidayArrangement).order_by(HolidayArrangement.year)))


# ------------------------------------------------------------------------------ import
def import_arrangement(session: Session, arrangement: Arrangement, *, actor: str) -> ImportResult:
    """Make the arrangement's year official in the hall's calendar and move the open deadlines.

    Refused (FailedPrecondition) when the year is already stored with a different content;
    the identical content again stores nothing (it only re-checks the deadlines still flagged
    provisional). Everything happens in the caller's transaction: a failure writes nothing.
    """
    if not isinstance(arrangement, Arrangement):
        raise TypeError(f"expected an Arrangement, got {type(arrangement).__name__}")
    actor = (actor or "").strip()
    if not actor:
        raise InvalidArgument("who imports the arrangement is recorded", [FieldViolation("actor", "is required")])
    if is_postgresql(session):
        # One import at a time (a second waits here, then sees the first one's rows); the
        # calendar's own reads are not blocked by this mode.
        session.execute(sa.text("LOCK TABLE holiday_arrangements IN SHARE ROW EXCLUSIVE MODE"))
    content = document(arrangement)
    content_sha256 = digest(content)
    stored = session.scalar(sa.select(HolidayArrangement).where(HolidayArrangement.year == arrangement.year))
    if stored is not None:
        if stored.content_sha256 != content_sha256:
            raise FailedPrecondition(
                f"the {arrangement.year} arrangement is already official in the hall's calendar "
                f"({stored.notice or 'no notice title'}, imported by {stored.imported_by} "
                f"at {stored.imported_at:%Y-%m-%d %H:%M} UTC) and this one differs from it; "
                f"an arrangement is imported once",
                [FieldViolation("year", d) for d in _differences(from_document(stored.content), arrangement)],
            )
        # Identical: nothing to store. The deadlines still flagged provisional are checked
        # again, which catches a case accepted by another replica while the first import ran
        # (computed with the calendar before it); normally none of them changes.
        checked, changed, tasks = _move_deadlines(session, stored, clock.calendar(session), None)
        return ImportResult(year=arrangement.year, stored=False, cases_checked=checked, cases_changed=changed,
                            tasks_changed=tasks)

    # Both calendars built before the new row exists, so nothing uncommitted is ever cached;
    # `after` is exactly what every replica's clock.calendar() builds once this commits.
    before = clock.calendar(session)
    after = clock.compose([*(r.content for r in stored_arrangements(session)), content])
    changes = diff(before, after)
    row = HolidayArrangement(
        year=arrangement.year, notice=arrangement.notice, test_fixture=arrangement.test_fixture, content=content,
        content_sha256=content_sha256, imported_by=actor[:40], imported_at=utcnow(),
    )
    session.add(row)
    session.flush()
    checked, changed, tasks = _move_deadlines(session, row, after, changes[0].day if changes else None)
    return ImportResult(year=arrangement.year, stored=True, changed_days=changes, cases_checked=checked,
                        cases_changed=changed, tasks_changed=tasks)


def _move_deadlines(session: Session, row: HolidayArrangement, cal: WorkingDayCalendar,
                    first_changed: date | None) -> tuple[int, int, int]:
    """Recompute the open cases the arrangement could affect with cal; record what moved.
    Returns (cases recomputed, cases changed, joint-task deadlines moved)."""
    reason = f"arrangement {row.year} imported"
    now = utcnow()
    checked = changed = tasks_changed = 0
    for case in _cases_to_recompute(session, first_changed):
        version = case.item_version
        if version is None:
            continue  # no rules to recompute from (cannot happen since revision 0002)
        checked += 1
        old = (case.promised_due, case.statutory_due, bool(case.due_provisional))
        clock.recompute(session, case, version, cal)
        moved_tasks = _reschedule_tasks(session, case, cal)
        if old == (case.promised_due, case.statutory_due, bool(case.due_provisional)) and not moved_tasks:
            continue
        changed += 1
        tasks_changed += len(moved_tasks)
        session.add(DeadlineChange(
            case_id=case.id, arrangement_id=row.id,
            old_promised_due=old[0], new_promised_due=case.promised_due,
            old_statutory_due=old[1], new_statutory_due=case.statutory_due,
            old_due_provisional=old[2], new_due_provisional=bool(case.due_provisional),
            task_changes=moved_tasks, reason=reason, changed_at=now,
        ))
        events.deadline_recomputed(
            session, case, old_promised_due=old[0], old_statutory_due=old[1], old_due_provisional=old[2],
            reason=reason, arrangement_year=row.year,
        )
    session.flush()
    return checked, changed, tasks_changed


def _cases_to_recompute(session: Session, first_changed: date | None) -> list[Case]:
    """The open, accepted cases whose deadlines the import could move, locked.

    A deadline walks the days (accepted_on, due]; a changed day d can move it only if d <= due.
    So: every case whose dates are provisional (the year becoming official clears the flag,
    even when no day changes), every case held by an open pause (due unknown), and, when days
    changed, every case due on or after the first of them or with a pending joint task due then.
    """
    could_move = [
        Case.due_provisional.is_(True),
        Case.promised_due.is_(None),
        Case.statutory_due.is_(None),
    ]
    if first_changed is not None:
        could_move += [
            Case.promised_due >= first_changed,
            Case.statutory_due >= first_changed,
            sa.exists().where(JointTask.case_id == Case.id, JointTask.status == PENDING_TASK,
                              JointTask.due_on >= first_changed),
        ]
    query = (
        sa.select(Case)
        .where(Case.status.in_(sorted(lifecycle.OPEN)), Case.accepted_on.is_not(None), sa.or_(*could_move))
        .order_by(Case.id)
        .with_for_update(of=Case)
    )
    return list(session.scalars(query).unique())


def _reschedule_tasks(session: Session, case: Case, cal: WorkingDayCalendar) -> list[dict[str, Any]]:
    """A pending joint task's deadline, as joint.schedule sets it at acceptance, with cal."""
    from services.cases.catalog import find_version_in_force

    if case.accepted_on is None:
        return []
    moved = []
    tasks = session.scalars(
        sa.select(JointTask).where(JointTask.case_id == case.id, JointTask.status == PENDING_TASK).order_by(JointTask.id)
    )
    for task in tasks:
        version = find_version_in_force(session, task.item_code, case.accepted_on)
        if version is None:
            continue
        due = cal.deadline(case.accepted_on, version.promised_days).due
        if due != task.due_on:
            moved.append({"department_code": task.department_code, "old_due": _iso(task.due_on), "new_due": _iso(due)})
            task.due_on = due
    return moved


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _differences(stored: Arrangement, new: Arrangement, limit: int = 10) -> list[str]:
    """What tells the two apart, day by day (at most `limit` lines), for the refusal."""
    def describe(entry: tuple[bool, str | None] | None) -> str:
        if entry is None:
            return "not named"
        working, name = entry
        return "adjusted working day" if working else f"holiday {name}"

    old_days, new_days = stored.days(), new.days()
    lines = [
        f"{day}: stored {describe(old_days.get(day))}, this file {describe(new_days.get(day))}"
        for day in sorted(set(old_days) | set(new_days))
        if old_days.get(day) != new_days.get(day)
    ]
    if stored.notice != new.notice:
        lines.append(f"notice: stored {stored.notice!r}, this file {new.notice!r}")
    if stored.test_fixture != new.test_fixture:
        lines.append(f"test_fixture: stored {stored.test_fixture}, this file {new.test_fixture}")
    return lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])


# ----------------------------------------------------------------------------- command
def _default_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in the environment (a bare container)
        return "cli"


def _print_result(result: ImportResult, path: Path) -> None:
    if not result.stored:
        print(f"arrangement {result.year} from {path} is already stored, identical: nothing stored; "
              f"{result.cases_checked} provisional deadline(s) re-checked, {result.cases_changed} changed")
        return
    print(f"arrangement {result.year} stored: the year is official in the hall's calendar")
    print(f"{len(result.changed_days)} day(s) changed working status" + (":" if result.changed_days else ""))
    for change in result.changed_days:
        was, now = ("working" if change.was_working else "off"), ("working" if change.is_working else "off")
        print(f"  {change.day} {change.day:%a}: {was} -> {now}")
    print(f"{result.cases_checked} open case(s) recomputed, {result.cases_changed} with changed deadlines "
          f"(recorded in deadline_changes), {result.tasks_changed} joint-task deadline(s) moved")


def _print_stored(rows: list[HolidayArrangement], cal: WorkingDayCalendar) -> None:
    if not rows:
        print("no arrangement imported; the calendar is the packages' and shared/calendars' only")
    for row in rows:
        fixture = " [TEST FIXTURE]" if row.test_fixture else ""
        print(f"{row.year}: {row.notice or '(no notice title)'}{fixture}, imported by {row.imported_by} "
              f"at {row.imported_at:%Y-%m-%d %H:%M} UTC")
    provisional = [str(year) for year, status in cal.years.items() if status.value == "provisional"]
    print(f"provisional years: {', '.join(provisional) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    """python -m services.cases.calendar_admin import FILE | list (DATABASE_URL from the env)."""
    import argparse

    from services.cases.settings import CasesSettings
    from shared.db import make_engine, make_session_factory, transaction
    from shared.errors import DomainError

    parser = argparse.ArgumentParser(prog="services.cases.calendar_admin",
                                     description="The hall's working-day calendar: official holiday arrangements.")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import an official arrangement file (YAML) and recompute deadlines")
    importing.add_argument("file", type=Path)
    importing.add_argument("--actor", default="", help="who imports it (recorded); default cli:<user>")
    commands.add_parser("list", help="the arrangements stored and the years still provisional")
    args = parser.parse_args(argv)
    engine = make_engine(CasesSettings().resolved_database_url())
    try:
        with transaction(make_session_factory(engine)) as session:
            if args.command == "list":
                _print_stored(stored_arrangements(session), clock.calendar(session))
                return 0
            arrangement = load_arrangement(args.file)  # a test fixture is refused here
            result = import_arrangement(session, arrangement, actor=args.actor or _default_actor())
    except DomainError as error:
        print(f"{error}", file=sys.stderr)
        for violation in error.violations:
            print(f"  {violation.field}: {violation.description}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    _print_result(result, args.file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
