"""The cases service's rules, free of gRPC: receiving an application, reading cases and items."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases import events
from services.cases.models import Case, CaseNumberSequence, ServiceItem
from shared.auth import query_code_digest
from shared.db import upsert
from shared.errors import FieldViolation, InvalidArgument, NotFound
from shared.timeutil import shanghai_day, utcnow
from shared.validation import id_card_problem, is_email, is_mobile_phone

MAX_NAME = 50
MAX_REMARKS = 2000
RECEIVED = "received"


@dataclass(frozen=True)
class ApplicantInput:
    name: str
    id_card_number: str
    phone: str = ""
    email: str = ""


def submit_application(session: Session, *, service_item_code: str, applicant: ApplicantInput, remarks: str = "") -> tuple[Case, ServiceItem, str]:
    """Receive an application: validate it against the catalog, store the case and queue the
    case-submitted event in the same transaction. Nothing is written when it is invalid."""
    item = session.get(ServiceItem, service_item_code) if service_item_code else None
    _validate(service_item_code, item, applicant, remarks)
    assert item is not None
    now = utcnow()
    case_number = _next_case_number(session, item.department_code, now)
    query_code = f"{secrets.randbelow(10**6):06d}"
    case = Case(
        case_number=case_number,
        query_code_sha256=query_code_digest(case_number, query_code),
        service_item_code=item.code,
        department_code=item.department_code,
        window_code=item.window_code,
        case_kind=item.case_kind,
        status=RECEIVED,
        applicant_name=applicant.name.strip(),
        applicant_id_card_number=applicant.id_card_number.upper(),
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        remarks=remarks,
        submitted_at=now,
    )
    session.add(case)
    session.flush()
    events.case_submitted(session, case, item)
    return case, item, query_code


def _validate(code: str, item: ServiceItem | None, applicant: ApplicantInput, remarks: str) -> None:
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
    if problems:
        raise InvalidArgument("the application is invalid", problems)


def _next_case_number(session: Session, prefix: str, now: object) -> str:
    """PREFIX-YYYYMMDD-NNNNN, the sequence per prefix and hall day, bumped atomically in
    the database (an upsert), so concurrent submissions never share a number."""
    day = shanghai_day(now)  # type: ignore[arg-type]
    table = CaseNumberSequence.__table__
    statement = (
        upsert(session, table)
        .values(prefix=prefix, day=day, last_value=1)
        .on_conflict_do_update(index_elements=["prefix", "day"], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )
    value = session.execute(statement).scalar_one()
    return f"{prefix}-{day:%Y%m%d}-{value:05d}"


def get_case(session: Session, case_number: str) -> tuple[Case, ServiceItem]:
    case = session.scalar(sa.select(Case).where(Case.case_number == case_number)) if case_number else None
    if case is None:
        raise NotFound(f"no case with number '{case_number[:40]}'", [FieldViolation("case_number", "not found")])
    item = session.get(ServiceItem, case.service_item_code)
    assert item is not None  # foreign key
    return case, item


def list_service_items(session: Session, department_code: str = "") -> list[ServiceItem]:
    query = sa.select(ServiceItem).order_by(ServiceItem.code)
    if department_code:
        query = query.where(ServiceItem.department_code == department_code)
    return list(session.scalars(query))
