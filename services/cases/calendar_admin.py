"""The operator's commands for the hall's working-day calendar (DATABASE_URL from the env):

    python -m services.cases.calendar_admin import shared/calendars/arrangement-2027.yaml [--actor ID]
    python -m services.cases.calendar_admin list

`import` stores an official holiday arrangement and moves the open deadlines in one
transaction (services.cases.arrangements.import_arrangement: what is stored, what moves, why a
year is imported once); a test fixture file is refused. `list` shows the stored arrangements
and the years still provisional.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from services.cases import arrangements, clock
from services.cases.arrangements import ImportResult
from services.cases.models import HolidayArrangement
from services.cases.settings import CasesSettings
from shared.db import make_engine, make_session_factory, run_in_transaction
from shared.errors import DomainError
from shared.workdays import WorkingDayCalendar, YearStatus, load_arrangement


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in the environment (a bare container)
        return "cli"


def _print_result(result: ImportResult, path: Path) -> None:
    if not result.stored:
        print(
            f"arrangement {result.year} from {path} is already stored, identical: nothing stored; "
            f"{result.cases_checked} provisional deadline(s) re-checked, {result.cases_changed} changed"
        )
        return
    print(f"arrangement {result.year} stored: the year is official in the hall's calendar")
    print(f"{len(result.changed_days)} day(s) changed working status" + (":" if result.changed_days else ""))
    for change in result.changed_days:
        was, now = ("working" if change.was_working else "off"), ("working" if change.is_working else "off")
        print(f"  {change.day} {change.day:%a}: {was} -> {now}")
    print(
        f"{result.cases_checked} open case(s) recomputed, {result.cases_changed} with changed deadlines "
        f"(recorded in deadline_changes), {result.tasks_changed} joint-task deadline(s) moved"
    )


def _print_stored(rows: list[HolidayArrangement], cal: WorkingDayCalendar) -> None:
    if not rows:
        print("no arrangement imported; the calendar is the packages' and shared/calendars' only")
    for row in rows:
        fixture = " [TEST FIXTURE]" if row.test_fixture else ""
        print(
            f"{row.year}: {row.notice or '(no notice title)'}{fixture}, imported by {row.imported_by} "
            f"at {row.imported_at:%Y-%m-%d %H:%M} UTC"
        )
    provisional = [str(year) for year, status in cal.years.items() if status is YearStatus.PROVISIONAL]
    print(f"provisional years: {', '.join(provisional) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    """python -m services.cases.calendar_admin import FILE | list (DATABASE_URL from the env)."""
    parser = argparse.ArgumentParser(
        prog="services.cases.calendar_admin",
        description="The hall's working-day calendar: official holiday arrangements.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import an official arrangement file (YAML) and recompute deadlines")
    importing.add_argument("file", type=Path)
    importing.add_argument("--actor", default="", help="who imports it (recorded); default cli:<user>")
    commands.add_parser("list", help="the arrangements stored and the years still provisional")
    args = parser.parse_args(argv)
    engine = make_engine(CasesSettings().resolved_database_url())
    sessions = make_session_factory(engine)
    try:
        if args.command == "list":
            with sessions() as session:
                _print_stored(arrangements.stored_arrangements(session), clock.calendar(session))
            return 0
        arrangement = load_arrangement(args.file)  # a test fixture is refused here
        actor = args.actor or _default_actor()
        result = run_in_transaction(
            sessions, lambda session: arrangements.import_arrangement(session, arrangement, actor=actor)
        )
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
