"""The Quick-Check statistics and the tier rule on hand-computed examples, plus invariants."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtsweg.strategy.aggregation import (
    TierRule,
    Value,
    agreement,
    field_stats,
    population_std,
    proposed_tiers,
    score,
    stats,
)

RULE = TierRule(Decimal("4.00"), Decimal("3.00"))


def test_hand_computed_example() -> None:
    # Three participants rate one field: 5, 4, 3 → mean 4, deviations +1, 0, −1,
    # population std √(2/3) ≈ 0.8165, agreement on 1–5: 1 − 0.8165 / 2 ≈ 0.5918.
    result = stats({"K": 5, "A": 4, "B": 3}, 1, 5)
    assert result.mean == 4
    assert result.deviations == {"K": 1, "A": 0, "B": -1}
    assert result.std == pytest.approx(0.8165, abs=1e-4)
    assert (result.minimum, result.maximum) == (3, 5)
    assert result.agreement == pytest.approx(0.5918, abs=1e-4)


def test_agreement_is_one_for_unanimity_and_zero_for_the_extremes() -> None:
    assert stats({"K": 3, "A": 3}, 1, 5).agreement == 1
    assert stats({"K": 1, "A": 5}, 1, 5).agreement == 0
    assert agreement(0.5, 1, 5) == 0.75
    with pytest.raises(ValueError, match="greater"):
        agreement(0.5, 3, 3)


def test_tier_rule_uses_the_mean_of_both_criteria_with_inclusive_thresholds() -> None:
    values = [
        # Field V: Bedeutung 5, 4 (mean 4.5); Potenzial 4, 3 (mean 3.5) → score 4.0 → I (threshold inclusive)
        Value("K", "V", "b", 5),
        Value("A", "V", "b", 4),
        Value("K", "V", "p", 4),
        Value("A", "V", "p", 3),
        # Field B: 3, 3 and 3, 2 → 3.0 and 2.5 → score 2.75 → III
        Value("K", "B", "b", 3),
        Value("A", "B", "b", 3),
        Value("K", "B", "p", 3),
        Value("A", "B", "p", 2),
        # Field M: 4, 3 and 3, 2 → 3.5 and 2.5 → score 3.0 → II
        Value("K", "M", "b", 4),
        Value("A", "M", "b", 3),
        Value("K", "M", "p", 3),
        Value("A", "M", "p", 2),
    ]
    results = field_stats(values, 1, 5)
    assert score(results["V"], ["b", "p"]) == 4
    assert score(results["B"], ["b", "p"]) == Fraction(11, 4)
    tiers = proposed_tiers(results, ["V", "B", "M", "unrated"], ["b", "p"], RULE)
    assert tiers == {"V": 1, "B": 3, "M": 2, "unrated": None}


def test_other_thresholds_give_other_tiers() -> None:
    results = field_stats([Value("K", "F", "b", 4), Value("K", "F", "p", 3)], 1, 5)  # score 3.5
    assert proposed_tiers(results, ["F"], ["b", "p"], RULE) == {"F": 2}
    assert proposed_tiers(results, ["F"], ["b", "p"], TierRule(Decimal("3.5"), Decimal("2"))) == {"F": 1}


def test_a_field_missing_one_criterion_gets_no_proposal() -> None:
    results = field_stats([Value("K", "F", "b", 5)], 1, 5)
    assert score(results["F"], ["b", "p"]) is None


def test_values_outside_the_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        field_stats([Value("K", "F", "b", 6)], 1, 5)


scales = st.tuples(st.integers(0, 3), st.integers(1, 9)).map(lambda t: (t[0], t[0] + t[1]))


@given(data=st.data(), scale=scales)
def test_invariants(data: st.DataObject, scale: tuple[int, int]) -> None:
    low, high = scale
    values = data.draw(st.lists(st.integers(low, high), min_size=1, max_size=15))
    result = stats(dict(enumerate(values)), low, high)
    assert low <= result.mean <= high
    assert result.minimum <= result.mean <= result.maximum
    assert sum(result.deviations.values()) == 0  # exact arithmetic: exactly zero
    assert 0 <= result.agreement <= 1
    assert result.std >= 0
    assert result.std <= (high - low) / 2 + 1e-9
    assert math.isclose(result.std, population_std(values))
