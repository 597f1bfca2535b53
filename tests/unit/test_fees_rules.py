"""Property-based tests of the money rules (services/fees/rules.py): integer fen, one rounding
per line (half up, after the bounds), totals that are the plain sum of their lines, reduced
rates chosen by data."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services.fees import rules
from services.fees.rules import Condition, ReducedRate, Rule

bases = st.integers(min_value=1, max_value=rules.MAX_DECLARED)
rates = st.integers(min_value=1, max_value=rules.BASIS_POINTS)
bounds = st.integers(min_value=0, max_value=10**9)


@given(st.integers(min_value=-(10**20), max_value=10**20), st.integers(min_value=1, max_value=10**6))
def test_round_half_up_is_the_nearest_integer_with_halves_away_from_zero(numerator, denominator):
    exact = Fraction(numerator, denominator)
    rounded = rules.round_half_up(numerator, denominator)
    assert abs(rounded - exact) <= Fraction(1, 2)
    if abs(rounded - exact) == Fraction(1, 2):
        assert abs(rounded) > abs(exact)  # a half goes away from zero


@given(bases, rates, bounds, bounds)
def test_rate_amount_is_the_exact_amount_bounded_then_rounded(base, rate, minimum, maximum):
    assume(maximum == 0 or maximum >= minimum)
    amount = rules.rate_amount(base, rate, minimum, maximum)
    exact = Fraction(base * rate, rules.BASIS_POINTS)
    bounded = max(exact, minimum)
    if maximum:
        bounded = min(bounded, maximum)
    assert isinstance(amount, int)
    assert abs(amount - bounded) <= Fraction(1, 2)
    assert amount >= minimum and (maximum == 0 or amount <= maximum)
    # Rounding first and bounding after gives the same (bounds are whole fen).
    after = max(rules.round_half_up(base * rate, rules.BASIS_POINTS), minimum)
    assert amount == (min(after, maximum) if maximum else after)


@given(bases, bases, rates)
def test_rate_amount_never_decreases_with_the_base(a, b, rate):
    low, high = sorted((a, b))
    assert rules.rate_amount(low, rate) <= rules.rate_amount(high, rate)


@given(st.lists(st.tuples(bases, rates), min_size=1, max_size=20))
def test_a_total_is_the_sum_of_its_lines_and_drifts_at_most_half_a_fen_per_line(lines):
    amounts = [rules.rate_amount(base, rate) for base, rate in lines]
    exact = sum(Fraction(base * rate, rules.BASIS_POINTS) for base, rate in lines)
    total = sum(amounts)
    assert abs(total - exact) <= Fraction(len(lines), 2)


def test_known_amounts():
    assert rules.rate_amount(50, 100) == 1  # 0.5 fen rounds up
    assert rules.rate_amount(49, 100) == 0
    assert rules.rate_amount(123_456_789, 100) == 1_234_568
    assert rules.rate_amount(1, 300, minimum_fen=500) == 500
    assert rules.rate_amount(10**12, 300, maximum_fen=10**6) == 10**6
    assert rules.yuan(123456) == "1,234.56" and rules.yuan(-1) == "-0.01"


DEED = Rule(
    kind="rate",
    rate_basis_points=300,
    base_value="declared_price_fen",
    reduced_rates=(
        ReducedRate(
            "SMALL", "small first home", 100, (Condition("first_home", 1, 1), Condition("floor_area_cm2", 1, 900_000))
        ),
        ReducedRate("FIRST", "first home", 150, (Condition("first_home", 1, 1),)),
    ),
)


@given(bases, st.sampled_from([None, 0, 1]), st.one_of(st.none(), st.integers(min_value=1, max_value=10**7)))
def test_the_first_reduced_rate_whose_conditions_hold_applies(price, first_home, area):
    # Changed with issue 8: a value a deciding condition reads may not be missing. It used
    # to count as "condition false", so a first home without its area paid 1.5% and a case
    # without first_home 3%; now the values that leave the rate undecided are named.
    declared = {"declared_price_fen": price}
    if first_home is not None:
        declared["first_home"] = first_home
    if area is not None:
        declared["floor_area_cm2"] = area
    if first_home is None or (first_home == 1 and area is None):
        with pytest.raises(rules.ValueProblem) as caught:
            rules.compute(DEED, declared)
        assert caught.value.value_name == ("first_home" if first_home is None else "floor_area_cm2")
        return
    expected_rate = 300
    if first_home == 1:
        expected_rate = 100 if area is not None and area <= 900_000 else 150
    assert rules.compute(DEED, declared).amount_fen == rules.rate_amount(price, expected_rate)


@pytest.mark.parametrize(
    ("declared", "named"),
    [
        ({"first_home": 1}, "floor_area_cm2"),  # a first home: the area decides 1% or 1.5%
        ({}, "first_home"),
        ({"floor_area_cm2": 800_000}, "first_home"),
    ],
)
def test_a_value_a_reduced_rate_needs_is_refused_when_missing(declared, named):
    with pytest.raises(rules.ValueProblem) as caught:
        rules.compute(DEED, {"declared_price_fen": 100_000_000, **declared})
    assert caught.value.value_name == named


def test_a_missing_value_no_deciding_condition_reads_is_not_needed():
    # Not a first home: the area cannot change the rate, so it need not be declared.
    assert rules.compute(DEED, {"declared_price_fen": 100_000_000, "first_home": 0}).amount_fen == 3_000_000
    # A first home of 100 m2: the first reduced rate is out, the second holds.
    amount = rules.compute(DEED, {"declared_price_fen": 100_000_000, "first_home": 1, "floor_area_cm2": 1_000_000})
    assert amount.amount_fen == 1_500_000


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=rules.MAX_QUANTITY))
def test_per_unit_is_price_times_quantity(price, quantity):
    rule = Rule(kind="per_unit", unit_price_fen=price, quantity_value="quantity")
    assert rules.compute(rule, {"quantity": quantity}).amount_fen == price * quantity


@pytest.mark.parametrize("declared", [{}, {"quantity": 0}, {"quantity": -3}, {"quantity": rules.MAX_QUANTITY + 1}])
def test_a_missing_or_impossible_value_is_named(declared):
    rule = Rule(kind="per_unit", unit_price_fen=100, quantity_value="quantity")
    with pytest.raises(rules.ValueProblem) as caught:
        rules.compute(rule, declared)
    assert caught.value.value_name == "quantity"


def test_a_standard_is_checked_field_by_field():
    rule = Rule(
        kind="rate",
        rate_basis_points=300,
        base_value="declared_price_fen",
        fixed_amount_fen=5,
        minimum_fen=10,
        maximum_fen=5,
        reduced_rates=(ReducedRate("HIGHER", "x", 400, ()),),
    )
    problems = rules.validate_standard(
        code="TAX-X", name="契税", department_code="FIN", fee_type="deed_tax", legal_basis="条例", rule=rule
    )
    assert {p.field for p in problems} == {
        "fixed_amount_fen",
        "maximum_fen",
        "reduced_rates[0].rate_basis_points",
        "reduced_rates[0].conditions",
    }
    assert (
        rules.validate_standard(
            code="TAX-X", name="契税", department_code="FIN", fee_type="deed_tax", legal_basis="条例", rule=DEED
        )
        == []
    )


RANGED_DEED = Rule(
    kind="rate",
    rate_basis_points=300,
    base_value="declared_price_fen",
    reduced_rates=DEED.reduced_rates,
    value_ranges=(Condition("first_home", 0, 1), Condition("floor_area_cm2", 1, None)),
)


def test_every_value_outside_its_range_is_named_at_once():
    with pytest.raises(rules.ValueProblem) as caught:
        rules.compute(RANGED_DEED, {"declared_price_fen": 0, "first_home": 3, "floor_area_cm2": 0})
    assert sorted(caught.value.value_names) == ["declared_price_fen", "first_home", "floor_area_cm2"]
    assert "at least 1" in str(caught.value) and "between 0 and 1" in str(caught.value)
    # A value not declared is not out of range; it is needed only when a condition needs it.
    assert rules.compute(RANGED_DEED, {"declared_price_fen": 100, "first_home": 0}).amount_fen == 3


def test_value_ranges_are_checked_field_by_field():
    rule = Rule(
        kind="rate",
        rate_basis_points=300,
        base_value="declared_price_fen",
        reduced_rates=DEED.reduced_rates,
        value_ranges=(
            Condition("first_home", 0, 1),
            Condition("first_home", 0, 1),
            Condition("unread_value", 0, 1),
            Condition("floor_area_cm2"),
            Condition("declared_price_fen", 5, 1),
        ),
    )
    problems = rules.validate_standard(
        code="TAX-X", name="契税", department_code="FIN", fee_type="deed_tax", legal_basis="条例", rule=rule
    )
    assert {p.field for p in problems} == {
        "value_ranges[1].value",
        "value_ranges[2].value",
        "value_ranges[3]",
        "value_ranges[4]",
    }
    fixed = Rule(kind="fixed", fixed_amount_fen=100, value_ranges=(Condition("quantity", 1, 2),))
    assert [
        p.field
        for p in rules.validate_standard(
            code="FEE-X", name="费", department_code="AIC", fee_type="administrative", legal_basis="文", rule=fixed
        )
    ] == ["value_ranges[0].value"]
