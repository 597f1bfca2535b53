"""Receiving applications and reading cases, with who may see what.

Staff see and act on their own department's cases (managers on all); an applicant sees a
case with its number and query code. The checks are here, in the service, so they hold for
department systems calling gRPC as much as for the gateway.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import events, lifecycle
from services.cases.catalog import find_version_in_force
from services.cases.models import Case, CaseNumberSequence, CaseTransition, ServiceItem, ServiceItemVersion
from shared.auth import Caller, query_code_digest, query_code_matches
from shared.db import upsert
from shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from shared.timeutil import shanghai_day, utcnow
from shared.validation import id_card_problem, is_email, is_mobile_phone

MAX_NAME = 50
MAX_REMARKS = 2000
MAX_PAGE = 200
RECEIVED = lifecycle.RECEIVED


@dataclass(frozen=True)
class ApplicantInput:
    name: str
    id_card_number: str
    phone: str = ""
    email: str = ""
    enterprise_code: str = ""


@dataclass(frozen=True)
class Application:
    service_item_code: str
    applicant: ApplicantInput
    remarks: str = ""
    materials_supplied: list[str] = field(default_factory=list)
    declared_values: dict[str, int] = field(default_factory=dict)
    form_data: dict[str, Any] = field(default_factory=dict)


def submit_application(
    session: Session, *, service_item_code: str, applicant: ApplicantInput, remarks: str = "",
    caller: Caller | None = None, materials_supplied: list[str] | None = None,
    declared_values: dict[str, int] | None = None, form_data: dict[str, Any] | None = None,
) -> tuple[Case, ServiceItem, str]:
    """Receive an application: validate it against the catalog, store the case and queue the
    case-submitted event in the same transaction. Nothing is written when it is invalid.
    Returns the case, its item and the query code (shown once; only its digest is kept)."""
    item = session.get(ServiceItem, service_item_code) if service_item_code else None
    version = find_version_in_force(session, service_item_code, shanghai_day(utcnow())) if item else None
    _validate(service_item_code, item, applicant, remarks, version, materials_supplied or [], declared_values or {})
    assert item is not None
    now = utcnow()
    case_number = next_number(session, item.department_code, shanghai_day(now), digits=5)
    query_code = f"{secrets.randbelow(10**6):06d}"
    case = Case(
        case_number=case_number,
        query_code_sha256=query_code_digest(case_number, query_code),
        service_item_code=item.code,
        item_version_id=version.id if version else None,
        department_code=item.department_code,
        window_code=item.window_code,
        case_kind=item.case_kind,
        status=RECEIVED,
        applicant_name=applicant.name.strip(),
        applicant_id_card_number=applicant.id_card_number.upper(),
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        enterprise_code=applicant.enterprise_code,
        remarks=remarks,
        submitted_at=now,
        received_by=(caller.staff_id if caller and caller.is_staff else "applicant"),
        materials_supplied=sorted(set(materials_supplied or [])),
        declared_values=dict(declared_values or {}),
        form_data=dict(form_data or {}),
    )
    if case.enterprise_code:
        from services.cases import agency

        # Full-process agency: the enterprise's current agent carries the case from the start.
        assignment = agency.current_agent(session, case.enterprise_code.upper())
        case.agent_staff_id = assignment.agent_staff_id if assignment else ""
    session.add(case)
    session.flush()
    if version is not None and version.joint_departments and not form_data:
        from services.cases import joint

        joint.open_item_tasks(session, case, version)
    events.case_submitted(session, case, item)
    return case, item, query_code


def _validate(
    code: str, item: ServiceItem | None, applicant: ApplicantInput, remarks: str,
    version: ServiceItemVersion | None, materials: list[str], declared: dict[str, int],
) -> None:
    problems: list[FieldViolation] = []
    if not code:
        problems.append(FieldViolation("service_item_code", "is required"))
    elif item is None:
        problems.append(FieldViolation("service_item_code", f"no service item with code '{code[:40]}' in the catalog"))
    name = applicant.name.strip()
    if not name:
        problems.append(FieldViolation("applicant.name", "is required"))
    elif len(name) > MAX_NAME:
        problems.append(FieldViolation("applicant.name", f"at most {MAX_NAME} characters"))
    id_problem = id_card_problem(applicant.id_card_number.upper())
    if id_problem:
        problems.append(FieldViolation("applicant.id_card_number", id_problem))
    if applicant.phone and not is_mobile_phone(applicant.phone):
        problems.append(FieldViolation("applicant.phone", "must be an 11-digit mainland mobile number"))
    if applicant.email and not is_email(applicant.email):
        problems.append(FieldViolation("applicant.email", "is not an e-mail address"))
    if not applicant.phone and not applicant.email:
        problems.append(FieldViolation("applicant.phone", "a phone number or an e-mail address is required for notices"))
    if len(remarks) > MAX_REMARKS:
        problems.append(FieldViolation("remarks", f"at most {MAX_REMARKS} characters"))
    if version is not None:
        known = {m["name"] for m in version.materials or []}
        problems += [
            FieldViolation("materials_supplied", f"'{m[:60]}' is not a material of this item")
            for m in materials if m not in known
        ]
    problems += [FieldViolation(f"declared_values.{k[:40]}", "must be >= 0") for k, v in declared.items() if v < 0]
    if problems:
        raise InvalidArgument("the application is invalid", problems)


def next_number(session: Session, prefix: str, day: date, *, digits: int) -> str:
    """PREFIX-YYYYMMDD-NNNNN from a counter per prefix and day, bumped by one upsert in the
    caller's transaction, so concurrent callers never share a number and none is skipped."""
    table = CaseNumberSequence.__table__
    statement = (
        upsert(session, table)
        .values(prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(index_elements=["prefix", "day"], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )
    value = session.execute(statement).scalar_one()
    return f"{prefix}-{day:%Y%m%d}-{value:0{digits}d}"


# ------------------------------------------------------------------------------- reading
def find_case(session: Session, case_number: str, *, for_update: bool = False) -> Case:
    query = sa.select(Case).where(Case.case_number == case_number)
    if for_update:
        query = query.with_for_update(of=Case)
    case = session.scalar(query) if case_number else None
    if case is None:
        raise NotFound(f"no case with number '{case_number[:40]}'", [FieldViolation("case_number", "not found")])
    return case


def acts_for_applicant(caller: Caller, case: Case) -> bool:
    """The applicant (query code), or the agent carrying the enterprise's case (全程代理)."""
    if caller.is_staff:
        return bool(case.agent_staff_id) and caller.staff_id == case.agent_staff_id
    return query_code_matches(case.case_number, caller.query_code, case.query_code_sha256)


def authorize_read(caller: Caller, case: Case) -> None:
    """Staff of the case's department (or managers), the case's agent, or the applicant with
    the query code."""
    if acts_for_applicant(caller, case):
        return
    if caller.is_staff:
        caller.require_department(case.department_code)
    elif not query_code_matches(case.case_number, caller.query_code, case.query_code_sha256):
        # Same answer whether the case exists or not would leak less; but the number is
        # not secret (it is printed on vouchers), the query code is.
        raise PermissionDenied("the query code does not match this case")


def get_case(session: Session, case_number: str, caller: Caller) -> tuple[Case, ServiceItem]:
    case = find_case(session, case_number)
    authorize_read(caller, case)
    item = session.get(ServiceItem, case.service_item_code)
    assert item is not None  # foreign key
    return case, item


def history(session: Session, case_number: str, caller: Caller) -> list[CaseTransition]:
    case = find_case(session, case_number)
    authorize_read(caller, case)
    return list(
        session.scalars(sa.select(CaseTransition).where(CaseTransition.case_id == case.id).order_by(CaseTransition.id))
    )


@dataclass(frozen=True)
class CaseFilter:
    department_code: str = ""
    status: str = ""
    supervision_level: str = ""
    window_code: str = ""
    submitted_from: datetime | None = None
    submitted_until: datetime | None = None


def list_cases(
    session: Session, caller: Caller, filters: CaseFilter, *, page_size: int = 50, after_id: int = 0
) -> tuple[list[Case], int]:
    """A page of cases, oldest first; returns the page and the id to continue after (0: end).
    Staff see only their department unless they are managers."""
    if not caller.is_staff:
        raise PermissionDenied("listing cases is for staff")
    department = filters.department_code
    if not caller.has_role("manager", "efficiency_office"):
        if department and department != caller.department_code:
            raise PermissionDenied("staff list only their own department's cases")
        department = caller.department_code
    if filters.status and filters.status not in lifecycle.STATES:
        raise InvalidArgument("unknown status", [FieldViolation("status", f"one of {', '.join(lifecycle.STATES)}")])
    page_size = max(1, min(page_size or 50, MAX_PAGE))
    query = sa.select(Case).where(Case.id > after_id).order_by(Case.id).limit(page_size + 1)
    for column, value in (
        (Case.department_code, department),
        (Case.status, filters.status),
        (Case.supervision_level, filters.supervision_level),
        (Case.window_code, filters.window_code),
    ):
        if value:
            query = query.where(column == value)
    if filters.submitted_from:
        query = query.where(Case.submitted_at >= filters.submitted_from)
    if filters.submitted_until:
        query = query.where(Case.submitted_at < filters.submitted_until)
    rows = list(session.scalars(query))
    more = len(rows) > page_size
    page = rows[:page_size]
    return page, (page[-1].id if more else 0)
