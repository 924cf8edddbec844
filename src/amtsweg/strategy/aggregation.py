"""Quick-Check results as pure functions: means, spread, agreement, deviations, proposed tiers.

Nothing here touches the database, so every number can be checked by hand (and is, in
``tests/test_aggregation.py``). Arithmetic is exact (:class:`fractions.Fraction`); values are
rounded only for display.

Definitions (for one field and one criterion, over the participants who rated it, *n* ≥ 1):

* **mean** – the arithmetic mean of the values.
* **standard deviation** – the *population* standard deviation, √(Σ(x − mean)² / n): the
  participants are the whole population asked, not a sample of it.
* **range** – minimum and maximum value.
* **agreement** – 1 − std / std_max, where std_max = (scale_max − scale_min) / 2 is the largest
  standard deviation possible on the scale (half of the participants at each end). 1 means
  everyone gave the same value, 0 means the participants split between the two ends of the scale.
* **deviation** of a participant – its value minus the mean (the deviations of a field sum to 0).

The **tier rule** (stored on the round, so a later round may use other thresholds): the *score* of
a field is the mean of the means of the criteria that count for the tier. score ≥ ``tier_one_min``
→ Priorität I; score ≥ ``tier_two_min`` → Priorität II; otherwise Priorität III. A field nobody rated
gets no proposal. The proposal informs the workshop; the decided tier is recorded separately.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

TIER_ONE, TIER_TWO, TIER_THREE = 1, 2, 3


@dataclass(frozen=True)
class Value:
    """One score: who rated which field on which criterion."""

    participant: Hashable
    field: Hashable
    criterion: Hashable
    value: int


@dataclass(frozen=True)
class Stats:
    """Statistics of one field on one criterion."""

    count: int
    mean: Fraction
    std: float
    minimum: int
    maximum: int
    agreement: float
    deviations: dict[Hashable, Fraction]

    @property
    def mean_float(self) -> float:
        return float(self.mean)


@dataclass(frozen=True)
class TierRule:
    tier_one_min: Decimal
    tier_two_min: Decimal

    def tier(self, score: Fraction | None) -> int | None:
        if score is None:
            return None
        if score >= Fraction(self.tier_one_min):
            return TIER_ONE
        if score >= Fraction(self.tier_two_min):
            return TIER_TWO
        return TIER_THREE


def mean(values: Sequence[int]) -> Fraction:
    if not values:
        raise ValueError("mean of no values")
    return Fraction(sum(values), len(values))


def population_std(values: Sequence[int]) -> float:
    centre = mean(values)
    variance = sum((Fraction(v) - centre) ** 2 for v in values) / len(values)
    return math.sqrt(variance)


def agreement(std: float, scale_min: int, scale_max: int) -> float:
    """1 − std / std_max, clamped to [0, 1] (see the module docstring)."""
    if scale_max <= scale_min:
        raise ValueError("scale_max must be greater than scale_min")
    std_max = (scale_max - scale_min) / 2
    return max(0.0, min(1.0, 1 - std / std_max))


def stats(values_by_participant: dict[Hashable, int], scale_min: int, scale_max: int) -> Stats:
    """Statistics of one field on one criterion from {participant: value}."""
    values = list(values_by_participant.values())
    centre = mean(values)
    std = population_std(values)
    return Stats(
        count=len(values),
        mean=centre,
        std=std,
        minimum=min(values),
        maximum=max(values),
        agreement=agreement(std, scale_min, scale_max),
        deviations={who: Fraction(value) - centre for who, value in values_by_participant.items()},
    )


def field_stats(
    values: Iterable[Value], scale_min: int, scale_max: int
) -> dict[Hashable, dict[Hashable, Stats]]:
    """{field: {criterion: Stats}} for every field and criterion that has at least one value."""
    grouped: dict[Hashable, dict[Hashable, dict[Hashable, int]]] = defaultdict(lambda: defaultdict(dict))
    for item in values:
        if not scale_min <= item.value <= scale_max:
            raise ValueError(f"value {item.value} outside the scale {scale_min}–{scale_max}")
        grouped[item.field][item.criterion][item.participant] = item.value
    return {
        field: {
            criterion: stats(by_participant, scale_min, scale_max)
            for criterion, by_participant in crit.items()
        }
        for field, crit in grouped.items()
    }


def score(by_criterion: dict[Hashable, Stats], tier_criteria: Sequence[Hashable]) -> Fraction | None:
    """The mean of the criterion means that count for the tier; None if one of them has no value."""
    means = [by_criterion[c].mean for c in tier_criteria if c in by_criterion]
    if not tier_criteria or len(means) != len(tier_criteria):
        return None
    return sum(means, Fraction(0)) / len(means)


def proposed_tiers(
    results: dict[Hashable, dict[Hashable, Stats]],
    fields: Iterable[Hashable],
    tier_criteria: Sequence[Hashable],
    rule: TierRule,
) -> dict[Hashable, int | None]:
    """{field: proposed tier (1, 2, 3) or None when the field lacks ratings}."""
    return {field: rule.tier(score(results.get(field, {}), tier_criteria)) for field in fields}
