"""The notification service's tables (its own database)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import OutboxMessageMixin, ProcessedEventMixin
from shared.query_codes import QueryCodeAttemptMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMessageMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class QueryCodeAttempt(QueryCodeAttemptMixin, Base):
    """Wrong query codes per case number and its lockout (shared.query_codes)."""


class Notice(Base):
    __tablename__ = "notices"

    notice_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(sa.String(40), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10))  # sms | email
    # The real address, needed to deliver; it leaves the service only masked.
    recipient: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # One notice per event, enforced by the database as well as by the consumer.
    source_event_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    # Who may read it: staff of this department, or the applicant with the case's query code.
    department_code: Mapped[str] = mapped_column(sa.String(20), default="")
    query_code_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    # receipt | extension | pause | resumption | deadline_change ("" before revision 0004).
    kind: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    # What the notice told of the case's due date, so that a later fact can correct it:
    # {"statutory_due": "YYYY-MM-DD" | None, "provisional": bool, "provisional_years": [int],
    #  "due_pending": bool}
    # (due_pending: the clock was paused, the notice said the date would follow). Empty: nothing.
    facts: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The earlier notice this one corrects and replaces (a correction notice names it).
    supersedes_notice_id: Mapped[str | None] = mapped_column(sa.ForeignKey("notices.notice_id"), index=True)

    # Delivery (services/notification/delivery.py). "stored": not sent yet (or its channel is
    # not configured); "retrying": an attempt failed, the next is due at next_attempt_at;
    # "sent"; "failed": given up after the last attempt.
    delivery_status: Mapped[str] = mapped_column(sa.String(10), default="stored", index=True)
    delivery_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Why the last attempt failed, masked (it may quote the address).
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The replica sending it right now: a random token and when that claim lapses.
    claim_token: Mapped[str | None] = mapped_column(sa.String(36))
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
