"""The applicant's query code, checked with a lockout per case number.

A query code is six digits: without a limit it is guessed in a million tries. Every service
that lets an applicant in with one (cases, fees, notification) checks it here, against its own
table of attempts (`QueryCodeAttemptMixin`, one row per case number):

- after THRESHOLD wrong codes the number is locked for BASE_LOCK, doubled with each further
  wrong code, at most MAX_LOCK; while it is locked even the right code is refused, and an
  attempt during a lock is not checked and not counted (so hammering a locked number does not
  lengthen the applicant's wait beyond the period its last failure set);
- the right code, outside a lock, clears the count;
- a number this service does not know is refused without counting: there is no code to
  guess, and counting would let anyone lock the next sequential numbers before they are
  issued (and lock out an applicant who asks notification or fees before the case's event
  has reached them). The answer is the same either way, and a refusal for a lock is the
  caller's to answer exactly like a wrong code (which answers like a missing case): nothing
  tells a guesser whether a number exists or is locked;
- the count is written in a transaction of its own, committed although the request fails and
  its transaction rolls back; every attempt takes the row's lock first (SELECT ... FOR UPDATE
  on PostgreSQL; SQLite serialises writers), so concurrent guesses are each counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.auth import query_code_matches
from shared.clock import now
from shared.db import table_of, upsert
from shared.timeutil import as_utc

THRESHOLD = 5
BASE_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=6)


class QueryCodeAttemptMixin:
    """Wrong query codes given for one case number this service knows, and its lock."""

    __tablename__ = "query_code_attempts"

    case_number: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


def lock_period(failures: int) -> timedelta:
    """How long the number is locked after its `failures`-th wrong code in a row."""
    if failures < THRESHOLD:
        return timedelta(0)
    doublings = min(failures - THRESHOLD, 30)  # 2**30 minutes is far past the cap already
    period: timedelta = BASE_LOCK * 2**doublings
    return min(period, MAX_LOCK)


def check(session: Session, model: type[Any], case_number: str, query_code: str, digest: str | None) -> bool:
    """Whether `query_code` opens `case_number` (`digest`: the case's query code digest, None
    when this service knows no such case). Records the attempt in its own transaction."""
    if not query_code or digest is None:
        return False  # no code, or no case here to open: no guess to count
    key = (case_number or "")[:40]
    with _own_transaction(session) as side:
        table = table_of(model)
        side.execute(upsert(side, table).values(case_number=key, failures=0).on_conflict_do_nothing())
        row = side.scalar(sa.select(model).where(model.case_number == key).with_for_update())
        assert row is not None  # inserted just above, or there already
        moment = now(session)
        if row.locked_until is not None and as_utc(row.locked_until) > moment:
            return False
        if query_code_matches(key, query_code, digest):
            row.failures, row.locked_until = 0, None
            return True
        row.failures += 1
        row.last_failure_at = moment
        period = lock_period(row.failures)
        row.locked_until = moment + period if period else None
        return False


class _own_transaction:  # noqa: N801 - used as a context manager, like transaction()
    """A session of its own on the same database, committed on leaving (rolled back on an
    error): the request's transaction may roll back, the count must not.

    Sessions bound to one connection (the tests that share a database inside an outer
    transaction) have no second connection: the count is then a savepoint of that connection
    and goes with the request's rollback; tests of the lockout use a database of their own."""

    def __init__(self, session: Session) -> None:
        bind = session.get_bind()
        if isinstance(bind, Connection):
            self.session = Session(bind=bind, info=dict(session.info), join_transaction_mode="create_savepoint")
        else:
            self.session = Session(bind=bind, info=dict(session.info))

    def __enter__(self) -> Session:
        self.session.begin()
        return self.session

    def __exit__(self, error_type: object, error: object, traceback: object) -> None:
        try:
            if error_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
