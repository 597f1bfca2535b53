"""Importing the item catalog from a file (YAML): departments, windows, service items.

Import is an upsert keyed by code, so running it again changes nothing and a corrected
file updates what it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from services.cases.models import Department, ServiceItem, Window
from shared.errors import FieldViolation, InvalidArgument

DEMO_CATALOG = Path(__file__).parent / "catalog" / "demo_catalog.yaml"
KINDS = {"instant", "committed", "joint"}


def import_catalog(session: Session, path: Path = DEMO_CATALOG) -> int:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 0
    for department in data["departments"]:
        session.merge(Department(code=department["code"], name=department["name"]))
        for window in department.get("windows", []):
            session.merge(Window(code=window["code"], department_code=department["code"], name=window["name"]))
        count += 1
    session.flush()
    for raw in data["items"]:
        item = ServiceItem(
            code=raw["code"],
            name=raw["name"],
            department_code=raw["department"],
            window_code=raw["window"],
            case_kind=raw["kind"],
            statutory_days=int(raw["statutory_days"]),
            promised_days=int(raw["promised_days"]),
        )
        _check(item)
        session.merge(item)
        count += 1
    return count


def _check(item: ServiceItem) -> None:
    problems = []
    if item.case_kind not in KINDS:
        problems.append(FieldViolation(f"items[{item.code}].kind", f"must be one of {sorted(KINDS)}"))
    if item.promised_days > item.statutory_days:
        problems.append(
            FieldViolation(f"items[{item.code}].promised_days", "the promised limit cannot exceed the statutory one")
        )
    if problems:
        raise InvalidArgument(f"catalog item {item.code} is invalid", problems)


def seed(session: Session) -> int:
    return import_catalog(session, DEMO_CATALOG)
