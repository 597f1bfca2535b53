"""The rules of a catalog item and their validation: what one entry of the catalog file (or
of a manager's UpsertServiceItem) may say, checked field by field.

parse_item turns one raw entry into an ItemDefinition, appending every problem it finds to
the caller's list, each named by its field (`items[AIC-002].promised_days`). The helpers
(required_text, code_matching, optional_list, parse_form_fields, read_yaml) and the code
formats are shared with the whole-file parse in services.cases.catalog and the form
definitions in services.cases.forms. Nothing here writes to the database; KnownDepartments
only reads the departments and windows an item may name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from services.cases.models import Department, ServiceItemVersion, Window
from shared.errors import FieldViolation, InvalidArgument

# The catalog files: the demo catalog and the one-form definitions (catalog.py, forms.py).
CATALOG_DIR = Path(__file__).parent / "catalog"

KINDS = ("instant", "committed", "joint")
ITEM_TYPES = ("administrative_licence", "public_service", "administrative_confirmation", "other")
MATERIAL_FORMS = ("original", "copy")

DEPARTMENT_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")
WINDOW_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
ITEM_CODE = re.compile(r"^[A-Z][A-Z0-9]*-[A-Z0-9-]+$")
SEAL_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,39}$")
# Fee items belong to the fees service; the catalog can only check that a code is well formed.
_FEE_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

REQUIRED_ITEM_KEYS = (
    "code",
    "name",
    "department",
    "window",
    "type",
    "kind",
    "statutory_days",
    "promised_days",
    "effective_from",
)
ITEM_KEYS = frozenset((*REQUIRED_ITEM_KEYS, "needs_seal", "materials", "fees", "form_fields", "joint_departments"))
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
                Material(str(m.get("name", "")), str(m.get("form", "")), int(m.get("count", 1)))
                for m in version.materials or []
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


def required_text(raw: Any, where: str, problems: list[FieldViolation], *, max_length: int = MAX_NAME) -> str:
    if not isinstance(raw, str) or not raw.strip():
        problems.append(FieldViolation(where, "is required (a non-empty text)"))
        return ""
    value = raw.strip()
    if len(value) > max_length:
        problems.append(FieldViolation(where, f"at most {max_length} characters"))
    return value


def code_matching(raw: Any, where: str, pattern: re.Pattern[str], problems: list[FieldViolation]) -> str:
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


def optional_list(raw: Any, where: str, problems: list[FieldViolation]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(FieldViolation(where, "must be a list"))
        return []
    return raw


def _materials(raw: Any, where: str, problems: list[FieldViolation]) -> tuple[Material, ...]:
    found: list[Material] = []
    seen: set[str] = set()
    for index, entry in enumerate(optional_list(raw, where, problems)):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            problems.append(FieldViolation(at, "must be a mapping with name, form and count"))
            continue
        unknown = set(entry) - {"name", "form", "count"}
        for key in sorted(unknown, key=str):
            problems.append(FieldViolation(f"{at}.{key}", "is not a material attribute (name, form, count)"))
        name = required_text(entry.get("name"), f"{at}.name", problems)
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


def parse_form_fields(raw: Any, where: str, problems: list[FieldViolation]) -> tuple[FormField, ...]:
    found: list[FormField] = []
    seen: set[str] = set()
    for index, entry in enumerate(optional_list(raw, where, problems)):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            problems.append(FieldViolation(at, "must be a mapping with name, label and required"))
            continue
        for key in sorted(set(entry) - {"name", "label", "required"}, key=str):
            problems.append(FieldViolation(f"{at}.{key}", "is not a form field attribute (name, label, required)"))
        name = code_matching(entry.get("name"), f"{at}.name", FIELD_NAME, problems)
        label = required_text(entry.get("label"), f"{at}.label", problems, max_length=100)
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
class KnownDepartments:
    """Departments and windows an item may name: the database's, overlaid by the file's."""

    windows_of: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_database(cls, session: Session) -> KnownDepartments:
        known = cls({code: set() for code in session.scalars(sa.select(Department.code))})
        for code, department in session.execute(sa.select(Window.code, Window.department_code)):
            known.add_window(code, department)
        return known

    def add_window(self, window: str, department: str) -> None:
        for windows in self.windows_of.values():
            windows.discard(window)
        self.windows_of.setdefault(department, set()).add(window)


def parse_item(raw: Any, where: str, known: KnownDepartments, problems: list[FieldViolation]) -> ItemDefinition | None:
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
    code = code_matching(raw.get("code"), f"{where}.code", ITEM_CODE, problems) if "code" in raw else ""
    if len(code) > 40:
        problems.append(FieldViolation(f"{where}.code", "at most 40 characters"))
    name = required_text(raw.get("name"), f"{where}.name", problems) if "name" in raw else ""

    department = raw.get("department")
    if not isinstance(department, str):
        department = None if department is None else repr(department)
    if "department" in raw and department not in known.windows_of:
        problems.append(FieldViolation(f"{where}.department", f"no department '{str(department)[:20]}' in the catalog"))
    window = raw.get("window")
    if (
        "window" in raw
        and department in known.windows_of
        and (not isinstance(window, str) or window not in known.windows_of[department])
    ):
        problems.append(
            FieldViolation(
                f"{where}.window", f"no window '{str(window)[:20]}' of department {department} in the catalog"
            )
        )
    item_type = raw.get("type")
    if "type" in raw and item_type not in ITEM_TYPES:
        problems.append(FieldViolation(f"{where}.type", f"must be one of {', '.join(ITEM_TYPES)}"))
    kind = raw.get("kind")
    if "kind" in raw and kind not in KINDS:
        problems.append(FieldViolation(f"{where}.kind", f"must be one of {', '.join(KINDS)}"))

    statutory = (
        _days(raw.get("statutory_days"), f"{where}.statutory_days", problems) if "statutory_days" in raw else None
    )
    promised = _days(raw.get("promised_days"), f"{where}.promised_days", problems) if "promised_days" in raw else None
    if statutory is not None and promised is not None:
        if promised > statutory:
            problems.append(
                FieldViolation(
                    f"{where}.promised_days",
                    f"the promised limit ({promised}) cannot exceed the statutory one ({statutory})",
                )
            )
        if kind == "instant" and promised != 0:
            problems.append(
                FieldViolation(f"{where}.promised_days", "an instant item is concluded on the spot: must be 0")
            )
        if kind in ("committed", "joint") and promised == 0:
            problems.append(
                FieldViolation(
                    f"{where}.promised_days", f"a {kind} item needs a promised limit of at least 1 working day"
                )
            )
    effective_from = (
        _date(raw.get("effective_from"), f"{where}.effective_from", problems) if "effective_from" in raw else None
    )

    needs_seal = raw.get("needs_seal", False)
    if not isinstance(needs_seal, bool):
        problems.append(FieldViolation(f"{where}.needs_seal", "must be true or false"))
    materials = _materials(raw.get("materials"), f"{where}.materials", problems)
    fees: list[str] = []
    for index, fee in enumerate(optional_list(raw.get("fees"), f"{where}.fees", problems)):
        if not isinstance(fee, str) or not _FEE_CODE.match(fee) or len(fee) > 40:
            problems.append(FieldViolation(f"{where}.fees[{index}]", "is not a fee item code (like FEE-AIC-LICENSE)"))
        elif fee in fees:
            problems.append(FieldViolation(f"{where}.fees[{index}]", f"fee item {fee} is listed twice"))
        else:
            fees.append(fee)
    form_fields = parse_form_fields(raw.get("form_fields"), f"{where}.form_fields", problems)
    joint: list[str] = []
    joint_problems = len(problems)
    for index, other in enumerate(optional_list(raw.get("joint_departments"), f"{where}.joint_departments", problems)):
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
        problems.append(
            FieldViolation(f"{where}.joint_departments", "a joint item needs at least one other department")
        )
    if kind in ("instant", "committed") and raw.get("joint_departments"):
        problems.append(
            FieldViolation(f"{where}.joint_departments", f"only a joint item has joint departments, not a {kind} one")
        )

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


# --- reading a file (the catalog file, the forms file) --------------------------------


def read_yaml(path: Path, what: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = error.problem_mark if isinstance(error, yaml.MarkedYAMLError) else None
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise InvalidArgument(
            f"the {what} file {path.name} is not valid YAML{at}", [FieldViolation(what, f"not valid YAML{at}")]
        ) from None
