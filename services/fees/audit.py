"""The audit trail of the fees service: who did what to which notice, receipt, till or
standard, when, and why. An approver's decision needs its reason, checked here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from services.fees.models import AuditEntry
from shared import clock
from shared.errors import FieldViolation, InvalidArgument

MAX_REASON = 500
MAX_SUBJECT = 60


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """One audit entry in the caller's transaction (an empty actor is the system itself)."""
    session.add(
        AuditEntry(
            at=at or clock.now(session),
            actor=actor or "system",
            action=action,
            subject=subject[:MAX_SUBJECT],
            reason=reason[:MAX_REASON],
            details=details or {},
        )
    )


def require_reason(reason: str) -> str:
    """The reason of a decision, trimmed; refused when empty or too long."""
    reason = reason.strip()
    if not reason:
        raise InvalidArgument("a reason is required", [FieldViolation("reason", "is required")])
    if len(reason) > MAX_REASON:
        raise InvalidArgument("the reason is too long", [FieldViolation("reason", f"at most {MAX_REASON} characters")])
    return reason
