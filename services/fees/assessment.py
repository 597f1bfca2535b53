"""Assessment: from an accepted case and its declared values to payment notices.

Only the fee items the case's service item lists (carried by CaseAccepted) can be charged,
only at the amounts their standards compute: nobody types an amount, so an unlisted or
piggyback fee (乱收费 / 搭车收费) has no way in. The lines keep the amounts computed with the
versions in force on the assessment day; later versions never change them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from services.fees import audit, events, ledger, queries, rules, settlement
from services.fees.models import UNPAID, VOIDED, FeeCase, FeeStandard, NoticeLine, PaymentNotice
from shared import clock
from shared.db import table_of, upsert
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from shared.timeutil import shanghai_day

DUE_DAYS = 15  # calendar days from the day of issue (缴款期限)
MAX_VALUE_NAMES = 20


@dataclass(frozen=True)
class AcceptedCase:
    """What CaseAccepted tells the fees service."""

    case_number: str
    service_item_code: str
    department_code: str
    window_code: str
    fee_item_codes: tuple[str, ...]
    declared_values: Mapping[str, int]
    accepted_at: datetime
    applicant_name: str = ""
    query_code_sha256: str = ""


@dataclass
class Group:
    """The lines of one future notice: one collecting department and fee type."""

    department_code: str
    fee_type: str
    lines: list[tuple[FeeStandard, rules.Amount]] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(amount.amount_fen for _, amount in self.lines)


def accept_case(session: Session, case: AcceptedCase) -> list[PaymentNotice]:
    """Record an accepted case with fees and assess it with the standards in force on the
    day of acceptance. Idempotent per case: a second acceptance event changes nothing.
    When the assessment cannot be made (a declared value missing, no standard in force)
    the case is kept with the reason, for window staff to complete with AssessFees."""
    if not case.fee_item_codes:
        return []
    now = clock.now(session)
    cases = table_of(FeeCase)
    inserted = session.execute(
        upsert(session, cases)
        .values(
            case_number=case.case_number,
            service_item_code=case.service_item_code,
            department_code=case.department_code,
            window_code=case.window_code,
            fee_item_codes=list(dict.fromkeys(case.fee_item_codes)),
            declared_values={k: int(v) for k, v in case.declared_values.items()},
            zero_fee_items=[],
            query_code_sha256=case.query_code_sha256,
            applicant_name=case.applicant_name[:100],
            accepted_at=case.accepted_at,
            assessment_error="",
            settled_at=None,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["case_number"])
        .returning(cases.c.case_number)
    ).first()
    if inserted is None:
        return []  # already known: the first acceptance was assessed (or is waiting for staff)
    row = ledger.lock_case(session, case.case_number)
    try:
        groups = compute_groups(
            session, row, list(row.fee_item_codes), row.declared_values, on=shanghai_day(case.accepted_at)
        )
    except InvalidArgument as error:
        row.assessment_error = "; ".join(f"{v.field}: {v.description}" for v in error.violations)[:2000]
        audit.record(
            session,
            actor="system",
            action="assessment_failed",
            subject=row.case_number,
            reason=row.assessment_error[:500],
        )
        return []
    notices = issue(session, row, groups, on=shanghai_day(case.accepted_at), actor="system", now=now)
    settlement.settle_if_done(session, row, now=now)
    return notices


def assess(
    session: Session, *, case_number: str, declared_values: Mapping[str, int], fee_item_codes: list[str], actor: str
) -> tuple[FeeCase, list[PaymentNotice]]:
    """Assess the fee items of a case that are on no live notice (after a failed automatic
    assessment, or after an approver voided a notice), with the standards in force today.
    Declared values given here replace the case's. Invalid input writes nothing."""
    case = ledger.lock_case(session, case_number)
    if case.settled_at is not None:
        raise FailedPrecondition(f"the fees of case {case_number} are settled")
    covered = {line.fee_item_code for notice in case.notices if notice.status != VOIDED for line in notice.lines}
    problems = [
        FieldViolation(f"fee_item_codes[{i}]", f"{code} is not a fee of service item {case.service_item_code}")
        for i, code in enumerate(fee_item_codes)
        if code not in case.fee_item_codes
    ]
    problems += [
        FieldViolation(f"fee_item_codes[{i}]", f"{code} is already on a payment notice")
        for i, code in enumerate(fee_item_codes)
        if code in covered
    ]
    problems += _value_problems(declared_values)
    if problems:
        raise InvalidArgument("the assessment request is invalid", problems)
    wanted = fee_item_codes or [code for code in case.fee_item_codes if code not in covered]
    if not wanted:
        raise FailedPrecondition(f"every fee item of case {case_number} is already on a payment notice")
    values = {k: int(v) for k, v in declared_values.items()} if declared_values else dict(case.declared_values)
    on = clock.today(session)
    groups = compute_groups(session, case, wanted, values, on=on)
    now = clock.now(session)
    case.declared_values = values
    case.assessment_error = ""
    notices = issue(session, case, groups, on=on, actor=actor, now=now)
    audit.record(
        session,
        actor=actor,
        action="assess",
        subject=case_number,
        details={"notices": [n.notice_number for n in notices], "fee_items": wanted},
    )
    settlement.settle_if_done(session, case, now=now)
    return case, notices


def _value_problems(values: Mapping[str, int]) -> list[FieldViolation]:
    problems: list[FieldViolation] = []
    if len(values) > MAX_VALUE_NAMES:
        problems.append(FieldViolation("declared_values", f"at most {MAX_VALUE_NAMES} values"))
    for name, value in values.items():
        if not rules.VALUE_NAME.match(name):
            problems.append(FieldViolation(f"declared_values.{name[:60]}", "names are lower_snake_case"))
        elif not -rules.MAX_DECLARED <= value <= rules.MAX_DECLARED:
            problems.append(FieldViolation(f"declared_values.{name}", "out of range"))
    return problems


def compute_groups(
    session: Session, case: FeeCase, codes: list[str], values: Mapping[str, int], *, on: date
) -> list[Group]:
    """The lines per (department, fee type) with the versions in force on `on`; raises
    InvalidArgument naming every fee item without a standard and every unusable value."""
    standards = {s.code: s for s in queries.standards_in_force(session, on=on, codes=codes)}
    problems: list[FieldViolation] = []
    groups: dict[tuple[str, str], Group] = {}
    for code in codes:
        standard = standards.get(code)
        if standard is None:
            problems.append(FieldViolation(f"fee_item_codes.{code}", f"no fee standard for {code} is in force on {on}"))
            continue
        try:
            amount = rules.compute(rules.rule_from_row(standard), values)
        except rules.ValueProblem as problem:
            problems += [
                FieldViolation(f"declared_values.{name}", f"{message} (for {code})")
                for name, message in problem.problems
            ]
            continue
        key = (standard.department_code, standard.fee_type)
        groups.setdefault(key, Group(*key)).lines.append((standard, amount))
    if problems:
        raise InvalidArgument(f"the fees of case {case.case_number} cannot be assessed", problems)
    return [groups[key] for key in sorted(groups)]


def issue(
    session: Session, case: FeeCase, groups: list[Group], *, on: date, actor: str, now: datetime
) -> list[PaymentNotice]:
    """Write one notice per group with something due (a group that comes to 0 is not issued)."""
    notices = []
    issue_day = shanghai_day(now)
    for group in groups:
        if group.total_fen == 0:
            case.zero_fee_items = sorted({*(case.zero_fee_items or []), *(s.code for s, _ in group.lines)})
            continue
        serial = ledger.next_value(session, f"notice:{issue_day:%Y%m%d}")
        notice = PaymentNotice(
            notice_number=f"PN-{issue_day:%Y%m%d}-{serial:05d}",
            case_number=case.case_number,
            department_code=group.department_code,
            fee_type=group.fee_type,
            status=UNPAID,
            assessed_on=on,
            due_date=issue_day + timedelta(days=DUE_DAYS),
            issued_at=now,
            issued_by=actor,
            total_assessed_fen=group.total_fen,
        )
        notice.lines = [
            NoticeLine(
                position=i,
                fee_item_code=standard.code,
                fee_item_name=standard.name,
                standard_effective_from=standard.effective_from,
                basis=amount.basis[:400],
                assessed_fen=amount.amount_fen,
                reduced_fen=0,
                refunded_fen=0,
            )
            for i, (standard, amount) in enumerate(group.lines)
        ]
        case.notices.append(notice)
        session.add(notice)
        session.flush()
        events.notice_issued(session, notice)
        notices.append(notice)
    return notices
