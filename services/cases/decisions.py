"""What staff and applicants decide on a case, each a move in the lifecycle with its voucher,
and a department's decision on its task of a joint case (并联审批).

The functions that take a caller are use cases: each checks the caller may act (own
department; roles), raises shared.errors, and writes the history, the voucher and the events
in the caller's transaction. The moves themselves (_accept, _approve, _deny) check nobody;
deem_accepted is the scanner's (Art. 32), acting as `system`.

Acceptance follows the materials record: staff accept a case only when every required
material of its item version was supplied or waived (waive_material: the chief representative
of the case's department, with a reason, before acceptance); otherwise the refusal names each
missing material. After a one-time notice the way to acceptance is the supply (or waiver) of
what it listed, which accepts the case; accepting it directly is refused. Deemed acceptance
is the law's consequence of the hall's silence and does not wait for materials.

A joint case is approved when every department has approved its task; one denial denies the
case (the others' pending tasks are closed as moot). A decision locks the case row (SELECT
... FOR UPDATE on PostgreSQL) and bumps its version, so two departments approving at the same
moment cannot both miss that the other approved.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from services.cases import clock, events, joint, lifecycle, seals
from services.cases.access import case_for, is_agent, may_see, opens_for_applicant
from services.cases.lifecycle import move
from services.cases.models import Case, CaseTransition, ClockPause, CorrectionNotice, JointTask, MaterialWaiver, SealUse
from services.cases.numbering import issue_voucher
from services.cases.queries import case_not_found, case_version, find_case, material_waivers, materials_missing
from shared.auth import Caller
from shared.clock import now, today
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from shared.timeutil import shanghai_day

MAX_REASON = 2000


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidArgument("a reason is required", [FieldViolation("reason", "is required")])
    if len(reason) > MAX_REASON:
        raise InvalidArgument("the reason is too long", [FieldViolation("reason", f"at most {MAX_REASON} characters")])
    return reason


def accept(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    """Staff accept a case whose materials record is complete (see _require_materials)."""
    case = case_for(session, caller, "accept", case_number)
    _require_materials(session, case)
    return _accept(session, case, actor=caller.staff_id, reason=_reason(reason, required=False))


def _missing(name: str) -> FieldViolation:
    return FieldViolation("materials", f"'{name[:60]}' was neither supplied nor waived")


def _require_materials(session: Session, case: Case) -> None:
    """Refuse to accept a case with a required material neither supplied nor waived, naming
    each; and a case awaiting its one-time notice's materials (SupplyMaterials accepts it when
    they are complete). Other states are left to the state table's refusal."""
    if case.status == lifecycle.CORRECTION_REQUESTED:
        notice = session.scalar(sa.select(CorrectionNotice).where(CorrectionNotice.case_id == case.id))
        listed = set(notice.missing_materials) if notice else set()
        awaited = [m for m in materials_missing(session, case) if m in listed] or materials_missing(session, case)
        raise FailedPrecondition(
            f"case {case.case_number} awaits the materials its one-time notice listed: record them with "
            "SupplyMaterials (the case is accepted when they are complete), or have them waived",
            [_missing(m) for m in awaited],
        )
    if case.status != lifecycle.RECEIVED:
        return
    missing = materials_missing(session, case)
    if missing:
        raise FailedPrecondition(
            f"case {case.case_number} lacks required materials: {', '.join(missing)}; "
            "give the one-time notice, have the chief representative waive them, or reject the case",
            [_missing(m) for m in missing],
        )


def deem_accepted(session: Session, case: Case) -> Case:
    """Art. 32: no notice and no acceptance within 5 working days of receipt means the case
    was accepted on the day it was received; the clock runs from that day."""
    return _accept(
        session,
        case,
        actor="system",
        accepted_on=shanghai_day(case.submitted_at),
        reason="逾期未告知补正，自收到申请之日起即为受理（《行政许可法》第三十二条）",
    )


def _accept(session: Session, case: Case, *, actor: str, accepted_on: date | None = None, reason: str = "") -> Case:
    version = case_version(session, case)
    move(session, case, lifecycle.ACCEPTED, actor=actor, reason=reason)
    case.accepted_on = accepted_on or today(session)
    _end_correction(session, case)
    clock.recompute(session, case, version)
    # A provisional date says so, with the year it waits for (clock.told).
    due = clock.due_dates(session, case)
    limit = (
        "即办件，当场办结"
        if version.promised_days == 0
        else (
            f"承诺于 {due.promised_text} 前办结（法定期限 {due.statutory_text}）"
            if case.promised_due and case.statutory_due
            else "办结期限待定"
        )
    )
    waived = "".join(f"\n免交材料：{w.material}（{w.reason}）" for w in material_waivers(session, case))
    issue_voucher(
        session, case, "acceptance", actor=actor, body=f"您申请的“{version.name}”，本机关决定受理。{limit}。{waived}"
    )
    events.case_accepted(session, case, list(version.fee_item_codes or []))
    if joint.has_tasks(session, case):
        joint.schedule(session, case)
    return case


def reject(session: Session, case_number: str, caller: Caller, *, reason: str) -> Case:
    reason = _reason(reason, required=True)
    case = case_for(session, caller, "reject", case_number)
    move(session, case, lifecycle.REJECTED, actor=caller.staff_id, reason=reason)
    case.concluded_at = now(session)
    issue_voucher(session, case, "rejection", actor=caller.staff_id, body=f"本机关决定不予受理，理由：{reason}")
    return case


def request_correction(
    session: Session, case_number: str, caller: Caller, *, materials: list[str], note: str = ""
) -> CorrectionNotice:
    """The one-time notice: it must name every required material that was not supplied, and
    only one is given per submission."""
    case = case_for(session, caller, "request_correction", case_number)
    version = case_version(session, case)
    if session.scalar(sa.select(CorrectionNotice).where(CorrectionNotice.case_id == case.id)) is not None:
        raise FailedPrecondition(f"case {case.case_number} already had its one-time notice; a second is not allowed")
    required = {m["name"] for m in version.materials or []}
    waived = {w.material for w in material_waivers(session, case)}
    missing = required - set(case.materials_supplied or []) - waived
    named = set(materials) or missing
    problems = [
        FieldViolation("materials", f"'{m[:60]}' is not a material of this item") for m in sorted(named - required)
    ]
    problems += [FieldViolation("materials", f"'{m[:60]}' was waived") for m in sorted(named & waived)]
    problems += [
        FieldViolation("materials", f"'{m[:60]}' was not supplied and must be named") for m in sorted(missing - named)
    ]
    if problems:
        raise InvalidArgument("a one-time notice names every missing material, all at once", problems)
    if not named:
        raise FailedPrecondition(f"case {case.case_number} has every required material; accept or reject it")
    move(session, case, lifecycle.CORRECTION_REQUESTED, actor=caller.staff_id, reason=_reason(note, required=False))
    notice = CorrectionNotice(
        case_id=case.id, missing_materials=sorted(named), issued_by=caller.staff_id, issued_at=now(session)
    )
    session.add(notice)
    issue_voucher(
        session,
        case,
        "correction",
        actor=caller.staff_id,
        body="请一次性补正以下材料：\n" + "\n".join(f"{i}. {m}" for i, m in enumerate(sorted(named), 1)),
    )
    return notice


def supply_materials(session: Session, case_number: str, caller: Caller, *, materials: list[str]) -> Case:
    """Record supplied materials; when the notice's list is complete the case is accepted."""
    case = case_for(session, caller, "supply_materials", case_number)
    notice = session.scalar(sa.select(CorrectionNotice).where(CorrectionNotice.case_id == case.id))
    if case.status != lifecycle.CORRECTION_REQUESTED or notice is None:
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; no correction is awaited")
    unknown = set(materials) - set(notice.missing_materials)
    if unknown:
        raise InvalidArgument(
            "only the materials of the notice are awaited",
            [FieldViolation("materials", f"'{m[:60]}' was not asked for") for m in sorted(unknown)],
        )
    case.materials_supplied = sorted(set(case.materials_supplied or []) | set(materials))
    _accept_if_corrected(session, case, notice, actor=caller.staff_id)
    return case


def _accept_if_corrected(session: Session, case: Case, notice: CorrectionNotice, *, actor: str) -> None:
    """The notice's list is complete (each supplied or waived) and nothing required is
    missing: the correction is done and the case accepted."""
    present = set(case.materials_supplied or []) | {w.material for w in material_waivers(session, case)}
    if set(notice.missing_materials) <= present and not materials_missing(session, case):
        notice.supplied_at = now(session)
        _accept(session, case, actor=actor, reason="补正材料齐全")


def waive_material(session: Session, case_number: str, caller: Caller, *, material: str, reason: str) -> MaterialWaiver:
    """The chief representative (首席代表) of the case's department waives one required
    material before acceptance, with a reason: recorded (who, when, why), once per material.
    A waiver that completes a one-time notice's list accepts the case, as a supply would."""
    case = case_for(session, caller, "waive_material", case_number)
    if case.status not in (lifecycle.RECEIVED, lifecycle.CORRECTION_REQUESTED):
        raise FailedPrecondition(
            f"case {case.case_number} is {case.status}; materials are waived only before acceptance"
        )
    reason = _reason(reason, required=True)
    required = {m["name"] for m in case_version(session, case).materials or []}
    if material not in required:
        raise InvalidArgument(
            "only a required material of the case's item is waived",
            [FieldViolation("material", f"'{material[:60]}' is not a material of this item")],
        )
    if material in (case.materials_supplied or []):
        raise FailedPrecondition(f"'{material}' was supplied for case {case.case_number}; there is nothing to waive")
    earlier = next((w for w in material_waivers(session, case) if w.material == material), None)
    if earlier is not None:
        raise FailedPrecondition(f"'{material}' was already waived for case {case.case_number} by {earlier.waived_by}")
    waiver = MaterialWaiver(
        case_id=case.id, material=material, waived_by=caller.staff_id, reason=reason, waived_at=now(session)
    )
    session.add(waiver)
    session.flush()
    if case.status == lifecycle.CORRECTION_REQUESTED:
        notice = session.scalar(sa.select(CorrectionNotice).where(CorrectionNotice.case_id == case.id))
        if notice is not None:
            _accept_if_corrected(session, case, notice, actor=caller.staff_id)
    return waiver


def _end_correction(session: Session, case: Case) -> None:
    for pause in session.scalars(
        sa.select(ClockPause).where(ClockPause.case_id == case.id, ClockPause.ended_on.is_(None))
    ):
        pause.ended_on = today(session)


def start_review(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    case = case_for(session, caller, "start_review", case_number)
    move(session, case, lifecycle.IN_REVIEW, actor=caller.staff_id, reason=_reason(reason, required=False))
    return case


def approve(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    case = case_for(session, caller, "approve", case_number)
    if case.case_kind == "joint" and joint.has_tasks(session, case):
        raise FailedPrecondition(
            f"case {case.case_number} is a joint case: it is approved when every department approves"
        )
    return _approve(session, case, actor=caller.staff_id, reason=_reason(reason, required=False))


def _approve(session: Session, case: Case, *, actor: str, reason: str = "") -> Case:
    move(session, case, lifecycle.APPROVED, actor=actor, reason=reason)
    version = case_version(session, case)
    issue_voucher(
        session, case, "approval", actor=actor, body=f"经审查，准予“{version.name}”。{reason}".rstrip("。") + "。"
    )
    return case


def deny(session: Session, case_number: str, caller: Caller, *, reason: str) -> Case:
    case = case_for(session, caller, "deny", case_number)
    return _deny(session, case, actor=caller.staff_id, reason=_reason(reason, required=True))


def _deny(session: Session, case: Case, *, actor: str, reason: str) -> Case:
    move(session, case, lifecycle.DENIED, actor=actor, reason=reason)
    issue_voucher(session, case, "denial", actor=actor, body=f"经审查，不予许可，理由：{reason}")
    case.concluded_at = now(session)
    return case


def conclude(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    """Deliver the result. A sealed item concludes at its sealing time and not before it is
    sealed; an item with fees not before the fees service reported them settled."""
    reason = _reason(reason, required=False)
    case = case_for(session, caller, "conclude", case_number)
    version = case_version(session, case)
    if case.status == lifecycle.APPROVED:
        if version.needs_seal and case.sealed_at is None:
            # The seal goes on the approved result: a use before the approval does not count.
            approved_at = session.scalar(
                sa.select(sa.func.max(CaseTransition.at)).where(
                    CaseTransition.case_id == case.id,
                    CaseTransition.to_status == lifecycle.APPROVED,
                    CaseTransition.from_status != lifecycle.APPROVED,  # the move, not a row in the state
                )
            )
            used_at = session.scalar(
                sa.select(sa.func.max(SealUse.used_at)).where(
                    SealUse.case_number == case.case_number, SealUse.used_at >= approved_at
                )
            )
            if used_at is None:
                raise FailedPrecondition(f"case {case.case_number} needs the window approval seal before it concludes")
            case.sealed_at = used_at
        if version.fee_item_codes and case.fees_settled_at is None:
            raise FailedPrecondition(f"case {case.case_number} has fees that are not settled yet")
    move(session, case, lifecycle.CONCLUDED, actor=caller.staff_id, reason=reason)
    case.concluded_at = case.sealed_at if version.needs_seal and case.sealed_at else now(session)
    return case


def conclude_on_the_spot(
    session: Session, case_number: str, caller: Caller, *, seal_code: str = "", reason: str = ""
) -> Case:
    """An instant case (即办件): accepted, reviewed, approved, sealed when its item needs the
    window seal, and concluded at the window, each step in the history (the reason on the
    conclusion's row); the fee rule still applies. Any refusal leaves nothing written (one
    transaction). A use of the named seal already logged for the case (SealService.UseSeal:
    the stamping was recorded first) is the seal on the result: nothing new is logged."""
    reason = _reason(reason, required=False)
    case = case_for(session, caller, "conclude_on_the_spot", case_number)
    if case.case_kind != "instant":
        raise FailedPrecondition(f"case {case.case_number} is {case.case_kind}, not an instant case")
    version = case_version(session, case)
    if version.needs_seal and not seal_code:
        raise InvalidArgument(
            "this item needs the window approval seal",
            [FieldViolation("seal_code", "name the seal used on the result")],
        )
    # An instant item with fees is accepted first (the notice is assessed on acceptance and
    # paid at the cashier), then concluded on the spot from `accepted`.
    if case.status == lifecycle.RECEIVED:
        _require_materials(session, case)
        _accept(session, case, actor=caller.staff_id)
    move(session, case, lifecycle.IN_REVIEW, actor=caller.staff_id)
    _approve(session, case, actor=caller.staff_id)
    earlier = _seal_use_since_receipt(session, case, seal_code) if version.needs_seal else None
    if earlier is not None:
        case.sealed_at = earlier.used_at  # one stamping, logged (and published) once
    elif version.needs_seal:
        use = seals.use_seal(
            session,
            seal_code=seal_code,
            case_number=case.case_number,
            staff_id=caller.staff_id,
            caller_department=caller.department_code,
            note="当场办结",
        )
        events.seal_used(
            session,
            case,
            seal_code=use.seal_code,
            window_code=case.window_code,
            department_code=case.department_code,
            staff_id=caller.staff_id,
        )
    session.flush()
    return conclude(session, case_number, caller, reason=reason)


def _seal_use_since_receipt(session: Session, case: Case, seal_code: str) -> SealUse | None:
    """The newest use of a seal logged for the case since it was received, if any."""
    return session.scalar(
        sa.select(SealUse)
        .where(
            SealUse.case_number == case.case_number,
            SealUse.seal_code == seal_code,
            SealUse.used_at >= case.submitted_at,
        )
        .order_by(SealUse.used_at.desc(), SealUse.id.desc())
        .limit(1)
    )


def withdraw(session: Session, case_number: str, caller: Caller, *, reason: str = "") -> Case:
    """The applicant (with the query code), their agent, or the case's department on the
    applicant's behalf. Who may not see the case is told it does not exist."""
    reason = _reason(reason, required=False)
    if not caller.is_staff:
        case = session.scalar(sa.select(Case).where(Case.case_number == case_number).with_for_update(of=Case))
        if not opens_for_applicant(session, caller, case_number, case) or case is None:
            raise case_not_found(case_number)
        actor = "applicant"
    else:
        case = find_case(session, case_number, for_update=True)
        if is_agent(caller, case):
            actor = f"agent:{caller.staff_id}"
        elif not may_see(session, caller, case):
            raise case_not_found(case_number)
        else:
            case_for(session, caller, "withdraw", case_number)  # the role (the case is locked already)
            actor = caller.staff_id
    move(session, case, lifecycle.WITHDRAWN, actor=actor, reason=reason)
    case.concluded_at = now(session)
    return case


def decide_joint_task(
    session: Session, case_number: str, caller: Caller, *, department_code: str, approve: bool, reason: str = ""
) -> JointTask:
    """A department decides its task of a joint case: its window staff or chief representative."""
    case = case_for(session, caller, "decide_joint_task", case_number, department=department_code)
    task = session.scalar(
        sa.select(JointTask).where(JointTask.case_id == case.id, JointTask.department_code == department_code)
    )
    if task is None:
        raise NotFound(
            f"case {case.case_number} has no task for department {department_code}",
            [FieldViolation("department_code", "not involved in this case")],
        )
    if case.status not in (lifecycle.ACCEPTED, lifecycle.IN_REVIEW):
        raise FailedPrecondition(f"case {case.case_number} is {case.status}; its tasks cannot be decided")
    if task.status != joint.PENDING:
        raise FailedPrecondition(f"department {department_code} already decided: {task.status}")
    if not approve and not reason.strip():
        raise InvalidArgument("a denial needs a reason", [FieldViolation("reason", "is required")])
    task.status = joint.APPROVED if approve else joint.DENIED
    task.decided_by, task.decided_at, task.reason = caller.staff_id, now(session), reason.strip()
    session.flush()
    if case.status == lifecycle.ACCEPTED:
        move(session, case, lifecycle.IN_REVIEW, actor=caller.staff_id, reason="并联审批开始")
    everything = joint.tasks(session, case)
    if not approve:
        for other in everything:
            if other.status == joint.PENDING:
                other.status, other.reason = joint.MOOT, f"another department ({department_code}) denied"
        _deny(session, case, actor=caller.staff_id, reason=f"{department_code}: {task.reason}")
    elif all(t.status == joint.APPROVED for t in everything):
        _approve(session, case, actor=caller.staff_id, reason="各部门均已同意")
    else:
        # The case row is written even though its state stays, so that a concurrent decision
        # on another task conflicts with this one and retries (instead of both missing it).
        _bump(session, case)
    return task


def _bump(session: Session, case: Case) -> None:
    """Write the case row (its version) even when its status stays: the conflict detector."""
    result = cast(
        CursorResult[Any],
        session.execute(  # an UPDATE answers with a cursor result
            sa.update(Case)
            .where(Case.id == case.id, Case.row_version == case.row_version)
            .values(row_version=case.row_version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise StaleDataError(f"case {case.case_number} changed concurrently")
    session.expire(case, ["row_version"])
