"""Electronic supervision (电子监察) and supervision orders (督办).

The scanner raises, once each per case: a warning when the promised deadline is near
(`warning_days` working days or fewer left), a yellow card when it has passed, a red card
when a supervision order's deadline has passed too. "Once" is the database's unique key on
(case, level): the alert row and its event are written in one transaction, so with two
scanner replicas exactly one wins each level and the other's insert does nothing.
The scanner also applies deemed acceptance (Art. 32) to cases left unanswered.

`scan` is the periodic job's (each replica runs it; see server.py); `run_scan` is the same
pass ordered by a manager (RunSupervisionScan), and `order` a manager's supervision order.
A scan runs at the moment it runs: every day it compares with is today by the session's clock
(shared.clock), so a fact is never recorded ahead of its time; there is no parameter for
another day (running the rules as of another day is an operator's audited replay, not this).
"""

from __future__ import annotations

from datetime import date
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session, sessionmaker

from services.cases import clock, events, lifecycle
from services.cases.access import require_supervisor
from services.cases.decisions import deem_accepted
from services.cases.models import Case, CorrectionNotice, SupervisionAlert, SupervisionOrder
from services.cases.queries import find_case
from shared.auth import Caller
from shared.clock import now
from shared.clock import today as hall_today
from shared.db import run_in_transaction, table_of, upsert
from shared.errors import FieldViolation, InvalidArgument
from shared.timeutil import shanghai_day

LEVELS = ("warning", "yellow", "red")
DEEMED_ACCEPTANCE_DAYS = 5


# ------------------------------------------------------------------------- use cases
def order(session: Session, case_number: str, caller: Caller, *, due_on: date, note: str) -> SupervisionOrder:
    """督办: a manager (or the efficiency office) orders an open case finished by due_on."""
    require_supervisor(caller)
    case = find_case(session, case_number)
    problems = []
    if case.status not in lifecycle.OPEN:
        problems.append(FieldViolation("case_number", f"the case is {case.status}; only open cases are supervised"))
    if due_on < hall_today(session):
        problems.append(FieldViolation("due_on", "is in the past"))
    if not note.strip():
        problems.append(FieldViolation("note", "is required"))
    if problems:
        raise InvalidArgument("the supervision order is invalid", problems)
    row = SupervisionOrder(
        case_id=case.id, issued_by=caller.staff_id, due_on=due_on, note=note.strip()[:2000], issued_at=now(session)
    )
    session.add(row)
    events.supervision_ordered(session, case, manager=caller.staff_id, due_on=due_on, note=row.note)
    return row


def _raise_once(session: Session, case: Case, level: str, order_due: date | None) -> bool:
    table = table_of(SupervisionAlert)
    inserted = session.execute(
        upsert(session, table)
        .values(case_id=case.id, level=level, raised_at=now(session))
        .on_conflict_do_nothing(index_elements=["case_id", "level"])
        .returning(table.c.id)
    ).first()
    if inserted is None:
        return False  # another scanner (or an earlier pass) raised it
    if LEVELS.index(level) > LEVELS.index(case.supervision_level) if case.supervision_level in LEVELS else True:
        session.execute(
            sa.update(Case)
            .where(Case.id == case.id)
            .values(supervision_level=level)
            .execution_options(synchronize_session=False)
        )
    events.supervision_raised(session, case, level, order_due)
    return True


def due_levels(case: Case, today: date, order_due: date | None, warning_days: int) -> list[str]:
    """Which levels a case deserves on `today` (pure; the scan asks it only for the day of its
    own clock, and raises those not raised yet)."""
    levels: list[str] = []
    if case.status not in lifecycle.OPEN or case.promised_due is None:
        return levels
    cal = clock.calendar(object_session(case))
    if today > case.promised_due:
        levels += ["warning", "yellow"]
    elif cal.working_days_between(today, case.promised_due) <= warning_days:
        levels.append("warning")
    if order_due is not None and today > order_due:
        levels.append("red")
    return levels


def run_scan(session_factory: sessionmaker[Session], caller: Caller, *, warning_days: int = 1) -> dict[str, int]:
    """The scan now, ordered by a manager or the efficiency office (it also runs on a timer).
    Now is the service's clock: no caller chooses the day the facts are recorded for."""
    require_supervisor(caller)
    return scan(session_factory, warning_days=warning_days)


# ------------------------------------------------------------------------------ the scan
def scan(session_factory: sessionmaker[Session], *, warning_days: int = 1) -> dict[str, int]:
    """One pass over the open cases at the moment it runs (each session's clock); each case in
    its own transaction, retried when it loses a race, so a case another scanner (or a member
    of staff) got to first is seen as done, not as an error. Returns what this pass raised."""
    raised = dict.fromkeys(LEVELS, 0) | {"deemed_accepted": 0}
    with session_factory() as session:
        ids = list(session.scalars(sa.select(Case.id).where(Case.status.in_(sorted(lifecycle.OPEN))).order_by(Case.id)))
    for case_id in ids:
        for what in run_in_transaction(
            session_factory, partial(_scan_case, case_id=case_id, warning_days=warning_days)
        ):
            raised[what] += 1
    return raised


def _scan_case(session: Session, *, case_id: int, warning_days: int) -> list[str]:
    """What is due on one case today (the session clock's day), recorded; returns what was."""
    case = session.get(Case, case_id)
    if case is None:
        return []
    today = hall_today(session)
    done = ["deemed_accepted"] if _deem_if_unanswered(session, case) else []
    order_due = session.scalar(
        sa.select(sa.func.max(SupervisionOrder.due_on)).where(SupervisionOrder.case_id == case.id)
    )
    done += [
        level
        for level in due_levels(case, today, order_due, warning_days)
        if _raise_once(session, case, level, order_due)
    ]
    return done


def _deem_if_unanswered(session: Session, case: Case) -> bool:
    if case.status != lifecycle.RECEIVED:
        return False
    today = hall_today(session)
    received = shanghai_day(case.submitted_at)
    if today <= received:  # received today (or, by a clock behind the receipt's, "later"): not due
        return False
    if clock.calendar(session).working_days_between(received, today) <= DEEMED_ACCEPTANCE_DAYS:
        return False
    if session.scalar(sa.select(CorrectionNotice.id).where(CorrectionNotice.case_id == case.id)) is not None:
        return False
    # Lock and re-check (refreshing the row): a replica or a member of staff may have acted
    # meanwhile; if one did, this finds nothing, or loses the write and is retried.
    locked = session.scalar(
        sa.select(Case)
        .where(Case.id == case.id, Case.status == lifecycle.RECEIVED)
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    )
    if locked is None:
        return False
    deem_accepted(session, locked)
    return True
