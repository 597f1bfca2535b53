"""The money rules of a fee standard, pure and free of the database: integer fen only.

Rounding (the one rule, documented in docs/fees.md): a rate rule computes the exact amount
base x rate / 10000 as a fraction, applies the minimum and maximum to that exact amount, and
rounds half up to a whole fen. The bounds are whole fen and rounding is monotone, so this is
the same as rounding first and bounding after. Rounding happens once, per line; a total is
the plain sum of its lines, so nothing drifts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.fees.models import FEE_TYPES, FIXED, PER_UNIT, RATE, RULES
from shared.errors import FieldViolation

BASIS_POINTS = 10_000  # 100% = 10,000 basis points
MAX_DECLARED = 10**15  # fen: ten trillion yuan, far above any real price, far below int64
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = 10**13  # fen, for standards' own amounts
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
VALUE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
DEPARTMENT = re.compile(r"^[A-Z][A-Z0-9]{1,19}$")
REDUCTION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def rate_amount(base_fen: int, rate_basis_points: int, minimum_fen: int = 0, maximum_fen: int = 0) -> int:
    """base x rate, bounded (maximum 0 = none), rounded half up to whole fen."""
    numerator, denominator = base_fen * rate_basis_points, BASIS_POINTS
    if numerator < minimum_fen * denominator:
        numerator = minimum_fen * denominator
    if maximum_fen and numerator > maximum_fen * denominator:
        numerator = maximum_fen * denominator
    return round_half_up(numerator, denominator)


def yuan(fen: int) -> str:
    """12345 -> "123.45" (for people and CSV; never parsed back)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def percent(basis_points: int) -> str:
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


@dataclass(frozen=True)
class Condition:
    value_name: str
    min: int | None = None
    max: int | None = None

    def holds(self, declared: Mapping[str, int]) -> bool | None:
        """True or False; None when the value is not declared (then it cannot be told)."""
        value = declared.get(self.value_name)
        if value is None:
            return None
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class ReducedRate:
    code: str
    name: str
    rate_basis_points: int
    conditions: tuple[Condition, ...] = ()

    def applies(self, declared: Mapping[str, int]) -> bool | None:
        """True when every condition holds, False when one does not; None when none fails
        but some cannot be told for a value not declared (see undeclared)."""
        states = [c.holds(declared) for c in self.conditions]
        if False in states:
            return False
        return None if None in states else True

    def undeclared(self, declared: Mapping[str, int]) -> list[str]:
        return [c.value_name for c in self.conditions if c.value_name not in declared]


@dataclass(frozen=True)
class Rule:
    """How one standard version computes its amount."""

    kind: str
    fixed_amount_fen: int = 0
    unit_price_fen: int = 0
    quantity_value: str = ""
    rate_basis_points: int = 0
    base_value: str = ""
    minimum_fen: int = 0
    maximum_fen: int = 0
    reduced_rates: tuple[ReducedRate, ...] = field(default_factory=tuple)
    # The range of a declared value the rule reads (min <= value <= max, a missing bound open).
    value_ranges: tuple[Condition, ...] = field(default_factory=tuple)

    def values_read(self) -> list[str]:
        """The declared values this rule reads: its own, then those of its conditions."""
        if self.kind == PER_UNIT:
            return [self.quantity_value]
        if self.kind == RATE:
            names = [self.base_value, *(c.value_name for r in self.reduced_rates for c in r.conditions)]
            return list(dict.fromkeys(names))
        return []


@dataclass(frozen=True)
class Amount:
    amount_fen: int
    basis: str


class ValueProblem(Exception):
    """Declared values a rule needs that are missing or out of range: every one of them, so
    that one answer names all there is to correct (一次性告知)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        if not problems:
            raise ValueError("a ValueProblem names at least one value")
        super().__init__("; ".join(message for _, message in problems))
        self.problems = tuple(problems)

    @property
    def value_name(self) -> str:
        return self.problems[0][0]

    @property
    def value_names(self) -> list[str]:
        return [name for name, _ in self.problems]


def compute(rule: Rule, declared: Mapping[str, int]) -> Amount:
    """The amount of one line. Raises ValueProblem naming every declared value that is
    needed and missing or out of range (the rule's own value or one a deciding reduced-rate
    condition reads: a missing value is never taken as "condition false")."""
    if rule.kind == FIXED:
        return Amount(rule.fixed_amount_fen, f"fixed {yuan(rule.fixed_amount_fen)} yuan")
    problems = _out_of_range(rule, declared)
    if rule.kind == PER_UNIT:
        quantity = _declared(declared, rule.quantity_value, 1, MAX_QUANTITY, problems)
        if problems:
            raise ValueProblem(problems)
        return Amount(rule.unit_price_fen * quantity, f"{yuan(rule.unit_price_fen)} yuan x {quantity}")
    if rule.kind == RATE:
        base = _declared(declared, rule.base_value, 1, MAX_DECLARED, problems)
        reduction = _reduced_rate(rule, declared, problems)
        if problems:
            raise ValueProblem(problems)
        rate = reduction.rate_basis_points if reduction is not None else rule.rate_basis_points
        amount = rate_amount(base, rate, rule.minimum_fen, rule.maximum_fen)
        basis = f"{percent(rate)} x {yuan(base)} yuan"
        if reduction is not None:
            basis += f", reduced rate {reduction.code}"
        if rule.minimum_fen or rule.maximum_fen:
            basis += f", bounds {yuan(rule.minimum_fen)}..{yuan(rule.maximum_fen) if rule.maximum_fen else '-'}"
        return Amount(amount, basis)
    raise ValueError(f"unknown rule {rule.kind!r}")


def _out_of_range(rule: Rule, declared: Mapping[str, int]) -> list[tuple[str, str]]:
    """The declared values outside the ranges the rule gives them (a missing one is not
    out of range: whether it is needed is the rule's and the conditions' question)."""
    problems = []
    for allowed in rule.value_ranges:
        if allowed.holds(declared) is False:
            problems.append(
                (allowed.value_name, f"the declared value '{allowed.value_name}' must be {_range(allowed)}")
            )
    return problems


def _range(allowed: Condition) -> str:
    if allowed.min is not None and allowed.max is not None:
        return f"between {allowed.min} and {allowed.max}"
    return f"at least {allowed.min}" if allowed.min is not None else f"at most {allowed.max}"


def _reduced_rate(rule: Rule, declared: Mapping[str, int], problems: list[tuple[str, str]]) -> ReducedRate | None:
    """The first reduced rate whose conditions all hold (None: the standard rate). A reduced
    rate that could hold but reads a value not declared leaves the choice open: its values
    are needed, and so are those of the later ones up to the first that surely holds."""
    undecided: dict[str, str] = {}  # value name -> the first reduced rate it decides
    for candidate in rule.reduced_rates:
        state = candidate.applies(declared)
        if state is False:
            continue
        if state is True:
            if not undecided:
                return candidate
            break
        for name in candidate.undeclared(declared):
            undecided.setdefault(name, candidate.code)
    for name, code in undecided.items():
        problems.append((name, f"the declared value '{name}' is needed: it decides the reduced rate {code}"))
    return None


def _declared(declared: Mapping[str, int], name: str, low: int, high: int, problems: list[tuple[str, str]]) -> int:
    value = declared.get(name)
    if value is None:
        problems.append((name, f"the declared value '{name}' is needed"))
        return 0
    if not low <= value <= high:
        problems.append((name, f"the declared value '{name}' must be between {low} and {high}"))
        return 0
    return value


# --- standards as data ---------------------------------------------------------------


def rule_from_row(row: Any) -> Rule:
    """A Rule from a FeeStandard row (or anything with the same attributes)."""
    return Rule(
        kind=row.rule,
        fixed_amount_fen=row.fixed_amount_fen,
        unit_price_fen=row.unit_price_fen,
        quantity_value=row.quantity_value,
        rate_basis_points=row.rate_basis_points,
        base_value=row.base_value,
        minimum_fen=row.minimum_fen,
        maximum_fen=row.maximum_fen,
        reduced_rates=reduced_rates_from_data(row.reduced_rates or []),
        value_ranges=conditions_from_data(row.value_ranges or []),
    )


def reduced_rates_from_data(data: list[dict[str, Any]]) -> tuple[ReducedRate, ...]:
    return tuple(
        ReducedRate(
            code=str(r.get("code", "")),
            name=str(r.get("name", "")),
            rate_basis_points=int(r.get("rate_basis_points", 0)),
            conditions=conditions_from_data(list(r.get("conditions", []))),
        )
        for r in data
    )


def conditions_from_data(data: list[dict[str, Any]]) -> tuple[Condition, ...]:
    """[{value, min?, max?}] (a reduced rate's conditions, a rule's value ranges)."""
    return tuple(
        Condition(str(c.get("value", "")), _optional_int(c.get("min")), _optional_int(c.get("max"))) for c in data
    )


def conditions_to_data(conditions: tuple[Condition, ...]) -> list[dict[str, Any]]:
    out = []
    for c in conditions:
        condition: dict[str, Any] = {"value": c.value_name}
        if c.min is not None:
            condition["min"] = c.min
        if c.max is not None:
            condition["max"] = c.max
        out.append(condition)
    return out


def reduced_rates_to_data(rates: tuple[ReducedRate, ...]) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "name": r.name,
            "rate_basis_points": r.rate_basis_points,
            "conditions": conditions_to_data(r.conditions),
        }
        for r in rates
    ]


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def validate_standard(
    *, code: str, name: str, department_code: str, fee_type: str, legal_basis: str, rule: Rule, prefix: str = ""
) -> list[FieldViolation]:
    """Every problem of a standard version, named by field; an empty list means it is sound."""
    problems: list[FieldViolation] = []

    def bad(field_name: str, message: str) -> None:
        problems.append(FieldViolation(prefix + field_name, message))

    if not CODE.match(code):
        bad("code", "upper-case letters, digits and '-', 2 to 40 characters")
    if not name.strip() or len(name) > 200:
        bad("name", "is required (at most 200 characters)")
    if not DEPARTMENT.match(department_code):
        bad("department_code", "a department code such as AIC")
    if fee_type not in FEE_TYPES:
        bad("fee_type", f"one of {', '.join(FEE_TYPES)}")
    if not legal_basis.strip() or len(legal_basis) > 400:
        bad("legal_basis", "every fee needs its legal basis (at most 400 characters)")
    if rule.kind not in RULES:
        bad("rule", f"one of {', '.join(RULES)}")
        return problems
    used = {
        FIXED: {"fixed_amount_fen"},
        PER_UNIT: {"unit_price_fen", "quantity_value"},
        RATE: {"rate_basis_points", "base_value", "minimum_fen", "maximum_fen", "reduced_rates"},
    }[rule.kind]
    for attribute in (
        "fixed_amount_fen",
        "unit_price_fen",
        "quantity_value",
        "rate_basis_points",
        "base_value",
        "minimum_fen",
        "maximum_fen",
        "reduced_rates",
    ):
        if attribute not in used and getattr(rule, attribute):
            bad(attribute, f"not used by a {rule.kind} rule: leave it empty")
    if rule.kind == FIXED and not 0 < rule.fixed_amount_fen <= MAX_AMOUNT:
        bad("fixed_amount_fen", f"between 1 and {MAX_AMOUNT}")
    if rule.kind == PER_UNIT:
        if not 0 < rule.unit_price_fen <= MAX_AMOUNT:
            bad("unit_price_fen", f"between 1 and {MAX_AMOUNT}")
        if not VALUE_NAME.match(rule.quantity_value):
            bad("quantity_value", "the name of a declared value, e.g. quantity")
    if rule.kind == RATE:
        if not 0 < rule.rate_basis_points <= BASIS_POINTS:
            bad("rate_basis_points", "between 1 and 10000 (0.01% to 100%)")
        if not VALUE_NAME.match(rule.base_value):
            bad("base_value", "the name of a declared value, e.g. declared_price_fen")
        if not 0 <= rule.minimum_fen <= MAX_AMOUNT:
            bad("minimum_fen", f"between 0 and {MAX_AMOUNT}")
        if not 0 <= rule.maximum_fen <= MAX_AMOUNT or (rule.maximum_fen and rule.maximum_fen < rule.minimum_fen):
            bad("maximum_fen", "0 (no maximum) or at least the minimum")
        for i, reduced in enumerate(rule.reduced_rates):
            here = f"reduced_rates[{i}]"
            if not REDUCTION_CODE.match(reduced.code):
                bad(f"{here}.code", "upper-case letters, digits, '-' and '_', 2 to 40 characters")
            if not 0 <= reduced.rate_basis_points < rule.rate_basis_points:
                bad(f"{here}.rate_basis_points", "a reduced rate is below the standard rate")
            if not reduced.conditions:
                bad(f"{here}.conditions", "at least one condition (otherwise it would always apply)")
            for j, condition in enumerate(reduced.conditions):
                if not VALUE_NAME.match(condition.value_name):
                    bad(f"{here}.conditions[{j}].value", "the name of a declared value")
                if condition.min is None and condition.max is None:
                    bad(f"{here}.conditions[{j}]", "needs a min, a max or both")
                elif condition.min is not None and condition.max is not None and condition.min > condition.max:
                    bad(f"{here}.conditions[{j}]", "min is above max")
    read, ranged = rule.values_read(), set()
    for i, allowed in enumerate(rule.value_ranges):
        here = f"value_ranges[{i}]"
        if allowed.value_name not in read:
            bad(f"{here}.value", f"a declared value the rule reads ({', '.join(read) or 'none'})")
        elif allowed.value_name in ranged:
            bad(f"{here}.value", "one range per value")
        ranged.add(allowed.value_name)
        if allowed.min is None and allowed.max is None:
            bad(here, "needs a min, a max or both")
        elif allowed.min is not None and allowed.max is not None and allowed.min > allowed.max:
            bad(here, "min is above max")
    return problems
