"""The delivery job: sends due notices over their channel and records each outcome.

Every replica runs it (a PeriodicJob). A notice is sent by one replica only:

1. **Claim**, in a short transaction of its own, one due notice with a single
   `UPDATE notices SET claim_token=…, claimed_until=now+claim, delivery_attempts+1
   WHERE notice_id = (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING …`. On
   PostgreSQL the row lock makes concurrent claimers skip each other's rows instead of
   waiting; on SQLite (no FOR UPDATE) the statement takes the database's write lock, so
   claims are serialized. A claimed notice is not due for anyone else until its claim lapses.
2. **Send** it with no transaction open (an SMTP or HTTP call may take seconds).
3. **Record** the outcome with `UPDATE … WHERE notice_id=… AND claim_token=…`: sent (with
   sent_at), retrying (next_attempt_at after an exponential backoff) or, after the last
   attempt, failed. The error text is masked before it is stored or logged.

A replica that dies between claim and record leaves a claim that lapses after
`delivery_claim_seconds`; the notice is then due again and is sent again (at-least-once;
the Message-ID / Idempotency-Key stay the same, so a receiver can tell the duplicate).
Attempts are counted at claim time, so a notice that kills its sender still ends `failed`.

Retries live in the database (next_attempt_at), not in the thread: they survive restarts
and any replica may make the next attempt.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from services.notification.channels import DeliveryError, OutgoingNotice, Sender, senders_from_settings
from services.notification.metrics import NOTICES_DELIVERED
from services.notification.models import Notice
from services.notification.settings import NotificationSettings
from shared import clock
from shared.db import is_postgresql, run_in_transaction, table_of
from shared.masking import mask_recipient, mask_text
from shared.runtime import PeriodicJob, Runtime

log = logging.getLogger(__name__)

STORED, RETRYING, SENT, FAILED = "stored", "retrying", "sent", "failed"
PENDING = (STORED, RETRYING)
ERROR_LENGTH = 500  # the last_error column

_notices = table_of(Notice)


@dataclass(frozen=True)
class RetryPolicy:
    """After attempt n fails (n < max_attempts) the next is due backoff * 2**(n-1) later,
    never more than backoff_max; after attempt max_attempts the notice is failed."""

    max_attempts: int = 5
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.backoff_max_seconds))


@dataclass(frozen=True)
class Claimed:
    notice: OutgoingNotice
    channel: str
    attempts: int  # including this one
    token: str


class NoticeDispatcher:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        senders: Mapping[str, Sender],
        *,
        policy: RetryPolicy = RetryPolicy(),
        claim_seconds: float = 300.0,
        batch_size: int = 50,
    ) -> None:
        self.session_factory = session_factory
        self.senders = dict(senders)
        self.policy = policy
        self.claim = timedelta(seconds=claim_seconds)
        self.batch_size = batch_size

    @classmethod
    def from_runtime(cls, runtime: Runtime[NotificationSettings]) -> NoticeDispatcher:
        settings = runtime.settings
        return cls(
            runtime.session_factory,
            senders_from_settings(settings, runtime.clock),
            policy=RetryPolicy(
                settings.delivery_max_attempts, settings.delivery_backoff_seconds, settings.delivery_backoff_max_seconds
            ),
            claim_seconds=settings.delivery_claim_seconds,
            batch_size=settings.delivery_batch_size,
        )

    def run_once(self) -> Counter[str]:
        """Send up to batch_size due notices; the outcomes counted (sent/retrying/failed)."""
        outcomes: Counter[str] = Counter()
        if not self.senders:
            return outcomes  # no channel configured: notices stay stored
        outcomes[FAILED] += run_in_transaction(self.session_factory, self.give_up_abandoned)
        for _ in range(self.batch_size):
            claimed = run_in_transaction(self.session_factory, self.claim_one)
            if claimed is None:
                break
            outcomes[self.deliver(claimed)] += 1
        return +outcomes

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()

    # The steps, public so that a test can stop a replica between them.
    def _due(self, now: datetime) -> Any:
        return sa.and_(
            _notices.c.delivery_status.in_(PENDING),
            _notices.c.channel.in_(sorted(self.senders)),
            sa.or_(_notices.c.claimed_until.is_(None), _notices.c.claimed_until <= now),
        )

    def claim_one(self, session: Session) -> Claimed | None:
        now = clock.now(session)
        candidate = (
            sa.select(_notices.c.notice_id)
            .where(
                self._due(now),
                _notices.c.delivery_attempts < self.policy.max_attempts,
                sa.or_(_notices.c.next_attempt_at.is_(None), _notices.c.next_attempt_at <= now),
            )
            .order_by(_notices.c.created_at, _notices.c.notice_id)
            .limit(1)
        )
        if is_postgresql(session):
            candidate = candidate.with_for_update(skip_locked=True)
        token = str(uuid.uuid4())
        row = session.execute(
            sa.update(_notices)
            # "= (scalar subquery)", not "IN (subquery)": PostgreSQL runs an uncorrelated scalar
            # subquery once (an InitPlan), whereas an IN may be planned as a join that runs
            # the LIMIT 1 ... SKIP LOCKED subquery again per row and claims several notices.
            # The due conditions again, outside the subquery: PostgreSQL re-checks these (not
            # the subquery's answer) on a row another claimer changed meanwhile.
            .where(_notices.c.notice_id == candidate.scalar_subquery(), self._due(now))
            .values(
                claim_token=token,
                claimed_until=now + self.claim,
                delivery_attempts=_notices.c.delivery_attempts + 1,
            )
            .returning(
                _notices.c.notice_id,
                _notices.c.case_number,
                _notices.c.channel,
                _notices.c.recipient,
                _notices.c.subject,
                _notices.c.body,
                _notices.c.delivery_attempts,
            )
        ).one_or_none()
        if row is None:
            return None
        notice = OutgoingNotice(row.notice_id, row.case_number, row.recipient, row.subject, row.body)
        return Claimed(notice, row.channel, row.delivery_attempts, token)

    def give_up_abandoned(self, session: Session) -> int:
        """Notices whose last attempt was claimed but never recorded (the sender died) and
        that have no attempt left: failed, so that they do not stay pending for ever."""
        now = clock.now(session)
        result = session.execute(
            sa.update(_notices)
            .where(self._due(now), _notices.c.delivery_attempts >= self.policy.max_attempts)
            .values(
                delivery_status=FAILED,
                last_error="gave up: the last attempt did not report back (its sender stopped)",
                next_attempt_at=None,
                claim_token=None,
                claimed_until=None,
            )
            .returning(_notices.c.notice_id, _notices.c.channel)
        ).all()
        for row in result:
            NOTICES_DELIVERED.labels(row.channel, FAILED).inc()
            log.error("notice delivery abandoned", extra={"notice_id": row.notice_id, "channel": row.channel})
        return len(result)

    def deliver(self, claimed: Claimed) -> str:
        error: str | None = None
        try:
            self.senders[claimed.channel].send(claimed.notice)
        except DeliveryError as refusal:
            error = str(refusal)
        except Exception as bug:  # an adapter's bug must not leave the notice claimed
            log.exception("notice sender failed unexpectedly", extra={"notice_id": claimed.notice.notice_id})
            error = f"{type(bug).__name__}: {bug}"
        error = mask_text(error)[:ERROR_LENGTH] if error is not None else None
        outcome = run_in_transaction(self.session_factory, lambda session: self.record(session, claimed, error))
        NOTICES_DELIVERED.labels(claimed.channel, outcome).inc()
        return outcome

    def record(self, session: Session, claimed: Claimed, error: str | None) -> str:
        now = clock.now(session)
        values: dict[str, Any] = {"claim_token": None, "claimed_until": None}
        if error is None:
            outcome = SENT
            values.update(delivery_status=SENT, sent_at=now, last_error=None, next_attempt_at=None)
        elif claimed.attempts >= self.policy.max_attempts:
            outcome = FAILED
            values.update(delivery_status=FAILED, last_error=error, next_attempt_at=None)
        else:
            outcome = RETRYING
            values.update(
                delivery_status=RETRYING, last_error=error, next_attempt_at=now + self.policy.delay(claimed.attempts)
            )
        updated = session.execute(
            sa.update(_notices)
            .where(_notices.c.notice_id == claimed.notice.notice_id, _notices.c.claim_token == claimed.token)
            .values(**values)
            .returning(_notices.c.notice_id)
        ).all()
        fields = {
            "notice_id": claimed.notice.notice_id,
            "case_number": claimed.notice.case_number,
            "channel": claimed.channel,
            "recipient": mask_recipient(claimed.channel, claimed.notice.recipient),
            "attempt": claimed.attempts,
        }
        if len(updated) != 1:
            log.warning("notice claim lapsed before its outcome was recorded; it may be sent again", extra=fields)
        if outcome == SENT:
            log.info("notice sent", extra=fields)
        elif outcome == RETRYING:
            log.warning(
                "notice delivery failed; will retry",
                extra={**fields, "error": error, "next_attempt_at": values["next_attempt_at"].isoformat()},
            )
        else:
            log.error("notice delivery failed; giving up", extra={**fields, "error": error})
        return outcome


def deliver_due_notices(runtime: Runtime[NotificationSettings]) -> Counter[str]:
    """The job's body: one run with the senders the settings configure."""
    dispatcher = NoticeDispatcher.from_runtime(runtime)
    try:
        return dispatcher.run_once()
    finally:
        dispatcher.close()


# Off (interval 0) unless SMTP_HOST or SMS_GATEWAY_URL is set.
DELIVERY_JOB: PeriodicJob[NotificationSettings] = PeriodicJob(
    "notice-delivery", deliver_due_notices, NotificationSettings.delivery_interval
)
