"""One form (一表制): the form definitions that feed several catalog items at once.

A form is filed as one case under its joint catalog item; each target item (one per involved
department) gets its projection of the filled-in form. The definitions live in a YAML file
(`catalog/forms.yaml` is the demo): load_forms checks a file in itself, check_forms checks it
against the catalog in force on a day (the seed does this for the demo forms), project maps
a filled-in form onto its target items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.cases.catalog_rules import (
    CATALOG_DIR,
    FIELD_NAME,
    ITEM_CODE,
    FormField,
    ItemRules,
    code_matching,
    optional_list,
    parse_form_fields,
    read_yaml,
    required_text,
)
from services.cases.queries import version_in_force
from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound

DEMO_FORMS = CATALOG_DIR / "forms.yaml"


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
    data = read_yaml(path, "forms")
    problems: list[FieldViolation] = []
    forms: dict[str, FormDefinition] = {}
    if not isinstance(data, dict) or set(data) != {"forms"}:
        raise InvalidArgument(
            "the forms file must be a mapping with one key: forms", [FieldViolation("forms", "is required")]
        )
    for index, raw in enumerate(optional_list(data["forms"], "forms", problems)):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = f"forms[{code}]" if isinstance(code, str) and _FORM_CODE.match(code) else f"forms[{index}]"
        if not isinstance(raw, dict):
            problems.append(FieldViolation(where, "must be a mapping"))
            continue
        before = len(problems)
        for key in sorted(set(raw) - {"code", "name", "item", "fields", "targets"}, key=str):
            problems.append(
                FieldViolation(f"{where}.{key}", "is not a form attribute (code, name, item, fields, targets)")
            )
        code = code_matching(code, f"{where}.code", _FORM_CODE, problems)
        if code in forms:
            problems.append(FieldViolation(f"{where}.code", f"form {code} is listed twice"))
        name = required_text(raw.get("name"), f"{where}.name", problems)
        item_code = code_matching(raw.get("item"), f"{where}.item", ITEM_CODE, problems)
        fields = parse_form_fields(raw.get("fields"), f"{where}.fields", problems)
        if not fields and f"{where}.fields" not in {p.field for p in problems[before:]}:
            problems.append(FieldViolation(f"{where}.fields", "a form needs at least one field"))
        names = {f.name for f in fields}
        targets: list[FormTarget] = []
        for t_index, target in enumerate(optional_list(raw.get("targets"), f"{where}.targets", problems)):
            t_item = target.get("item") if isinstance(target, dict) else None
            t_where = f"{where}.targets[{t_item if isinstance(t_item, str) else t_index}]"
            if not isinstance(target, dict):
                problems.append(FieldViolation(t_where, "must be a mapping with item and map"))
                continue
            for key in sorted(set(target) - {"item", "map"}, key=str):
                problems.append(FieldViolation(f"{t_where}.{key}", "is not a target attribute (item, map)"))
            t_item = code_matching(t_item, f"{t_where}.item", ITEM_CODE, problems)
            if t_item and t_item in {t.item_code for t in targets}:
                problems.append(FieldViolation(f"{t_where}.item", f"item {t_item} is a target twice"))
            mapping = target.get("map")
            if not isinstance(mapping, dict) or not mapping:
                problems.append(FieldViolation(f"{t_where}.map", "must map at least one item field to a form field"))
                continue
            for target_field, source in mapping.items():
                if not isinstance(target_field, str) or not FIELD_NAME.match(target_field):
                    problems.append(FieldViolation(f"{t_where}.map.{target_field}", f"must match {FIELD_NAME.pattern}"))
                if not isinstance(source, str) or source not in names:
                    problems.append(
                        FieldViolation(f"{t_where}.map.{target_field}", f"no field '{str(source)[:60]}' in the form")
                    )
            targets.append(FormTarget(t_item, {str(k): str(v) for k, v in mapping.items()}))
        if not targets and f"{where}.targets" not in {p.field for p in problems[before:]}:
            problems.append(FieldViolation(f"{where}.targets", "a form feeds at least one item"))
        if len(problems) == before:
            forms[code] = FormDefinition(
                code=code, name=name, item_code=item_code, fields=fields, targets=tuple(targets)
            )
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
            problems.append(
                FieldViolation(f"{where}.item", f"item {joint.code} is {joint.case_kind}, not a joint item")
            )
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
                problems.append(
                    FieldViolation(
                        f"{t_where}.item", f"department {version.department_code} already has an item in this form"
                    )
                )
            departments.append(version.department_code)
            item_fields = {f.name: f for f in ItemRules.of(version).form_fields}
            for target_field, _source in target.mapping.items():
                if target_field not in item_fields:
                    problems.append(
                        FieldViolation(
                            f"{t_where}.map.{target_field}", f"item {version.code} has no form field '{target_field}'"
                        )
                    )
            for name, item_field in item_fields.items():
                fed_from = target.mapping.get(name)
                if item_field.required and (fed_from is None or not fields[fed_from].required):
                    problems.append(
                        FieldViolation(
                            f"{t_where}.map.{name}",
                            f"required by item {version.code}: map it from a required form field",
                        )
                    )
        expected = {joint.department_code, *joint.joint_departments}
        if set(departments) != expected and len(departments) == len(form.targets):
            problems.append(
                FieldViolation(
                    f"{where}.targets",
                    f"must be one item each of the departments of {joint.code}: {', '.join(sorted(expected))}",
                )
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
        raise InvalidArgument(
            "the form data must be a mapping of field names to values",
            [FieldViolation("form_data", "must be a mapping")],
        )
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
        target.item_code: {
            target_field: clean[source] for target_field, source in target.mapping.items() if source in clean
        }
        for target in form.targets
    }
