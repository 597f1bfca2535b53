"""Settlement: a case's fees are settled once every fee item is on a paid or waived notice
(or was assessed to nothing due). The payment, waiver or reduction that settles it writes
FeesSettled in its own transaction, once per case; a later refund does not unsettle it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from services.fees import audit, events
from services.fees.models import UNPAID, VOIDED, FeeCase


def settle_if_done(session: Session, case: FeeCase, *, now: datetime) -> bool:
    """Settle the case (once) when nothing is left to pay, and publish FeesSettled in the
    same transaction. Call it with the case locked (ledger.lock_case)."""
    if case.settled_at is not None or case.assessment_error:
        return False
    live = [n for n in case.notices if n.status != VOIDED]
    covered = {line.fee_item_code for n in live for line in n.lines}
    pending = set(case.fee_item_codes) - covered - set(case.zero_fee_items or [])
    if pending or any(n.status == UNPAID for n in live):
        return False
    case.settled_at = now
    session.flush()
    events.fees_settled(session, case, live)
    audit.record(session, actor="system", action="settle", subject=case.case_number)
    return True
