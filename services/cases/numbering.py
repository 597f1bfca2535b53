"""The hall's numbers: case numbers and voucher numbers, each from a gapless counter."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.cases.models import CaseNumberSequence
from shared.db import table_of, upsert


def next_number(session: Session, prefix: str, day: date, *, digits: int) -> str:
    """PREFIX-YYYYMMDD-NNNNN from a counter per prefix and day, bumped by one upsert in the
    caller's transaction, so concurrent callers never share a number and none is skipped."""
    table = table_of(CaseNumberSequence)
    statement = (
        upsert(session, table)
        .values(prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(index_elements=["prefix", "day"], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )
    value = session.execute(statement).scalar_one()
    return f"{prefix}-{day:%Y%m%d}-{value:0{digits}d}"
