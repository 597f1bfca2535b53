"""Fee standards (统一收费标准): versions by effective date, created one by one, imported
from a document, or seeded from the repository's files. A version is never edited: a change
is a new version. (Which version is in force on a day: queries.standards_in_force.)"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from services.fees import audit, rules
from services.fees.models import FIXED, RATE, FeeStandard
from shared import clock
from shared.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument

STANDARDS_DIR = Path(__file__).parent / "standards"
DEMO_STANDARDS = STANDARDS_DIR / "demo_fee_standards.yaml"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StandardInput:
    code: str
    effective_from: date
    name: str
    department_code: str
    fee_type: str
    legal_basis: str
    rule: rules.Rule

    def problems(self, prefix: str = "") -> list[FieldViolation]:
        return rules.validate_standard(
            code=self.code,
            name=self.name,
            department_code=self.department_code,
            fee_type=self.fee_type,
            legal_basis=self.legal_basis,
            rule=self.rule,
            prefix=prefix,
        )

    def as_row(self) -> FeeStandard:
        r = self.rule
        return FeeStandard(
            code=self.code,
            effective_from=self.effective_from,
            name=self.name.strip(),
            department_code=self.department_code,
            fee_type=self.fee_type,
            legal_basis=self.legal_basis.strip(),
            rule=r.kind,
            fixed_amount_fen=r.fixed_amount_fen,
            unit_price_fen=r.unit_price_fen,
            quantity_value=r.quantity_value,
            rate_basis_points=r.rate_basis_points,
            base_value=r.base_value,
            minimum_fen=r.minimum_fen,
            maximum_fen=r.maximum_fen,
            reduced_rates=rules.reduced_rates_to_data(r.reduced_rates),
            value_ranges=rules.conditions_to_data(r.value_ranges),
        )

    def same_as(self, row: FeeStandard) -> bool:
        return (
            row.name == self.name.strip()
            and row.department_code == self.department_code
            and row.fee_type == self.fee_type
            and row.legal_basis == self.legal_basis.strip()
            and rules.rule_from_row(row) == self.rule
        )


def standard_from_data(row: dict[str, Any], prefix: str = "") -> StandardInput:
    """One entry of a standards file. The rule may be left out: a fixed amount or a rate of
    the declared price is inferred, as the first files were written."""
    try:
        effective_from = date.fromisoformat(str(row.get("effective_from", "")))
    except ValueError:
        raise InvalidArgument(
            "a standard needs effective_from", [FieldViolation(prefix + "effective_from", "YYYY-MM-DD")]
        ) from None
    try:
        kind = str(row.get("rule") or (RATE if row.get("rate_basis_points") else FIXED))
        rule = rules.Rule(
            kind=kind,
            fixed_amount_fen=int(row.get("fixed_amount_fen", 0)),
            unit_price_fen=int(row.get("unit_price_fen", 0)),
            quantity_value=str(row.get("quantity_value", "")),
            rate_basis_points=int(row.get("rate_basis_points", 0)),
            base_value=str(row.get("base_value") or ("declared_price_fen" if kind == RATE else "")),
            minimum_fen=int(row.get("minimum_fen", 0)),
            maximum_fen=int(row.get("maximum_fen", 0)),
            reduced_rates=rules.reduced_rates_from_data(list(row.get("reduced_rates") or [])),
            value_ranges=rules.conditions_from_data(list(row.get("value_ranges") or [])),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise InvalidArgument(
            "a standard has a malformed amount", [FieldViolation(prefix + "rule", str(exc))]
        ) from None
    return StandardInput(
        code=str(row.get("code", "")),
        effective_from=effective_from,
        name=str(row.get("name", "")),
        department_code=str(row.get("department", row.get("department_code", ""))),
        fee_type=str(row.get("fee_type", "")),
        legal_basis=str(row.get("legal_basis", "")),
        rule=rule,
    )


def known_codes(session: Session) -> set[str]:
    """The codes that have a version in the database (assessments may have used them)."""
    return set(session.scalars(sa.select(FeeStandard.code).distinct()))


def backdated(standard: StandardInput, *, known: set[str], today: date) -> bool:
    """A new version of a code already in the database taking effect before today: an
    assessment of a past day may have used the version it would replace. The versions of a
    code new to the database are its history, whatever their dates (no assessment used it)."""
    return standard.code in known and standard.effective_from < today


def create_standard(
    session: Session,
    standard: StandardInput,
    *,
    actor: str,
    today: date,
    prefix: str = "",
    known: set[str] | None = None,
) -> tuple[FeeStandard, bool]:
    """Add a version; returns (row, created). The same version again changes nothing; a
    different one on an existing (code, effective_from) is refused: versions are never
    edited. A new version may not start before today unless its code is new to the database
    (`known`: the codes there before the import began; by default, those there now), so no
    assessment can ever have used a different version for that day."""
    problems = standard.problems(prefix)
    if problems:
        raise InvalidArgument(f"fee standard {standard.code or '?'} is invalid", problems)
    existing = session.get(FeeStandard, (standard.code, standard.effective_from))
    if existing is not None:
        if standard.same_as(existing):
            return existing, False
        raise AlreadyExists(
            f"fee standard {standard.code} already has a version effective {standard.effective_from}; "
            "versions are never edited: add a new version with a later effective date"
        )
    if backdated(standard, known=known_codes(session) if known is None else known, today=today):
        raise FailedPrecondition(
            f"a new version of {standard.code} cannot take effect in the past ({standard.effective_from}); "
            "assessments already made keep the version in force on their date"
        )
    row = standard.as_row()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create_standard",
        subject=f"{row.code}@{row.effective_from}",
        details={"rule": row.rule, "fee_type": row.fee_type},
    )
    return row, True


def import_document(session: Session, document: str, *, actor: str, today: date) -> tuple[int, int]:
    """Import every version of a YAML document; all or nothing. Returns (created, unchanged)."""
    try:
        data = yaml.safe_load(document)
    except yaml.YAMLError as exc:
        raise InvalidArgument("the document is not YAML", [FieldViolation("yaml_document", str(exc)[:300])]) from None
    entries = data.get("standards") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InvalidArgument("no standards", [FieldViolation("yaml_document", "needs a list under 'standards'")])
    standards: list[tuple[str, StandardInput]] = []
    problems: list[FieldViolation] = []
    for i, entry in enumerate(entries):
        prefix = f"standards[{i}]."
        if not isinstance(entry, dict):
            problems.append(FieldViolation(f"standards[{i}]", "must be a mapping"))
            continue
        try:
            standard = standard_from_data(entry, prefix)
        except InvalidArgument as error:
            problems += error.violations
            continue
        problems += standard.problems(prefix)
        standards.append((prefix, standard))
    if problems:
        raise InvalidArgument("the document has invalid standards", problems)
    created = unchanged = 0
    known = known_codes(session)  # before the document: its own versions of a new code are history
    for prefix, standard in standards:
        _, new = create_standard(session, standard, actor=actor, today=today, prefix=prefix, known=known)
        created, unchanged = created + new, unchanged + (not new)
    return created, unchanged


def import_file(session: Session, path: Path, *, today: date, known: set[str] | None = None) -> int:
    """The `seed` path: a file of the repository. Versions already there are left alone;
    every version of a code new to the database is loaded (its history may predate today);
    a new version of a code already in use that would take effect in the past is left out
    with a warning (back-dating is refused here too, but must not stop the service from
    starting: create that change with CreateFeeStandard from today instead)."""
    known = known_codes(session) if known is None else known
    created = 0
    for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["standards"]):
        standard = standard_from_data(entry, f"standards[{i}].")
        existing = session.get(FeeStandard, (standard.code, standard.effective_from))
        if existing is not None:
            continue  # versions are never edited, not even by a re-seed
        problems = standard.problems(f"standards[{i}].")
        if problems:
            raise InvalidArgument(f"{path.name} has an invalid standard", problems)
        if backdated(standard, known=known, today=today):
            log.warning(
                "fee standard version not seeded: a new version of a standard in use cannot take effect in the past",
                extra={"file": path.name, "code": standard.code, "effective_from": standard.effective_from.isoformat()},
            )
            continue
        session.add(standard.as_row())
        created += 1
    return created


def seed(session: Session) -> int:
    today = clock.today(session)
    known = known_codes(session)  # before any file: the shipped files are one history
    return sum(import_file(session, path, today=today, known=known) for path in sorted(STANDARDS_DIR.glob("*.yaml")))
