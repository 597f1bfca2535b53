"""What the fees modules share: the hall day, gapless counters, row locks, the audit trail,
request fingerprints."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.fees.models import AuditEntry, CashierDay, FeeCase, SequenceCounter
from shared.db import is_postgresql, upsert
from shared.errors import FailedPrecondition, NotFound
from shared.timeutil import shanghai_day, utcnow


def today() -> date:
    return shanghai_day(utcnow())


def next_value(session: Session, name: str) -> int:
    """Bump a counter by one and return the new value, in the caller's transaction.

    One upsert statement: the row stays locked until the transaction ends, so concurrent
    callers queue up, and a rollback gives the number back (no gaps, unlike a sequence)."""
    table = SequenceCounter.__table__
    statement = (
        upsert(session, table)
        .values(name=name, value=1)
        .on_conflict_do_update(index_elements=["name"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return int(session.execute(statement).scalar_one())


def lock_case(session: Session, case_number: str) -> FeeCase:
    """The case row, locked for the rest of the transaction: every change of a case's
    notices, payments and refunds goes through here, so they happen one after another.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks; a no-op UPDATE takes the
    database's write lock (waiting for busy_timeout) before anything is read."""
    table = FeeCase.__table__
    if is_postgresql(session):
        session.execute(sa.select(table.c.case_number).where(table.c.case_number == case_number).with_for_update())
    else:
        session.execute(sa.update(table).where(table.c.case_number == case_number).values(case_number=table.c.case_number))
    # Whatever was read before the lock may be stale: read it again from here on.
    session.expire_all()
    case = session.get(FeeCase, case_number)
    if case is None:
        raise NotFound(f"no case {case_number} with fees")
    return case


def book_to_till(session: Session, *, day: date, cashier_staff_id: str) -> None:
    """Count one entry on a cashier's till for the day, refusing a closed till. The upsert
    locks the till row, which the day close locks too: an entry is either in the close or
    refused, never lost between them."""
    table = CashierDay.__table__
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
    table = CashierDay.__table__
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


def audit(session: Session, *, actor: str, action: str, subject: str, reason: str = "", details: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    session.add(AuditEntry(at=at or utcnow(), actor=actor or "system", action=action, subject=subject[:60],
                           reason=reason[:500], details=details or {}))


def fingerprint(**fields: Any) -> str:
    """A stable digest of a request, to tell a retry from a different request with the same key."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def require_reason(reason: str) -> str:
    from shared.errors import FieldViolation, InvalidArgument

    reason = reason.strip()
    if not reason:
        raise InvalidArgument("a reason is required", [FieldViolation("reason", "is required")])
    if len(reason) > 500:
        raise InvalidArgument("the reason is too long", [FieldViolation("reason", "at most 500 characters")])
    return reason
