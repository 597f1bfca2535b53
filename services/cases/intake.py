"""Receiving applications: one application for one item, or the one form (一表制) that feeds
several departments' items as one joint case.

Anyone may apply (an applicant online or at the counter, or staff receiving for them); the
case records who received it. An application is validated against the catalog in force on
the day and stored with its case-submitted event in one transaction: nothing is written when
it is invalid.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services.cases import agency, events, forms, joint, lifecycle
from services.cases.models import Case, ServiceItem, ServiceItemVersion
from services.cases.numbering import next_number
from services.cases.queries import find_version_in_force
from shared.auth import Caller, query_code_digest
from shared.clock import now
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument
from shared.timeutil import shanghai_day
from shared.validation import id_card_problem, is_email, is_mobile_phone

MAX_NAME = 50
MAX_REMARKS = 2000
# Who applies when no one says otherwise: an applicant (no staff id, no query code yet).
APPLICANT = Caller()


@dataclass(frozen=True)
class ApplicantInput:
    name: str
    id_card_number: str
    phone: str = ""
    email: str = ""
    enterprise_code: str = ""


# ------------------------------------------------------------------------- use cases
def submit_application(
    session: Session,
    *,
    service_item_code: str,
    applicant: ApplicantInput,
    remarks: str = "",
    caller: Caller = APPLICANT,
    materials_supplied: list[str] | None = None,
    declared_values: dict[str, int] | None = None,
    form_data: dict[str, Any] | None = None,
) -> tuple[Case, ServiceItem, str]:
    """Receive an application: validate it against the catalog, store the case and queue the
    case-submitted event in the same transaction. Nothing is written when it is invalid.
    Returns the case, its item and the query code (shown once; only its digest is kept)."""
    moment = now(session)
    item = session.get(ServiceItem, service_item_code) if service_item_code else None
    version = find_version_in_force(session, service_item_code, shanghai_day(moment)) if item else None
    _validate(service_item_code, item, applicant, remarks, version, materials_supplied or [], declared_values or {})
    assert item is not None and version is not None
    # Everything the case is decided by comes from the version in force, not the item's headline
    # row, which shows the newest version even before its day.
    case_number = next_number(session, version.department_code, shanghai_day(moment), digits=5)
    query_code = f"{secrets.randbelow(10**6):06d}"
    case = Case(
        case_number=case_number,
        query_code_sha256=query_code_digest(case_number, query_code),
        service_item_code=item.code,
        item_version_id=version.id,
        department_code=version.department_code,
        window_code=version.window_code,
        case_kind=version.case_kind,
        status=lifecycle.RECEIVED,
        applicant_name=applicant.name.strip(),
        applicant_id_card_number=applicant.id_card_number.upper(),
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        enterprise_code=applicant.enterprise_code,
        remarks=remarks,
        submitted_at=moment,
        received_by=caller.staff_id if caller.is_staff else "applicant",
        materials_supplied=sorted(set(materials_supplied or [])),
        declared_values=dict(declared_values or {}),
        form_data=dict(form_data or {}),
    )
    if case.enterprise_code:
        # Full-process agency: the enterprise's current agent carries the case from the start.
        assignment = agency.current_agent(session, case.enterprise_code.upper())
        case.agent_staff_id = assignment.agent_staff_id if assignment else ""
    session.add(case)
    session.flush()
    if version.joint_departments and not form_data:
        joint.open_item_tasks(session, case, version)
    events.case_submitted(session, case, version)
    return case, item, query_code


def submit_form(
    session: Session,
    *,
    form_code: str,
    applicant: ApplicantInput,
    form_data: dict[str, Any],
    remarks: str,
    caller: Caller,
    materials_supplied: list[str] | None = None,
) -> tuple[Case, str]:
    """One form (一表制): one joint case under the form's lead item, a task per item's
    department carrying that department's projection of the form. The materials handed in
    are the form item's; the form itself counts as supplied when it is one of them."""
    form = forms.form_definition(form_code)  # NotFound names form_code
    projections = forms.project(form, form_data)  # InvalidArgument names each missing field
    day = shanghai_day(now(session))
    departments = {}
    for code in projections:
        version = find_version_in_force(session, code, day)
        if version is None:
            raise FailedPrecondition(f"form {form_code} names item {code}, which is not in force")
        departments[code] = version.department_code
    # Filed under the form's own joint item: its limits (45 working days) and departments.
    lead = find_version_in_force(session, form.item_code, day)
    the_form = [form.name] if lead is not None and form.name in {m["name"] for m in lead.materials or []} else []
    case, _item, query_code = submit_application(
        session,
        service_item_code=form.item_code,
        applicant=applicant,
        remarks=remarks,
        caller=caller,
        materials_supplied=sorted(set(materials_supplied or []) | set(the_form)),
        form_data=dict(form_data),
    )
    case.form_code = form_code
    joint.open_form_tasks(session, case, {code: (departments[code], data) for code, data in projections.items()})
    return case, query_code


def _validate(
    code: str,
    item: ServiceItem | None,
    applicant: ApplicantInput,
    remarks: str,
    version: ServiceItemVersion | None,
    materials: list[str],
    declared: dict[str, int],
) -> None:
    problems: list[FieldViolation] = []
    if not code:
        problems.append(FieldViolation("service_item_code", "is required"))
    elif item is None:
        problems.append(FieldViolation("service_item_code", f"no service item with code '{code[:40]}' in the catalog"))
    elif version is None:
        # The headline row already shows a version that takes effect later: nothing to apply under yet.
        problems.append(FieldViolation("service_item_code", f"service item {code[:40]} is not in force yet"))
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
        problems.append(
            FieldViolation("applicant.phone", "a phone number or an e-mail address is required for notices")
        )
    if len(remarks) > MAX_REMARKS:
        problems.append(FieldViolation("remarks", f"at most {MAX_REMARKS} characters"))
    if version is not None:
        known = {m["name"] for m in version.materials or []}
        problems += [
            FieldViolation("materials_supplied", f"'{m[:60]}' is not a material of this item")
            for m in materials
            if m not in known
        ]
    problems += [FieldViolation(f"declared_values.{k[:40]}", "must be >= 0") for k, v in declared.items() if v < 0]
    if problems:
        raise InvalidArgument("the application is invalid", problems)
