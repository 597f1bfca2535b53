"""Consultations (咨询) and first-inquiry ownership (首问负责制).

The first staff member asked owns the consultation until they hand it over, explicitly, to
another; only the current owner can hand it over, and every hand-over is a row. The owner
changes in one conditional UPDATE (WHERE owner = the one handing over), so of two concurrent
hand-overs by the same owner exactly one wins.

What the asker gave is stored as given; what this module returns is a view with ID card and
phone numbers (and e-mail addresses) in the asker and the topic masked.

The use cases at the end (take_consultation, hand_over_consultation, count_consultations) are
what the ConsultationService calls; each checks its caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from services.cases.models import Consultation, ConsultationHandover, Department, Window
from shared.auth import Caller
from shared.clock import now
from shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from shared.masking import mask_text
from shared.timeutil import as_utc

MAX_ASKER = 100
MAX_TOPIC = 2000
MAX_NOTE = 2000


@dataclass(frozen=True)
class ConsultationView:
    id: int
    department_code: str
    window_code: str
    asker: str  # masked
    topic: str  # masked
    answered_by: str
    owner_staff_id: str
    asked_at: datetime


@dataclass(frozen=True)
class HandoverView:
    from_staff_id: str
    to_staff_id: str
    note: str
    at: datetime


@dataclass(frozen=True)
class ConsultationHistory:
    consultation: ConsultationView
    handovers: list[HandoverView]


def _view(row: Consultation) -> ConsultationView:
    return ConsultationView(
        id=row.id,
        department_code=row.department_code,
        window_code=row.window_code,
        asker=mask_text(row.asker),
        topic=mask_text(row.topic),
        answered_by=row.answered_by,
        owner_staff_id=row.owner_staff_id,
        asked_at=as_utc(row.asked_at),
    )


def _text(value: str, name: str, limit: int, problems: list[FieldViolation], *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.append(FieldViolation(name, "is required"))
    elif len(value) > limit:
        problems.append(FieldViolation(name, f"at most {limit} characters"))
    return value


def record_consultation(
    session: Session, *, department_code: str, window_code: str, asker: str, topic: str, staff_id: str
) -> ConsultationView:
    """Record an inquiry; the staff member who answered it owns it from now on."""
    problems: list[FieldViolation] = []
    asker = _text(asker, "asker", MAX_ASKER, problems)
    topic = _text(topic, "topic", MAX_TOPIC, problems)
    staff_id = _text(staff_id, "staff_id", 40, problems)
    if session.get(Department, department_code or "") is None:
        problems.append(
            FieldViolation("department_code", f"no department '{(department_code or '')[:20]}' in the catalog")
        )
    window = session.get(Window, window_code or "")
    if window is None:
        problems.append(FieldViolation("window_code", f"no window '{(window_code or '')[:20]}' in the catalog"))
    elif window.department_code != department_code:
        problems.append(
            FieldViolation("window_code", f"window {window.code} is not a window of department {department_code}")
        )
    if problems:
        raise InvalidArgument("the consultation is invalid", problems)
    row = Consultation(
        department_code=department_code,
        window_code=window_code,
        asker=asker,
        topic=topic,
        answered_by=staff_id,
        owner_staff_id=staff_id,
        asked_at=now(session),
    )
    session.add(row)
    session.flush()
    return _view(row)


def _get(session: Session, consultation_id: int) -> Consultation:
    row = session.get(Consultation, consultation_id)
    if row is None:
        raise NotFound(f"no consultation {consultation_id}", [FieldViolation("consultation_id", "not found")])
    return row


def hand_over(
    session: Session, *, consultation_id: int, from_staff_id: str, to_staff_id: str, note: str = ""
) -> ConsultationView:
    """The owner hands the consultation on; the new owner answers for it from now on."""
    problems: list[FieldViolation] = []
    from_staff_id = _text(from_staff_id, "from_staff_id", 40, problems)
    to_staff_id = _text(to_staff_id, "to_staff_id", 40, problems)
    note = _text(note, "note", MAX_NOTE, problems, required=False)
    if from_staff_id and from_staff_id == to_staff_id:
        problems.append(FieldViolation("to_staff_id", "must be someone else than the owner"))
    if problems:
        raise InvalidArgument("the hand-over is invalid", problems)
    row = _get(session, consultation_id)
    moved = cast(
        CursorResult[Any],
        session.execute(  # an UPDATE answers with a cursor result
            sa.update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.owner_staff_id == from_staff_id)
            .values(owner_staff_id=to_staff_id)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    session.refresh(row)
    if moved != 1:
        raise PermissionDenied(
            f"only the current owner of consultation {consultation_id} may hand it over "
            f"(the owner is {row.owner_staff_id})"
        )
    session.add(
        ConsultationHandover(
            consultation_id=consultation_id,
            from_staff_id=from_staff_id,
            to_staff_id=to_staff_id,
            note=note,
            at=now(session),
        )
    )
    session.flush()
    return _view(row)


def get_consultation(session: Session, consultation_id: int) -> ConsultationView:
    return _view(_get(session, consultation_id))


def consultation_history(session: Session, consultation_id: int) -> ConsultationHistory:
    """The consultation and every hand-over, oldest first."""
    row = _get(session, consultation_id)
    handovers = session.scalars(
        sa.select(ConsultationHandover)
        .where(ConsultationHandover.consultation_id == consultation_id)
        .order_by(ConsultationHandover.at, ConsultationHandover.id)
    )
    return ConsultationHistory(
        consultation=_view(row),
        handovers=[HandoverView(h.from_staff_id, h.to_staff_id, mask_text(h.note), as_utc(h.at)) for h in handovers],
    )


def consultations_owned_by(session: Session, staff_id: str) -> list[ConsultationView]:
    """What a staff member answers for now (first asked or handed to them)."""
    rows = session.scalars(
        sa.select(Consultation)
        .where(Consultation.owner_staff_id == staff_id)
        .order_by(Consultation.asked_at, Consultation.id)
    )
    return [_view(row) for row in rows]


def count_by_window(session: Session, since: datetime, until: datetime) -> dict[str, int]:
    """Consultations received per window in [since, until) (counted where they were asked)."""
    if until <= since:
        raise InvalidArgument("the period is empty", [FieldViolation("until", "must be after since")])
    rows = session.execute(
        sa.select(Consultation.window_code, sa.func.count())
        .where(Consultation.asked_at >= as_utc(since), Consultation.asked_at < as_utc(until))
        .group_by(Consultation.window_code)
        .order_by(Consultation.window_code)
    )
    return dict(rows.tuples().all())


# ------------------------------------------------------------------------- use cases
def take_consultation(
    session: Session, caller: Caller, *, window_code: str, asker: str, topic: str
) -> ConsultationView:
    """Window staff or a chief representative record an inquiry they answered at a window of
    their department; they own it from now on."""
    caller.require_role("window_staff", "chief_representative")
    return record_consultation(
        session,
        department_code=caller.department_code,
        window_code=window_code,
        asker=asker,
        topic=topic,
        staff_id=caller.staff_id,
    )


def hand_over_consultation(
    session: Session, caller: Caller, *, consultation_id: int, to_staff_id: str, note: str = ""
) -> ConsultationView:
    """The caller hands over a consultation; hand_over refuses anyone but its current owner."""
    return hand_over(
        session, consultation_id=consultation_id, from_staff_id=caller.staff_id, to_staff_id=to_staff_id, note=note
    )


def count_consultations(session: Session, caller: Caller, *, since: datetime, until: datetime) -> dict[str, int]:
    caller.require_role("manager", "efficiency_office", "chief_representative")
    return count_by_window(session, since, until)
