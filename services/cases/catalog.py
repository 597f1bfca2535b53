"""The item catalog: departments, windows, window seals and versioned service items, and the
one-form definitions that feed several items at once.

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
  the version it follows.
- `service_items` holds the headline of the newest version (for listing); a case takes the
  version in force on its day of receipt (`version_in_force`) and keeps it.

`python -m services.cases.catalog FILE` imports a catalog file into the configured database.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from services.cases.models import Department, ServiceItem, ServiceItemVersion, Window, WindowSeal
from shared.auth import Caller
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound

log = logging.getLogger(__name__)

CATALOG_DIR = Path(__file__).parent / "catalog"
DEMO_CATALOG = CATALOG_DIR / "demo_catalog.yaml"
DEMO_FORMS = CATALOG_DIR / "forms.yaml"

KINDS = ("instant", "committed", "joint")
ITEM_TYPES = ("administrative_licence", "public_service", "administrative_confirmation", "other")
MATERIAL_FORMS = ("original", "copy")

_DEPARTMENT_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")
_WINDOW_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
_ITEM_CODE = re.compile(r"^[A-Z][A-Z0-9]*-[A-Z0-9-]+$")
_SEAL_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")
# Fee items belong to the fees service; the catalog can only check that a code is well formed.
_FEE_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

ITEM_KEYS = frozenset(
    {
        "code", "name", "department", "window", "type", "kind", "statutory_days", "promised_days",
        "effective_from", "needs_seal", "materials", "fees", "form_fields", "joint_departments",
    }
)
REQUIRED_ITEM_KEYS = ("code", "name", "department", "window", "type", "kind", "statutory_days", "promised_days", "effective_from")
MAX_NAME = 200


# --- the rules of one item ------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    name: str
    form: str  # original | copy
    count: int

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "form": self.form, "count": self.count}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    required: bool

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "required": self.required}


@dataclass(frozen=True)
class ItemRules:
    """Everything that makes up one version of an item, except its effective date.
    Two equal ItemRules mean no new version is needed."""

    name: str
    department_code: str
    window_code: str
    item_type: str
    case_kind: str
    statutory_days: int
    promised_days: int
    needs_seal: bool
    materials: tuple[Material, ...]
    fee_item_codes: tuple[str, ...]
    form_fields: tuple[FormField, ...]
    joint_departments: tuple[str, ...]

    @classmethod
    def of(cls, version: ServiceItemVersion) -> ItemRules:
        return cls(
            name=version.name,
            department_code=version.department_code,
            window_code=version.window_code,
            item_type=version.item_type,
            case_kind=version.case_kind,
            statutory_days=int(version.statutory_days),
            promised_days=int(version.promised_days),
            needs_seal=bool(version.needs_seal),
            materials=tuple(
                Material(str(m.get("name", "")), str(m.get("form", "")), int(m.get("count", 1))) for m in version.materials or []
            ),
            fee_item_codes=tuple(str(c) for c in version.fee_item_codes or []),
            form_fields=tuple(
                FormField(str(f.get("name", "")), str(f.get("label", "")), bool(f.get("required", False)))
                for f in version.form_fields or []
            ),
            joint_departments=tuple(str(d) for d in version.joint_departments or []),
        )

    def columns(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "department_code": self.department_code,
            "window_code": self.window_code,
            "item_type": self.item_type,
            "case_kind": self.case_kind,
            "statutory_days": self.statutory_days,
            "promised_days": self.promised_days,
            "needs_seal": self.needs_seal,
            "materials": [m.as_json() for m in self.materials],
            "fee_item_codes": list(self.fee_item_codes),
            "form_fields": [f.as_json() for f in self.form_fields],
            "joint_departments": list(self.joint_departments),
        }


@dataclass(frozen=True)
class ItemDefinition:
    code: str
    effective_from: date
    rules: ItemRules


def definition_of(version: ServiceItemVersion) -> dict[str, Any]:
    """A version as a catalog entry (the shape the file and upsert_item take)."""
    return {
        "code": version.code,
        "name": version.name,
        "department": version.department_code,
        "window": version.window_code,
        "type": version.item_type,
        "kind": version.case_kind,
        "statutory_days": version.statutory_days,
        "promised_days": version.promised_days,
        "effective_from": version.effective_from,
        "needs_seal": version.needs_seal,
        "materials": [dict(m) for m in version.materials or []],
        "fees": list(version.fee_item_codes or []),
        "form_fields": [dict(f) for f in version.form_fields or []],
        "joint_departments": list(version.joint_departments or []),
    }


# --- validation helpers ---------------------------------------------------------------


def _text(raw: Any, where: str, problems: list[FieldViolation], *, max_length: int = MAX_NAME) -> str:
    if not isinstance(raw, str) or not raw.strip():
        problems.append(FieldViolation(where, "is required (a non-empty text)"))
        return ""
    value = raw.strip()
    if len(value) > max_length:
        problems.append(FieldViolation(where, f"at most {max_length} characters"))
    return value


def _code(raw: Any, where: str, pattern: re.Pattern[str], problems: list[FieldViolation]) -> str:
    if not isinstance(raw, str) or not pattern.match(raw):
        problems.append(FieldViolation(where, f"must match {pattern.pattern}"))
        return ""
    return raw


def _days(raw: Any, where: str, problems: list[FieldViolation]) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0 or raw > 366:
        problems.append(FieldViolation(where, "must be a whole number of working days from 0 to 366"))
        return None
    return raw


def _date(raw: Any, where: str, problems: list[FieldViolation]) -> date | None:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    problems.append(FieldViolation(where, "must be a date (YYYY-MM-DD)"))
    return None


def _list(raw: Any, where: str, problems: list[FieldViolation]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(FieldViolation(where, "must be a list"))
        return []
    return raw


def _materials(raw: Any, where: str, problems: list[FieldViolation]) -> tuple[Material, ...]:
    found: list[Material] = []
    seen: set[str] = set()
    for index, entry in enumerate(_list(raw, where, problems)):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            problems.append(FieldViolation(at, "must be a mapping with name, form and count"))
            continue
        unknown = set(entry) - {"name", "form", "count"}
        for key in sorted(unknown, key=str):
            problems.append(FieldViolation(f"{at}.{key}", "is not a material attribute (name, form, count)"))
        name = _text(entry.get("name"), f"{at}.name", problems)
        form = entry.get("form")
        if form not in MATERIAL_FORMS:
            problems.append(FieldViolation(f"{at}.form", f"must be one of {', '.join(MATERIAL_FORMS)}"))
        count = entry.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 99:
            problems.append(FieldViolation(f"{at}.count", "must be a whole number from 1 to 99"))
            count = 1
        if name and name in seen:
            problems.append(FieldViolation(f"{at}.name", f"material '{name}' is listed twice"))
        seen.add(name)
        found.append(Material(name, str(form), count))
    return tuple(found)


def _form_fields(raw: Any, where: str, problems: list[FieldViolation]) -> tuple[FormField, ...]:
    found: list[FormField] = []
    seen: set[str] = set()
    for index, entry in enumerate(_list(raw, where, problems)):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            problems.append(FieldViolation(at, "must be a mapping with name, label and required"))
            continue
        for key in sorted(set(entry) - {"name", "label", "required"}, key=str):
            problems.append(FieldViolation(f"{at}.{key}", "is not a form field attribute (name, label, required)"))
        name = _code(entry.get("name"), f"{at}.name", _FIELD_NAME, problems)
        label = _text(entry.get("label"), f"{at}.label", problems, max_length=100)
        required = entry.get("required", False)
        if not isinstance(required, bool):
            problems.append(FieldViolation(f"{at}.required", "must be true or false"))
            required = False
        if name and name in seen:
            problems.append(FieldViolation(f"{at}.name", f"field '{name}' is listed twice"))
        seen.add(name)
        found.append(FormField(name, label, required))
    return tuple(found)


# --- parsing an item ------------------------------------------------------------------


@dataclass
class _Known:
    """Departments and windows an item may name: the database's, overlaid by the file's."""

    windows_of: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_database(cls, session: Session) -> _Known:
        known = cls({code: set() for code in session.scalars(sa.select(Department.code))})
        for code, department in session.execute(sa.select(Window.code, Window.department_code)):
            known.add_window(code, department)
        return known

    def add_window(self, window: str, department: str) -> None:
        for windows in self.windows_of.values():
            windows.discard(window)
        self.windows_of.setdefault(department, set()).add(window)


def parse_item(raw: Any, where: str, known: _Known, problems: list[FieldViolation]) -> ItemDefinition | None:
    """One catalog entry checked against the rules; its problems are appended to `problems`."""
    if not isinstance(raw, dict):
        problems.append(FieldViolation(where, "must be a mapping"))
        return None
    before = len(problems)
    for key in sorted(set(raw) - ITEM_KEYS, key=str):
        problems.append(FieldViolation(f"{where}.{key}", f"is not an item attribute ({', '.join(sorted(ITEM_KEYS))})"))
    for key in REQUIRED_ITEM_KEYS:
        if key not in raw:
            problems.append(FieldViolation(f"{where}.{key}", "is required"))
    code = _code(raw.get("code"), f"{where}.code", _ITEM_CODE, problems) if "code" in raw else ""
    if len(code) > 40:
        problems.append(FieldViolation(f"{where}.code", "at most 40 characters"))
    name = _text(raw.get("name"), f"{where}.name", problems) if "name" in raw else ""

    department = raw.get("department")
    if not isinstance(department, str):
        department = None if department is None else repr(department)
    if "department" in raw and department not in known.windows_of:
        problems.append(FieldViolation(f"{where}.department", f"no department '{str(department)[:20]}' in the catalog"))
    window = raw.get("window")
    if "window" in raw and department in known.windows_of and (not isinstance(window, str) or window not in known.windows_of[department]):
        problems.append(
            FieldViolation(f"{where}.window", f"no window '{str(window)[:20]}' of department {department} in the catalog")
        )
    item_type = raw.get("type")
    if "type" in raw and item_type not in ITEM_TYPES:
        problems.append(FieldViolation(f"{where}.type", f"must be one of {', '.join(ITEM_TYPES)}"))
    kind = raw.get("kind")
    if "kind" in raw and kind not in KINDS:
        problems.append(FieldViolation(f"{where}.kind", f"must be one of {', '.join(KINDS)}"))

    statutory = _days(raw.get("statutory_days"), f"{where}.statutory_days", problems) if "statutory_days" in raw else None
    promised = _days(raw.get("promised_days"), f"{where}.promised_days", problems) if "promised_days" in raw else None
    if statutory is not None and promised is not None:
        if promised > statutory:
            problems.append(
                FieldViolation(f"{where}.promised_days", f"the promised limit ({promised}) cannot exceed the statutory one ({statutory})")
            )
        if kind == "instant" and promised != 0:
            problems.append(FieldViolation(f"{where}.promised_days", "an instant item is concluded on the spot: must be 0"))
        if kind in ("committed", "joint") and promised == 0:
            problems.append(FieldViolation(f"{where}.promised_days", f"a {kind} item needs a promised limit of at least 1 working day"))
    effective_from = _date(raw.get("effective_from"), f"{where}.effective_from", problems) if "effective_from" in raw else None

    needs_seal = raw.get("needs_seal", False)
    if not isinstance(needs_seal, bool):
        problems.append(FieldViolation(f"{where}.needs_seal", "must be true or false"))
    materials = _materials(raw.get("materials"), f"{where}.materials", problems)
    fees: list[str] = []
    for index, fee in enumerate(_list(raw.get("fees"), f"{where}.fees", problems)):
        if not isinstance(fee, str) or not _FEE_CODE.match(fee) or len(fee) > 40:
            problems.append(FieldViolation(f"{where}.fees[{index}]", "is not a fee item code (like FEE-AIC-LICENSE)"))
        elif fee in fees:
            problems.append(FieldViolation(f"{where}.fees[{index}]", f"fee item {fee} is listed twice"))
        else:
            fees.append(fee)
    form_fields = _form_fields(raw.get("form_fields"), f"{where}.form_fields", problems)
    joint: list[str] = []
    joint_problems = len(problems)
    for index, other in enumerate(_list(raw.get("joint_departments"), f"{where}.joint_departments", problems)):
        at = f"{where}.joint_departments[{index}]"
        if not isinstance(other, str) or other not in known.windows_of:
            problems.append(FieldViolation(at, f"no department '{str(other)[:20]}' in the catalog"))
        elif other == department:
            problems.append(FieldViolation(at, "the lead department is not one of the joint departments"))
        elif other in joint:
            problems.append(FieldViolation(at, f"department {other} is listed twice"))
        else:
            joint.append(other)
    if kind == "joint" and not joint and len(problems) == joint_problems:
        problems.append(FieldViolation(f"{where}.joint_departments", "a joint item needs at least one other department"))
    if kind in ("instant", "committed") and raw.get("joint_departments"):
        problems.append(FieldViolation(f"{where}.joint_departments", f"only a joint item has joint departments, not a {kind} one"))

    if len(problems) > before:
        return None
    assert statutory is not None and promised is not None and effective_from is not None
    rules = ItemRules(
        name=name,
        department_code=str(department),
        window_code=str(window),
        item_type=str(item_type),
        case_kind=str(kind),
        statutory_days=statutory,
        promised_days=promised,
        needs_seal=bool(needs_seal),
        materials=materials,
        fee_item_codes=tuple(fees),
        form_fields=form_fields,
        joint_departments=tuple(joint),
    )
    return ItemDefinition(code=code, effective_from=effective_from, rules=rules)


def _where(raw: Any, index: int) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    if isinstance(code, str) and _ITEM_CODE.match(code):
        return f"items[{code}]"
    return f"items[{index}]"


# --- versions -------------------------------------------------------------------------


def newest_version(session: Session, code: str) -> ServiceItemVersion | None:
    return session.scalar(
        sa.select(ServiceItemVersion).where(ServiceItemVersion.code == code).order_by(ServiceItemVersion.version.desc()).limit(1)
    )


def list_versions(session: Session, code: str) -> list[ServiceItemVersion]:
    """Every version of an item, oldest first."""
    versions = list(
        session.scalars(sa.select(ServiceItemVersion).where(ServiceItemVersion.code == code).order_by(ServiceItemVersion.version))
    )
    if not versions:
        raise NotFound(f"no service item with code '{code[:40]}' in the catalog", [FieldViolation("code", "not found")])
    return versions


def version_in_force(session: Session, code: str, on: date) -> ServiceItemVersion:
    """The rules of an item on a day: the newest version whose effective_from is not after
    it (on the same effective date, the higher version number)."""
    version = session.scalar(
        sa.select(ServiceItemVersion)
        .where(ServiceItemVersion.code == code, ServiceItemVersion.effective_from <= on)
        .order_by(ServiceItemVersion.effective_from.desc(), ServiceItemVersion.version.desc())
        .limit(1)
    )
    if version is not None:
        return version
    if session.get(ServiceItem, code) is None:
        raise NotFound(f"no service item with code '{code[:40]}' in the catalog", [FieldViolation("code", "not found")])
    raise FailedPrecondition(f"service item {code} has no version in force on {on.isoformat()}")


def _check_effective_date(session: Session, definition: ItemDefinition, where: str, problems: list[FieldViolation]) -> None:
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


def _read_yaml(path: Path, what: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise InvalidArgument(f"the {what} file {path.name} is not valid YAML{at}", [FieldViolation(what, f"not valid YAML{at}")]) from None


@dataclass
class ParsedCatalog:
    departments: dict[str, str] = field(default_factory=dict)
    windows: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (department, name)
    # code -> (window, name, active); active None = as it is (a new seal is active)
    seals: dict[str, tuple[str, str, bool | None]] = field(default_factory=dict)
    items: list[ItemDefinition] = field(default_factory=list)


def parse_catalog(session: Session, data: Any) -> ParsedCatalog:
    """The whole file checked, against itself and the database; raises InvalidArgument
    naming every problem at once."""
    problems: list[FieldViolation] = []
    parsed = ParsedCatalog()
    if not isinstance(data, dict):
        raise InvalidArgument("the catalog must be a mapping with departments, seals and items", [FieldViolation("catalog", "must be a mapping")])
    for key in sorted(set(data) - {"departments", "seals", "items"}, key=str):
        problems.append(FieldViolation(str(key), "is not a catalog section (departments, seals, items)"))
    known = _Known.from_database(session)

    for index, raw in enumerate(_list(data.get("departments"), "departments", problems)):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = f"departments[{code}]" if isinstance(code, str) and _DEPARTMENT_CODE.match(code) else f"departments[{index}]"
        if not isinstance(raw, dict):
            problems.append(FieldViolation(where, "must be a mapping with code, name and windows"))
            continue
        for key in sorted(set(raw) - {"code", "name", "windows"}, key=str):
            problems.append(FieldViolation(f"{where}.{key}", "is not a department attribute (code, name, windows)"))
        code = _code(code, f"{where}.code", _DEPARTMENT_CODE, problems)
        name = _text(raw.get("name"), f"{where}.name", problems, max_length=100)
        if code in parsed.departments:
            problems.append(FieldViolation(f"{where}.code", f"department {code} is listed twice"))
        if code:
            parsed.departments[code] = name
            known.windows_of.setdefault(code, set())
        for w_index, window in enumerate(_list(raw.get("windows"), f"{where}.windows", problems)):
            w_code = window.get("code") if isinstance(window, dict) else None
            w_where = f"{where}.windows[{w_code if isinstance(w_code, str) else w_index}]"
            if not isinstance(window, dict):
                problems.append(FieldViolation(w_where, "must be a mapping with code and name"))
                continue
            for key in sorted(set(window) - {"code", "name"}, key=str):
                problems.append(FieldViolation(f"{w_where}.{key}", "is not a window attribute (code, name)"))
            w_code = _code(w_code, f"{w_where}.code", _WINDOW_CODE, problems)
            w_name = _text(window.get("name"), f"{w_where}.name", problems, max_length=100)
            if w_code in parsed.windows:
                problems.append(FieldViolation(f"{w_where}.code", f"window {w_code} is listed twice"))
            if w_code and code:
                parsed.windows[w_code] = (code, w_name)
                known.add_window(w_code, code)

    window_department = {w: d for d, windows in known.windows_of.items() for w in windows}
    for index, raw in enumerate(_list(data.get("seals"), "seals", problems)):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = f"seals[{code}]" if isinstance(code, str) and _SEAL_CODE.match(code) else f"seals[{index}]"
        if not isinstance(raw, dict):
            problems.append(FieldViolation(where, "must be a mapping with code, window and name"))
            continue
        for key in sorted(set(raw) - {"code", "window", "name", "active"}, key=str):
            problems.append(FieldViolation(f"{where}.{key}", "is not a seal attribute (code, window, name, active)"))
        code = _code(code, f"{where}.code", _SEAL_CODE, problems)
        name = _text(raw.get("name"), f"{where}.name", problems)
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
    for index, raw in enumerate(_list(data.get("items"), "items", problems)):
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
    parsed = parse_catalog(session, _read_yaml(path, "catalog"))
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
    window_department = {code: department for code, department in session.execute(sa.select(Window.code, Window.department_code))}
    for code, (window_code, name, active) in parsed.seals.items():
        department_code = window_department[window_code]
        seal = session.get(WindowSeal, code)
        if seal is None:
            session.add(
                WindowSeal(code=code, window_code=window_code, department_code=department_code, name=name, active=active is not False)
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


# --- admin ----------------------------------------------------------------------------


def upsert_item(session: Session, *, definition: dict[str, Any], actor: Caller, field_prefix: str = "item") -> ServiceItemVersion:
    """Create or change one item (a manager's admin call), by the same rules as the import.
    Returns the item's newest version: a new one if the rules changed, else the existing one.
    The department and window must already be in the catalog."""
    actor.require_role("manager")
    problems: list[FieldViolation] = []
    parsed = parse_item(definition, field_prefix, _Known.from_database(session), problems)
    if parsed is not None:
        _check_effective_date(session, parsed, field_prefix, problems)
    if problems:
        raise InvalidArgument("the service item is invalid", problems)
    assert parsed is not None
    version, written = _write_item(session, parsed)
    if written:
        log.info("service item changed", extra={"item": parsed.code, "version": version.version, "staff_id": actor.staff_id})
    return version


# --- one form (一表制) ----------------------------------------------------------------


@dataclass(frozen=True)
class FormTarget:
    """One item a form feeds: target field (the item's form field) <- form field."""

    item_code: str
    mapping: dict[str, str]


@dataclass(frozen=True)
class FormDefinition:
    code: str
    name: str
    # The joint catalog item the one case is filed under.
    item_code: str
    fields: tuple[FormField, ...]
    targets: tuple[FormTarget, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


MAX_FORM_VALUE = 500
_FORM_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def load_forms(path: Path = DEMO_FORMS) -> dict[str, FormDefinition]:
    """The form definitions of a file, checked in themselves (check_forms checks them
    against the catalog)."""
    data = _read_yaml(path, "forms")
    problems: list[FieldViolation] = []
    forms: dict[str, FormDefinition] = {}
    if not isinstance(data, dict) or set(data) != {"forms"}:
        raise InvalidArgument("the forms file must be a mapping with one key: forms", [FieldViolation("forms", "is required")])
    for index, raw in enumerate(_list(data["forms"], "forms", problems)):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = f"forms[{code}]" if isinstance(code, str) and _FORM_CODE.match(code) else f"forms[{index}]"
        if not isinstance(raw, dict):
            problems.append(FieldViolation(where, "must be a mapping"))
            continue
        before = len(problems)
        for key in sorted(set(raw) - {"code", "name", "item", "fields", "targets"}, key=str):
            problems.append(FieldViolation(f"{where}.{key}", "is not a form attribute (code, name, item, fields, targets)"))
        code = _code(code, f"{where}.code", _FORM_CODE, problems)
        if code in forms:
            problems.append(FieldViolation(f"{where}.code", f"form {code} is listed twice"))
        name = _text(raw.get("name"), f"{where}.name", problems)
        item_code = _code(raw.get("item"), f"{where}.item", _ITEM_CODE, problems)
        fields = _form_fields(raw.get("fields"), f"{where}.fields", problems)
        if not fields and f"{where}.fields" not in {p.field for p in problems[before:]}:
            problems.append(FieldViolation(f"{where}.fields", "a form needs at least one field"))
        names = {f.name for f in fields}
        targets: list[FormTarget] = []
        for t_index, target in enumerate(_list(raw.get("targets"), f"{where}.targets", problems)):
            t_item = target.get("item") if isinstance(target, dict) else None
            t_where = f"{where}.targets[{t_item if isinstance(t_item, str) else t_index}]"
            if not isinstance(target, dict):
                problems.append(FieldViolation(t_where, "must be a mapping with item and map"))
                continue
            for key in sorted(set(target) - {"item", "map"}, key=str):
                problems.append(FieldViolation(f"{t_where}.{key}", "is not a target attribute (item, map)"))
            t_item = _code(t_item, f"{t_where}.item", _ITEM_CODE, problems)
            if t_item and t_item in {t.item_code for t in targets}:
                problems.append(FieldViolation(f"{t_where}.item", f"item {t_item} is a target twice"))
            mapping = target.get("map")
            if not isinstance(mapping, dict) or not mapping:
                problems.append(FieldViolation(f"{t_where}.map", "must map at least one item field to a form field"))
                continue
            for target_field, source in mapping.items():
                if not isinstance(target_field, str) or not _FIELD_NAME.match(target_field):
                    problems.append(FieldViolation(f"{t_where}.map.{target_field}", f"must match {_FIELD_NAME.pattern}"))
                if not isinstance(source, str) or source not in names:
                    problems.append(FieldViolation(f"{t_where}.map.{target_field}", f"no field '{str(source)[:60]}' in the form"))
            targets.append(FormTarget(t_item, {str(k): str(v) for k, v in mapping.items()}))
        if not targets and f"{where}.targets" not in {p.field for p in problems[before:]}:
            problems.append(FieldViolation(f"{where}.targets", "a form feeds at least one item"))
        if len(problems) == before:
            forms[code] = FormDefinition(code=code, name=name, item_code=item_code, fields=fields, targets=tuple(targets))
    if problems:
        raise InvalidArgument(f"the forms are invalid: {len(problems)} problem(s)", problems)
    return forms


def check_forms(session: Session, forms: dict[str, FormDefinition], on: date) -> None:
    """Forms and catalog agree on `on`: the form's item is a joint item whose fields are the
    form's; the targets are one item per involved department, exactly the joint item's
    departments; every target field is one of the item's form fields, and every required one
    is fed from a required form field."""
    problems: list[FieldViolation] = []
    for form in forms.values():
        where = f"forms[{form.code}]"
        try:
            joint = version_in_force(session, form.item_code, on)
        except (NotFound, FailedPrecondition) as error:
            problems.append(FieldViolation(f"{where}.item", str(error)))
            continue
        if joint.case_kind != "joint":
            problems.append(FieldViolation(f"{where}.item", f"item {joint.code} is {joint.case_kind}, not a joint item"))
        if {f.name: f for f in ItemRules.of(joint).form_fields} != {f.name: f for f in form.fields}:
            problems.append(FieldViolation(f"{where}.fields", f"must be the form fields of item {joint.code}"))
        departments: list[str] = []
        fields = {f.name: f for f in form.fields}
        for target in form.targets:
            t_where = f"{where}.targets[{target.item_code}]"
            try:
                version = version_in_force(session, target.item_code, on)
            except (NotFound, FailedPrecondition) as error:
                problems.append(FieldViolation(f"{t_where}.item", str(error)))
                continue
            if version.department_code in departments:
                problems.append(FieldViolation(f"{t_where}.item", f"department {version.department_code} already has an item in this form"))
            departments.append(version.department_code)
            item_fields = {f.name: f for f in ItemRules.of(version).form_fields}
            for target_field, source in target.mapping.items():
                if target_field not in item_fields:
                    problems.append(FieldViolation(f"{t_where}.map.{target_field}", f"item {version.code} has no form field '{target_field}'"))
            for name, item_field in item_fields.items():
                source = target.mapping.get(name)
                if item_field.required and (source is None or not fields[source].required):
                    problems.append(
                        FieldViolation(f"{t_where}.map.{name}", f"required by item {version.code}: map it from a required form field")
                    )
        expected = {joint.department_code, *joint.joint_departments}
        if set(departments) != expected and len(departments) == len(form.targets):
            problems.append(
                FieldViolation(f"{where}.targets", f"must be one item each of the departments of {joint.code}: {', '.join(sorted(expected))}")
            )
    if problems:
        raise InvalidArgument("the forms do not match the catalog", problems)


@lru_cache(maxsize=1)
def demo_forms() -> dict[str, FormDefinition]:
    return load_forms(DEMO_FORMS)


def form_definition(code: str, forms: dict[str, FormDefinition] | None = None) -> FormDefinition:
    found = (forms if forms is not None else demo_forms()).get(code)
    if found is None:
        raise NotFound(f"no form '{code[:40]}'", [FieldViolation("form_code", "not found")])
    return found


def project(form: FormDefinition, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target item's projection of the filled-in form: {item_code: {field: value}}.
    Every missing required field and every field the form does not have is named at once
    (form_data.<name>)."""
    problems: list[FieldViolation] = []
    if not isinstance(data, dict):
        raise InvalidArgument("the form data must be a mapping of field names to values", [FieldViolation("form_data", "must be a mapping")])
    names = set(form.field_names)
    for key in data:
        if key not in names:
            problems.append(FieldViolation(f"form_data.{str(key)[:60]}", f"is not a field of form {form.code}"))
    clean: dict[str, Any] = {}
    for form_field in form.fields:
        value = data.get(form_field.name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if form_field.required:
                problems.append(FieldViolation(f"form_data.{form_field.name}", f"is required ({form_field.label})"))
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append(FieldViolation(f"form_data.{form_field.name}", "must be a text or a number"))
            continue
        if isinstance(value, str) and len(value) > MAX_FORM_VALUE:
            problems.append(FieldViolation(f"form_data.{form_field.name}", f"at most {MAX_FORM_VALUE} characters"))
            continue
        clean[form_field.name] = value
    if problems:
        raise InvalidArgument(f"the form {form.code} is incomplete or invalid", problems)
    return {
        target.item_code: {target_field: clean[source] for target_field, source in target.mapping.items() if source in clean}
        for target in form.targets
    }


# --- seeding and the command ----------------------------------------------------------


def seed(session: Session) -> int:
    """The demo catalog, then a check that the demo forms fit it (forms live in their file)."""
    from shared.timeutil import shanghai_day, utcnow

    written = import_catalog(session, DEMO_CATALOG)
    check_forms(session, demo_forms(), shanghai_day(utcnow()))
    return written


def main(argv: list[str] | None = None) -> int:
    """python -m services.cases.catalog FILE: import a catalog file (settings from the env)."""
    import argparse

    from services.cases.settings import CasesSettings
    from shared.db import make_engine, make_session_factory, transaction
    from shared.errors import DomainError

    parser = argparse.ArgumentParser(prog="services.cases.catalog", description="Import an item catalog (YAML).")
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    engine = make_engine(CasesSettings().resolved_database_url())
    try:
        with transaction(make_session_factory(engine)) as session:
            written = import_catalog(session, args.file)
    except DomainError as error:
        print(f"{error}", file=sys.stderr)
        for violation in error.violations:
            print(f"  {violation.field}: {violation.description}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{written} row(s) written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
