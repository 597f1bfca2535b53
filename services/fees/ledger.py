"""The guards of the fees ledger: gapless numbers, the row locks every change of a case
takes, and the cashiers' tills (one till per cashier and hall day).

Lock order, the same everywhere so that no two transactions deadlock: the case row
(lock_case / lock_notice), then the till row (book_to_till / lock_till), then the counter
(next_value).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.fees import queries
from services.fees.models import RECEIPT_PREFIXES, CashierDay, FeeCase, PaymentNotice, SequenceCounter
from shared.db import is_postgresql, table_of, upsert
from shared.errors import FailedPrecondition, NotFound


def next_value(session: Session, name: str) -> int:
    """Bump a counter by one and return the new value, in the caller's transaction.

    One upsert statement: the row stays locked until the transaction ends, so concurrent
    callers queue up, and a rollback gives the number back (no gaps, unlike a sequence)."""
    table = table_of(SequenceCounter)
    statement = (
        upsert(session, table)
        .values(name=name, value=1)
        .on_conflict_do_update(index_elements=["name"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return int(session.execute(statement).scalar_one())


def receipt_series(receipt_type: str, year: int) -> str:
    """The sequence a receipt's number comes from: one per receipt type and year."""
    return f"{RECEIPT_PREFIXES[receipt_type]}-{year}"


def next_receipt_serial(session: Session, series: str) -> int:
    return next_value(session, f"receipt:{series}")


def receipt_number(series: str, serial: int) -> str:
    """NTR-2026-00000042 (a non-tax revenue receipt), TAX-2026-00000007 (a tax payment
    certificate); 2026-00000001 for one of the former shared sequence (series 2026)."""
    return f"{series}-{serial:08d}"


def receipt_type_of_number(number: str) -> str:
    """The receipt type a number's prefix says; "" for one of the former shared sequence."""
    prefix = number.split("-", 1)[0]
    return next((kind for kind, known in RECEIPT_PREFIXES.items() if known == prefix), "")


def missing_serials(serials: list[int]) -> list[int]:
    """The numbers missing from 1..max (a gapless sequence has none)."""
    present = set(serials)
    return [n for n in range(1, max(present, default=0) + 1) if n not in present]


def lock_case(session: Session, case_number: str) -> FeeCase:
    """The case row, locked for the rest of the transaction: every change of a case's
    notices, payments and refunds goes through here, so they happen one after another.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks; a no-op UPDATE takes the
    database's write lock (waiting for busy_timeout) before anything is read."""
    table = table_of(FeeCase)
    if is_postgresql(session):
        session.execute(sa.select(table.c.case_number).where(table.c.case_number == case_number).with_for_update())
    else:
        session.execute(
            sa.update(table).where(table.c.case_number == case_number).values(case_number=table.c.case_number)
        )
    # Whatever was read before the lock may be stale: read it again from here on.
    session.expire_all()
    case = session.get(FeeCase, case_number)
    if case is None:
        raise NotFound(f"no case {case_number} with fees")
    return case


def lock_notice(session: Session, notice_number: str) -> PaymentNotice:
    """The notice with its case locked, read afresh after the lock."""
    notice = queries.find_notice(session, notice_number)
    lock_case(session, notice.case_number)  # expires what was read: the notice reloads
    return notice


def book_to_till(session: Session, *, day: date, cashier_staff_id: str) -> None:
    """Count one entry on a cashier's till for the day, refusing a closed till. The upsert
    locks the till row, which the day close locks too: an entry is either in the close or
    refused, never lost between them."""
    table = table_of(CashierDay)
    statement = (
        upsert(session, table)
        .values(day=day, cashier_staff_id=cashier_staff_id, entries=1, closed_by="", summary={})
        .on_conflict_do_update(index_elements=["day", "cashier_staff_id"], set_={"entries": table.c.entries + 1})
        .returning(table.c.closed_at)
    )
    if session.execute(statement).scalar_one() is not None:
        raise FailedPrecondition(
            f"the till of {cashier_staff_id} for {day} is closed: nothing more can be booked to it; "
            "a correction goes to the next day with a reference to the receipt"
        )


def lock_till(session: Session, *, day: date, cashier_staff_id: str) -> CashierDay:
    """The till row of a cashier's day (made if it is not there yet), locked by the upsert."""
    table = table_of(CashierDay)
    statement = (
        upsert(session, table)
        .values(day=day, cashier_staff_id=cashier_staff_id, entries=0, closed_by="", summary={})
        .on_conflict_do_update(index_elements=["day", "cashier_staff_id"], set_={"entries": table.c.entries})
    )
    session.execute(statement)
    till = session.scalar(
        sa.select(CashierDay)
        .where(CashierDay.day == day, CashierDay.cashier_staff_id == cashier_staff_id)
        .execution_options(populate_existing=True)
    )
    assert till is not None
    return till
