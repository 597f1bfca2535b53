"""The item catalog: departments, windows, window seals and versioned service items; the
import of a catalog file, the versions of an item and a manager's upsert of one item.

Source of truth is a YAML file (`catalog/demo_catalog.yaml` is the demo). CSV is not
supported on purpose: an item carries nested lists (materials, form fields, fee codes, joint
departments) that a flat CSV could only hold in encoded cells or in several linked files,
and that is where catalog mistakes hide. YAML keeps one item in one readable block.

Import rules
- Everything in the file is validated before anything is written; every problem is named by
  its field (`items[AIC-002].promised_days`), all at once.
- Departments, windows and seals are upserted by code (nothing is ever deleted: cases and
  seal uses refer to them). A seal's `active` flag changes only when the file states it, so
  a seal a manager withdrew stays withdrawn through the next seed.
- An item's rules are versioned. A new version (version + 1) is written only when the rules
  differ from the item's newest version; an unchanged re-import writes nothing. A change of
  `effective_from` alone is not a change of rules. A new version cannot take effect before
  the version it follows, nor before today (by the session's clock): the rules in force on a
  day that has passed are what the cases of that day were decided by.
- `service_items` holds an item's identity and the headline of its newest version; what is
  shown of an item is always one of its versions: the listing and the guide show the version
  in force today (queries.find_version_in_force), and a case takes the version in force on
  its day of receipt (queries.version_in_force) and keeps it.
- A manager's UpsertServiceItem is one entry of the file, checked by the same rules
  (catalog_rules.parse_item) and written the same way (_write_item).

Where the rest lives: the rules of one item and their validation (ItemRules, parse_item) are
in services.cases.catalog_rules; the one-form definitions (一表制) in services.cases.forms; the
version of an item in force on a day in services.cases.queries.

`python -m services.cases.catalog_admin FILE` imports a catalog file into the configured
database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.cases.catalog_rules import (
    CATALOG_DIR,
    DEPARTMENT_CODE,
    ITEM_CODE,
    SEAL_CODE,
    WINDOW_CODE,
    ItemDefinition,
    ItemRules,
    KnownDepartments,
    code_matching,
    optional_list,
    parse_item,
    read_yaml,
    required_text,
)
from services.cases.forms import check_forms, demo_forms
from services.cases.models import Department, ServiceItem, ServiceItemVersion, Window, WindowSeal
from services.cases.queries import find_version_in_force
from shared.auth import Caller
from shared.clock import today
from shared.errors import FieldViolation, InvalidArgument, NotFound

log = logging.getLogger(__name__)

DEMO_CATALOG = CATALOG_DIR / "demo_catalog.yaml"


# --- versions -------------------------------------------------------------------------


def newest_version(session: Session, code: str) -> ServiceItemVersion | None:
    return session.scalar(
        sa.select(ServiceItemVersion)
        .where(ServiceItemVersion.code == code)
        .order_by(ServiceItemVersion.version.desc())
        .limit(1)
    )


def list_versions(session: Session, code: str) -> list[ServiceItemVersion]:
    """Every version of an item, oldest first."""
    versions = list(
        session.scalars(
            sa.select(ServiceItemVersion).where(ServiceItemVersion.code == code).order_by(ServiceItemVersion.version)
        )
    )
    if not versions:
        raise NotFound(f"no service item with code '{code[:40]}' in the catalog", [FieldViolation("code", "not found")])
    return versions


def _check_effective_date(
    session: Session, definition: ItemDefinition, where: str, problems: list[FieldViolation]
) -> None:
    newest = newest_version(session, definition.code)
    if newest is None or ItemRules.of(newest) == definition.rules:
        return
    if definition.effective_from < newest.effective_from:
        problems.append(
            FieldViolation(
                f"{where}.effective_from",
                f"a new version cannot take effect before version {newest.version} "
                f"(in force from {newest.effective_from.isoformat()})",
            )
        )
    elif definition.effective_from < today(session):
        # The days that have passed were decided by the rules then in force: not rewritten.
        problems.append(
            FieldViolation(
                f"{where}.effective_from",
                f"a new version takes effect today ({today(session).isoformat()}) or later, not in the past",
            )
        )


def _write_item(session: Session, definition: ItemDefinition) -> tuple[ServiceItemVersion, bool]:
    """The item's newest version after the write, and whether one was written."""
    rules = definition.rules
    item = session.get(ServiceItem, definition.code)
    newest = newest_version(session, definition.code) if item is not None else None
    written = False
    if newest is None or ItemRules.of(newest) != rules:
        newest = ServiceItemVersion(
            code=definition.code,
            version=(newest.version + 1) if newest is not None else 1,
            effective_from=definition.effective_from,
            **rules.columns(),
        )
        written = True
    headline = {
        "name": newest.name,
        "department_code": newest.department_code,
        "window_code": newest.window_code,
        "case_kind": newest.case_kind,
        "statutory_days": newest.statutory_days,
        "promised_days": newest.promised_days,
        "current_version": newest.version,
    }
    if item is None:
        item = ServiceItem(code=definition.code, **headline)
        session.add(item)
        session.flush()
    else:
        for key, value in headline.items():
            if getattr(item, key) != value:
                setattr(item, key, value)
    if written:
        session.add(newest)
        session.flush()
    return newest, written


# --- the catalog file -----------------------------------------------------------------


@dataclass
class ParsedCatalog:
    departments: dict[str, str] = field(default_factory=dict)
    windows: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (department, name)
    # code -> (window, name, active); active None = as it is (a new seal is active)
    seals: dict[str, tuple[str, str, bool | None]] = field(default_factory=dict)
    items: list[ItemDefinition] = field(default_factory=list)


def _where(raw: Any, index: int) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    if isinstance(code, str) and ITEM_CODE.match(code):
        return f"items[{code}]"
    return f"items[{index}]"


def parse_catalog(session: Session, data: Any) -> ParsedCatalog:
    """The whole file checked, against itself and the database; raises InvalidArgument
    naming every problem at once."""
    problems: list[FieldViolation] = []
    parsed = ParsedCatalog()
    if not isinstance(data, dict):
        raise InvalidArgument(
            "the catalog must be a mapping with departments, seals and items",
            [FieldViolation("catalog", "must be a mapping")],
        )
    for key in sorted(set(data) - {"departments", "seals", "items"}, key=str):
        problems.append(FieldViolation(str(key), "is not a catalog section (departments, seals, items)"))
    known = KnownDepartments.from_database(session)

    for index, raw in enumerate(optional_list(data.get("departments"), "departments", problems)):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = (
            f"departments[{code}]" if isinstance(code, str) and DEPARTMENT_CODE.match(code) else f"departments[{index}]"
        )
        if not isinstance(raw, dict):
            problems.append(FieldViolation(where, "must be a mapping with code, name and windows"))
            continue
        for key in sorted(set(raw) - {"code", "name", "windows"}, key=str):
            problems.append(FieldViolation(f"{where}.{key}", "is not a department attribute (code, name, windows)"))
        code = code_matching(code, f"{where}.code", DEPARTMENT_CODE, problems)
        name = required_text(raw.get("name"), f"{where}.name", problems, max_length=100)
        if code in parsed.departments:
            problems.append(FieldViolation(f"{where}.code", f"department {code} is listed twice"))
        if code:
            parsed.departments[code] = name
            known.windows_of.setdefault(code, set())
        for w_index, window in enumerate(optional_list(raw.get("windows"), f"{where}.windows", problems)):
            w_code = window.get("code") if isinstance(window, dict) else None
            w_where = f"{where}.windows[{w_code if isinstance(w_code, str) else w_index}]"
            if not isinstance(window, dict):
                problems.append(FieldViolation(w_where, "must be a mapping with code and name"))
                continue
            for key in sorted(set(window) - {"code", "name"}, key=str):
                problems.append(FieldViolation(f"{w_where}.{key}", "is not a window attribute (code, name)"))
            w_code = code_matching(w_code, f"{w_where}.code", WINDOW_CODE, problems)
            w_name = required_text(window.get("name"), f"{w_where}.name", problems, max_length=100)
            if w_code in parsed.windows:
                problems.append(FieldViolation(f"{w_where}.code", f"window {w_code} is listed twice"))
            if w_code and code:
                parsed.windows[w_code] = (code, w_name)
                known.add_window(w_code, code)

    window_department = {w: d for d, windows in known.windows_of.items() for w in windows}
    for index, raw in enumerate(optional_list(data.get("seals"), "seals", problems)):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = f"seals[{code}]" if isinstance(code, str) and SEAL_CODE.match(code) else f"seals[{index}]"
        if not isinstance(raw, dict):
            problems.append(FieldViolation(where, "must be a mapping with code, window and name"))
            continue
        for key in sorted(set(raw) - {"code", "window", "name", "active"}, key=str):
            problems.append(FieldViolation(f"{where}.{key}", "is not a seal attribute (code, window, name, active)"))
        code = code_matching(code, f"{where}.code", SEAL_CODE, problems)
        name = required_text(raw.get("name"), f"{where}.name", problems)
        window = raw.get("window")
        if not isinstance(window, str) or window not in window_department:
            problems.append(FieldViolation(f"{where}.window", f"no window '{str(window)[:20]}' in the catalog"))
        active = raw.get("active")
        if active is not None and not isinstance(active, bool):
            problems.append(FieldViolation(f"{where}.active", "must be true or false"))
        if code in parsed.seals:
            problems.append(FieldViolation(f"{where}.code", f"seal {code} is listed twice"))
        if code and isinstance(window, str) and window in window_department:
            parsed.seals[code] = (window, name, active if isinstance(active, bool) else None)

    seen: set[str] = set()
    for index, raw in enumerate(optional_list(data.get("items"), "items", problems)):
        where = _where(raw, index)
        definition = parse_item(raw, where, known, problems)
        code = raw.get("code") if isinstance(raw, dict) else None
        if isinstance(code, str) and code in seen:
            problems.append(FieldViolation(f"{where}.code", f"item {code} is listed twice"))
            continue
        if isinstance(code, str):
            seen.add(code)
        if definition is not None:
            _check_effective_date(session, definition, where, problems)
            parsed.items.append(definition)
    if problems:
        raise InvalidArgument(f"the catalog is invalid: {len(problems)} problem(s)", problems)
    return parsed


def import_catalog(session: Session, path: Path = DEMO_CATALOG) -> int:
    """Import a catalog file. Returns the number of rows written (departments, windows and
    seals inserted or changed, item versions added): 0 for an unchanged re-import."""
    parsed = parse_catalog(session, read_yaml(path, "catalog"))
    written = 0
    for code, name in parsed.departments.items():
        department = session.get(Department, code)
        if department is None:
            session.add(Department(code=code, name=name))
            written += 1
        elif department.name != name:
            department.name = name
            written += 1
    session.flush()
    for code, (department_code, name) in parsed.windows.items():
        window = session.get(Window, code)
        if window is None:
            session.add(Window(code=code, department_code=department_code, name=name))
            written += 1
        elif (window.department_code, window.name) != (department_code, name):
            window.department_code, window.name = department_code, name
            written += 1
    session.flush()
    window_department = dict(session.execute(sa.select(Window.code, Window.department_code)).tuples().all())
    for code, (window_code, name, active) in parsed.seals.items():
        department_code = window_department[window_code]
        seal = session.get(WindowSeal, code)
        if seal is None:
            session.add(
                WindowSeal(
                    code=code,
                    window_code=window_code,
                    department_code=department_code,
                    name=name,
                    active=active is not False,
                )
            )
            written += 1
            continue
        # A seal withdrawn by a manager stays withdrawn unless the file says otherwise.
        wanted = (window_code, department_code, name, seal.active if active is None else active)
        if (seal.window_code, seal.department_code, seal.name, seal.active) != wanted:
            seal.window_code, seal.department_code, seal.name, seal.active = wanted
            written += 1
    session.flush()
    for definition in parsed.items:
        _, added = _write_item(session, definition)
        written += added
    log.info("catalog imported", extra={"file": path.name, "rows_written": written, "items": len(parsed.items)})
    return written


# --- seeding ---------------------------------------------------------------------------


def seed(session: Session) -> int:
    """The demo catalog, then a check that the demo forms fit it (forms live in their file)."""
    written = import_catalog(session, DEMO_CATALOG)
    check_forms(session, demo_forms(), today(session))
    return written


# --- use cases ---------------------------------------------------------------------------


def list_service_items(session: Session, caller: Caller, *, department_code: str = "") -> list[ServiceItemVersion]:
    """The items that can be applied for today, by code, each as the version in force today
    (queries.find_version_in_force: the version the guide reads and a case submitted today
    takes); optionally one department's (the version's department). An item whose first
    version takes effect later is not listed yet (ListItemVersions shows it): public."""
    day = today(session)
    listed = []
    for code in session.scalars(sa.select(ServiceItem.code).order_by(ServiceItem.code)):
        version = find_version_in_force(session, code, day)
        if version is not None and (not department_code or version.department_code == department_code):
            listed.append(version)
    return listed


def list_item_versions(session: Session, caller: Caller, *, code: str) -> list[ServiceItemVersion]:
    """Every version of an item's rules, oldest first: public."""
    if session.get(ServiceItem, code) is None:
        raise NotFound("no such service item", [FieldViolation("service_item_code", "not in the catalog")])
    return list_versions(session, code)


def upsert_item(
    session: Session, *, definition: dict[str, Any], actor: Caller, field_prefix: str = "item"
) -> ServiceItemVersion:
    """Create or change one item (a manager's admin call), by the same rules as the import.
    Returns the item's newest version: a new one if the rules changed, else the existing one.
    The department and window must already be in the catalog."""
    actor.require_role("manager")
    problems: list[FieldViolation] = []
    parsed = parse_item(definition, field_prefix, KnownDepartments.from_database(session), problems)
    if parsed is not None:
        _check_effective_date(session, parsed, field_prefix, problems)
    if problems:
        raise InvalidArgument("the service item is invalid", problems)
    assert parsed is not None
    version, written = _write_item(session, parsed)
    if written:
        log.info(
            "service item changed", extra={"item": parsed.code, "version": version.version, "staff_id": actor.staff_id}
        )
    return version
