"""The states of a case and the only moves between them.

    received ──accept──▶ accepted ──start review──▶ in_review ──approve──▶ approved ──conclude──▶ concluded
       │ ╲                  ▲                          │
       │  ╲request          │ materials supplied       └──deny──▶ denied
       │   ╲correction      │
       │    ▶ correction_requested
       └──reject──▶ rejected
    withdrawn: from any open state (received, correction_requested, accepted, in_review, approved)

Every move goes through `move`, which refuses what the table does not allow (naming the
current state), appends to the history and queues a CaseStatusChanged event, all in the
caller's transaction. What happens to a case without moving it (the start and the end of a
pause of its clock) is a history row too (`record`), with from_status == to_status.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.cases import events
from services.cases.models import Case, CaseTransition
from shared.clock import now
from shared.errors import FailedPrecondition

RECEIVED = "received"
ACCEPTED = "accepted"
REJECTED = "rejected"
CORRECTION_REQUESTED = "correction_requested"
IN_REVIEW = "in_review"
APPROVED = "approved"
DENIED = "denied"
CONCLUDED = "concluded"
WITHDRAWN = "withdrawn"

STATES = (RECEIVED, ACCEPTED, REJECTED, CORRECTION_REQUESTED, IN_REVIEW, APPROVED, DENIED, CONCLUDED, WITHDRAWN)

TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({ACCEPTED, REJECTED, CORRECTION_REQUESTED, WITHDRAWN}),
    CORRECTION_REQUESTED: frozenset({ACCEPTED, WITHDRAWN}),
    ACCEPTED: frozenset({IN_REVIEW, WITHDRAWN}),
    IN_REVIEW: frozenset({APPROVED, DENIED, WITHDRAWN}),
    APPROVED: frozenset({CONCLUDED, WITHDRAWN}),
    REJECTED: frozenset(),
    DENIED: frozenset(),
    CONCLUDED: frozenset(),
    WITHDRAWN: frozenset(),
}

# The case has ended (办结 in the wide sense): nothing more happens to it.
TERMINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)
OPEN = frozenset(STATES) - TERMINAL
# The deadline clock runs in these states.
CLOCK_RUNNING = frozenset({ACCEPTED, IN_REVIEW})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def move(session: Session, case: Case, to_status: str, *, actor: str, reason: str = "") -> CaseTransition:
    if not can_move(case.status, to_status):
        allowed = ", ".join(sorted(TRANSITIONS.get(case.status, ()))) or "none (the case has ended)"
        raise FailedPrecondition(
            f"case {case.case_number} is {case.status}; it cannot become {to_status} (allowed next: {allowed})"
        )
    transition = CaseTransition(
        case_id=case.id, from_status=case.status, to_status=to_status, actor=actor, reason=reason, at=now(session)
    )
    case.status = to_status
    session.add(transition)
    # What the metrics count once the transaction has committed (see metrics.outcomes).
    session.info.setdefault("transitions", []).append((case.id, to_status))
    session.flush()
    events.status_changed(session, case, transition)
    return transition


# History rows that are not moves (CaseTransition.event).
CLOCK_PAUSED = "clock_paused"
CLOCK_RESUMED = "clock_resumed"


def record(session: Session, case: Case, event: str, *, actor: str, reason: str) -> CaseTransition:
    """A row in the history for something that happened to the case in its state (the state
    stays: from_status == to_status); no CaseStatusChanged, the caller publishes its own event."""
    row = CaseTransition(
        case_id=case.id,
        from_status=case.status,
        to_status=case.status,
        actor=actor,
        reason=reason,
        at=now(session),
        event=event,
    )
    session.add(row)
    session.flush()
    return row
