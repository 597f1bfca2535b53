"""Window throughput: how many applications each window received, per hall day.

Reading it is open to every caller (the figures are the hall's published statistics); the
use case takes the caller so that a rule added later has one home."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.evaluation.models import WindowDailyThroughput
from shared.auth import Caller
from shared.db import table_of, upsert
from shared.timeutil import shanghai_day
from shared.validation import parse_day


def count_case_received(session: Session, *, department_code: str, window_code: str, submitted_at: datetime) -> None:
    """Add one to the window's count for the day; an upsert, safe with concurrent consumers."""
    table = table_of(WindowDailyThroughput)
    statement = (
        upsert(session, table)
        .values(
            department_code=department_code, window_code=window_code, day=shanghai_day(submitted_at), cases_received=1
        )
        .on_conflict_do_update(
            index_elements=["department_code", "window_code", "day"],
            set_={"cases_received": table.c.cases_received + 1},
        )
    )
    session.execute(statement)


def window_throughput(
    session: Session, caller: Caller, *, department_code: str = "", window_code: str = "", day: str = ""
) -> list[WindowDailyThroughput]:
    query = sa.select(WindowDailyThroughput).order_by(
        WindowDailyThroughput.day, WindowDailyThroughput.department_code, WindowDailyThroughput.window_code
    )
    if department_code:
        query = query.where(WindowDailyThroughput.department_code == department_code)
    if window_code:
        query = query.where(WindowDailyThroughput.window_code == window_code)
    if day:
        query = query.where(WindowDailyThroughput.day == parse_day(day))
    return list(session.scalars(query))


def totals_by_window(session: Session) -> list[tuple[str, str, int]]:
    """All-time totals per window, for the Prometheus counter."""
    table = WindowDailyThroughput
    query = sa.select(table.department_code, table.window_code, sa.func.sum(table.cases_received)).group_by(
        table.department_code, table.window_code
    )
    return [(d, w, int(n)) for d, w, n in session.execute(query)]
