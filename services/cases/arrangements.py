"""Importing an official holiday arrangement into the hall's working-day calendar.

When the General Office of the State Council publishes a year's arrangement, the hall types it
into a file (format: shared/calendars/arrangement-2026.yaml) and imports it with the operator's
command (services/cases/calendar_admin.py), which calls import_arrangement here.

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

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import clock, events, joint, lifecycle
from services.cases.models import Case, DeadlineChange, HolidayArrangement, JointTask
from shared.clock import now, today
from shared.db import is_postgresql
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from shared.workdays import Arrangement, DayChange, WorkingDayCalendar, diff


@dataclass(frozen=True)
class ImportResult:
    year: int
    stored: bool  # False: the identical arrangement was stored already (provisional deadlines re-checked)
    changed_days: tuple[DayChange, ...] = ()  # working/off changes against the calendar before
    cases_checked: int = 0  # open cases whose deadlines could move, recomputed
    cases_changed: int = 0  # of those, the ones whose dates changed (a deadline_changes row each)
    tasks_changed: int = 0  # pending joint-task deadlines that moved


def stored_arrangements(session: Session) -> list[HolidayArrangement]:
    return list(session.scalars(sa.select(HolidayArrangement).order_by(HolidayArrangement.year)))


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
    content = clock.document(arrangement)
    content_sha256 = clock.digest(content)
    stored = session.scalar(sa.select(HolidayArrangement).where(HolidayArrangement.year == arrangement.year))
    if stored is not None:
        if stored.content_sha256 != content_sha256:
            raise FailedPrecondition(
                f"the {arrangement.year} arrangement is already official in the hall's calendar "
                f"({stored.notice or 'no notice title'}, imported by {stored.imported_by} "
                f"at {stored.imported_at:%Y-%m-%d %H:%M} UTC) and this one differs from it; "
                f"an arrangement is imported once",
                [FieldViolation("year", d) for d in _differences(clock.from_document(stored.content), arrangement)],
            )
        # Identical: nothing to store. The deadlines still flagged provisional are checked
        # again, which catches a case accepted by another replica while the first import ran
        # (computed with the calendar before it); normally none of them changes.
        checked, changed, tasks = _move_deadlines(session, stored, clock.calendar(session), None)
        return ImportResult(
            year=arrangement.year, stored=False, cases_checked=checked, cases_changed=changed, tasks_changed=tasks
        )

    # Both calendars built before the new row exists, so nothing uncommitted is ever cached;
    # `after` is exactly what every replica's clock.calendar() builds once this commits.
    before = clock.calendar(session)
    after = clock.compose([*(r.content for r in stored_arrangements(session)), content], clock.horizon(today(session)))
    changes = diff(before, after)
    row = HolidayArrangement(
        year=arrangement.year,
        notice=arrangement.notice,
        test_fixture=arrangement.test_fixture,
        content=content,
        content_sha256=content_sha256,
        imported_by=actor[:40],
        imported_at=now(session),
    )
    session.add(row)
    session.flush()
    checked, changed, tasks = _move_deadlines(session, row, after, changes[0].day if changes else None)
    return ImportResult(
        year=arrangement.year,
        stored=True,
        changed_days=changes,
        cases_checked=checked,
        cases_changed=changed,
        tasks_changed=tasks,
    )


def _move_deadlines(
    session: Session, row: HolidayArrangement, cal: WorkingDayCalendar, first_changed: date | None
) -> tuple[int, int, int]:
    """Recompute the open cases the arrangement could affect with cal; record what moved.
    Returns (cases recomputed, cases changed, joint-task deadlines moved)."""
    reason = f"arrangement {row.year} imported"
    moment = now(session)
    checked = changed = tasks_changed = 0
    for case in _cases_to_recompute(session, first_changed):
        version = case.item_version
        if version is None:
            continue  # no rules to recompute from (cannot happen since revision 0002)
        checked += 1
        old = (case.promised_due, case.statutory_due, bool(case.due_provisional))
        moved_tasks = clock.recompute(session, case, version, cal)  # the case's dates and its pending tasks'
        if old == (case.promised_due, case.statutory_due, bool(case.due_provisional)) and not moved_tasks:
            continue
        changed += 1
        tasks_changed += len(moved_tasks)
        session.add(
            DeadlineChange(
                case_id=case.id,
                arrangement_id=row.id,
                old_promised_due=old[0],
                new_promised_due=case.promised_due,
                old_statutory_due=old[1],
                new_statutory_due=case.statutory_due,
                old_due_provisional=old[2],
                new_due_provisional=bool(case.due_provisional),
                task_changes=moved_tasks,
                reason=reason,
                changed_at=moment,
            )
        )
        due = clock.due_dates(session, case, cal)
        events.deadline_recomputed(
            session,
            case,
            old_promised_due=old[0],
            old_statutory_due=old[1],
            old_due_provisional=old[2],
            reason=reason,
            arrangement_year=row.year,
            promised=events.due_date(due.promised, due.promised_years),
            statutory=events.due_date(due.statutory, due.statutory_years),
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
    could_move: list[sa.ColumnElement[bool]] = [
        Case.due_provisional.is_(True),
        Case.promised_due.is_(None),
        Case.statutory_due.is_(None),
    ]
    if first_changed is not None:
        could_move += [
            Case.promised_due >= first_changed,
            Case.statutory_due >= first_changed,
            sa.exists().where(
                JointTask.case_id == Case.id, JointTask.status == joint.PENDING, JointTask.due_on >= first_changed
            ),
        ]
    query = (
        sa.select(Case)
        .where(Case.status.in_(sorted(lifecycle.OPEN)), Case.accepted_on.is_not(None), sa.or_(*could_move))
        .order_by(Case.id)
        .with_for_update(of=Case)
    )
    return list(session.scalars(query).unique())


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
