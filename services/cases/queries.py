"""Read-only lookups that several modules of the cases service use: a case by its number, the
item and the item version it was received under, its materials record (required, waived,
missing), and the version of an item in force on a day. Nothing here checks who asks (the
use cases do) and nothing here writes."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases.models import Case, MaterialWaiver, ServiceItem, ServiceItemVersion
from shared.errors import FailedPrecondition, FieldViolation, NotFound


def case_not_found(case_number: str) -> NotFound:
    """The one answer for a case that is missing or that the caller may not see (the same
    message and details for both: numbers are sequential, a difference would tell)."""
    return NotFound(f"no case with number '{case_number[:40]}'", [FieldViolation("case_number", "not found")])


def find_case(session: Session, case_number: str, *, for_update: bool = False) -> Case:
    query = sa.select(Case).where(Case.case_number == case_number)
    if for_update:
        query = query.with_for_update(of=Case)
    case = session.scalar(query) if case_number else None
    if case is None:
        raise case_not_found(case_number)
    return case


def case_item(session: Session, case: Case) -> ServiceItem:
    item = session.get(ServiceItem, case.service_item_code)
    assert item is not None  # foreign key
    return item


def case_version(session: Session, case: Case) -> ServiceItemVersion:
    """The item version the case was received under: the rules it is decided by."""
    version = session.get(ServiceItemVersion, case.item_version_id) if case.item_version_id else None
    if version is None:
        raise FailedPrecondition(f"case {case.case_number} has no item version")
    return version


def material_waivers(session: Session, case: Case) -> list[MaterialWaiver]:
    """The materials waived for the case (MaterialWaiver rows), in the order they were."""
    return list(
        session.scalars(sa.select(MaterialWaiver).where(MaterialWaiver.case_id == case.id).order_by(MaterialWaiver.id))
    )


def required_materials(session: Session, case: Case) -> list[str]:
    """The names of the materials the case's item version requires (all of its materials)."""
    version = session.get(ServiceItemVersion, case.item_version_id) if case.item_version_id else None
    return [m["name"] for m in (version.materials or [])] if version else []


def materials_missing(session: Session, case: Case, waivers: list[MaterialWaiver] | None = None) -> list[str]:
    """The required materials neither supplied nor waived, in the catalog's order (`waivers`:
    the case's, when the caller has read them already)."""
    waived = material_waivers(session, case) if waivers is None else waivers
    present = set(case.materials_supplied or []) | {w.material for w in waived}
    return [name for name in required_materials(session, case) if name not in present]


def find_version_in_force(session: Session, code: str, on: date) -> ServiceItemVersion | None:
    """The rules of an item on a day: the newest version whose effective_from is not after
    it (on the same effective date, the higher version number); None when there is none."""
    return session.scalar(
        sa.select(ServiceItemVersion)
        .where(ServiceItemVersion.code == code, ServiceItemVersion.effective_from <= on)
        .order_by(ServiceItemVersion.effective_from.desc(), ServiceItemVersion.version.desc())
        .limit(1)
    )


def version_in_force(session: Session, code: str, on: date) -> ServiceItemVersion:
    """As find_version_in_force, but an unknown item or one not yet in force is an error."""
    version = find_version_in_force(session, code, on)
    if version is not None:
        return version
    if session.get(ServiceItem, code) is None:
        raise NotFound(f"no service item with code '{code[:40]}' in the catalog", [FieldViolation("code", "not found")])
    raise FailedPrecondition(f"service item {code} has no version in force on {on.isoformat()}")
