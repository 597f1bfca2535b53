"""Full-process agency (全程代理制): an agent on the center's staff carries an enterprise's
cases through every step.

Every assignment is a row; a hand-over ends the current row (ended_at) and starts a new
one, so the history of who carried the enterprise, from when to when and on whose order, can
always be read back. At most one assignment of an enterprise is open at a time.

On a hand-over the enterprise's open cases that named the previous agent
(Case.agent_staff_id) move to the new agent, with the case's row version bumped so that a
concurrent decision on such a case fails instead of silently undoing the move.

The use cases at the end (appoint_agent, list_agent_caseload, get_assignment_history) are
what the AgencyService calls; each checks its caller.
"""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases.models import AgencyAssignment, Case
from shared.auth import Caller
from shared.clock import now
from shared.db import is_postgresql
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument

CLOSED_STATUSES = frozenset({"concluded", "withdrawn", "rejected", "denied"})
MAX_NOTE = 2000

# 统一社会信用代码 (GB 32100-2015): 18 characters from this alphabet, the last a check character.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def enterprise_code_problem(code: str) -> str | None:
    """Why a unified social credit code is invalid, or None."""
    if not _USCC_FORMAT.match(code):
        return "must be an 18-character unified social credit code (digits and capital letters, no I, O, S, V, Z)"
    total = sum(_USCC_ALPHABET.index(char) * weight for char, weight in zip(code[:17], _USCC_WEIGHTS, strict=True))
    if code[17] != _USCC_ALPHABET[(31 - total % 31) % 31]:
        return "check character does not match"
    return None


def _staff(value: str, name: str, problems: list[FieldViolation]) -> str:
    value = (value or "").strip()
    if not value:
        problems.append(FieldViolation(name, "is required"))
    elif len(value) > 40:
        problems.append(FieldViolation(name, "at most 40 characters"))
    return value


def _lock_enterprise(session: Session, enterprise_code: str) -> None:
    """Serialize hand-overs of one enterprise (PostgreSQL: a transaction-scoped advisory lock;
    SQLite allows one writer at a time anyway), so two concurrent assignments cannot both
    stay open."""
    if is_postgresql(session):
        key = int.from_bytes(hashlib.sha256(f"agency:{enterprise_code}".encode()).digest()[:8], "big", signed=True)
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def current_agent(session: Session, enterprise_code: str) -> AgencyAssignment | None:
    return session.scalar(
        sa.select(AgencyAssignment)
        .where(AgencyAssignment.enterprise_code == enterprise_code, AgencyAssignment.ended_at.is_(None))
        .order_by(AgencyAssignment.assigned_at.desc(), AgencyAssignment.id.desc())
        .limit(1)
    )


def assign_agent(
    session: Session, *, enterprise_code: str, agent_staff_id: str, assigned_by: str, note: str = ""
) -> AgencyAssignment:
    """Give an enterprise to an agent: the current assignment (if any) ends now and a new one
    starts. Assigning the agent who already carries it is refused."""
    problems: list[FieldViolation] = []
    enterprise_code = (enterprise_code or "").strip().upper()
    problem = enterprise_code_problem(enterprise_code)
    if problem:
        problems.append(FieldViolation("enterprise_code", problem))
    agent = _staff(agent_staff_id, "agent_staff_id", problems)
    by = _staff(assigned_by, "assigned_by", problems)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        problems.append(FieldViolation("note", f"at most {MAX_NOTE} characters"))
    if problems:
        raise InvalidArgument("the agency assignment is invalid", problems)

    _lock_enterprise(session, enterprise_code)
    moment = now(session)
    open_rows = list(
        session.scalars(
            sa.select(AgencyAssignment)
            .where(AgencyAssignment.enterprise_code == enterprise_code, AgencyAssignment.ended_at.is_(None))
            .with_for_update()
        )
    )
    if any(row.agent_staff_id == agent for row in open_rows):
        raise FailedPrecondition(f"agent {agent} already carries enterprise {enterprise_code}")
    previous = {row.agent_staff_id for row in open_rows}
    for row in open_rows:
        row.ended_at = moment
    assignment = AgencyAssignment(
        enterprise_code=enterprise_code, agent_staff_id=agent, assigned_by=by, assigned_at=moment, note=note
    )
    session.add(assignment)
    if previous:
        session.execute(
            sa.update(Case)
            .where(
                Case.enterprise_code == enterprise_code,
                Case.agent_staff_id.in_(previous),
                Case.status.not_in(CLOSED_STATUSES),
            )
            .values(agent_staff_id=agent, row_version=Case.row_version + 1)
            .execution_options(synchronize_session="fetch")
        )
    session.flush()
    return assignment


def assignment_history(session: Session, enterprise_code: str) -> list[AgencyAssignment]:
    """Every assignment of an enterprise, oldest first."""
    return list(
        session.scalars(
            sa.select(AgencyAssignment)
            .where(AgencyAssignment.enterprise_code == (enterprise_code or "").strip().upper())
            .order_by(AgencyAssignment.assigned_at, AgencyAssignment.id)
        )
    )


def enterprises_of(session: Session, agent_staff_id: str) -> list[str]:
    """The enterprises an agent carries now."""
    return list(
        session.scalars(
            sa.select(AgencyAssignment.enterprise_code)
            .where(AgencyAssignment.agent_staff_id == agent_staff_id, AgencyAssignment.ended_at.is_(None))
            .order_by(AgencyAssignment.enterprise_code)
        )
    )


def agent_caseload(session: Session, agent_staff_id: str) -> list[Case]:
    """The open cases an agent carries: those of the enterprises assigned to them now, and
    those that name them as agent. Oldest first."""
    if not agent_staff_id:
        return []
    carried = sa.select(AgencyAssignment.enterprise_code).where(
        AgencyAssignment.agent_staff_id == agent_staff_id, AgencyAssignment.ended_at.is_(None)
    )
    return list(
        session.scalars(
            sa.select(Case)
            .where(
                Case.status.not_in(CLOSED_STATUSES),
                sa.or_(
                    Case.agent_staff_id == agent_staff_id,
                    sa.and_(Case.enterprise_code != "", Case.enterprise_code.in_(carried)),
                ),
            )
            .order_by(Case.submitted_at, Case.id)
        )
    )


# ------------------------------------------------------------------------- use cases
def appoint_agent(
    session: Session, caller: Caller, *, enterprise_code: str, agent_staff_id: str, note: str = ""
) -> AgencyAssignment:
    """A manager or a chief representative gives an enterprise to an agent (assign_agent)."""
    caller.require_role("manager", "chief_representative")
    return assign_agent(
        session, enterprise_code=enterprise_code, agent_staff_id=agent_staff_id, assigned_by=caller.staff_id, note=note
    )


def list_agent_caseload(session: Session, caller: Caller, *, agent_staff_id: str) -> list[Case]:
    """An agent reads their own caseload; a manager or a chief representative anyone's."""
    if caller.staff_id != agent_staff_id:
        caller.require_role("manager", "chief_representative")
    return agent_caseload(session, agent_staff_id)


def get_assignment_history(session: Session, caller: Caller, *, enterprise_code: str) -> list[AgencyAssignment]:
    caller.require_role("manager", "chief_representative", "window_staff")
    return assignment_history(session, enterprise_code)
