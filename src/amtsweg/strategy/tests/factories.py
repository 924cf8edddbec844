"""A small Kreis with two towns, a strategy with three fields, and staff with strategy roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amtsweg.access.testing import staff_create
from amtsweg.strategy.models import FieldOfAction, Strategy
from amtsweg.tenants.models import Authority


@dataclass
class StrategyWorld:
    kreis: Authority
    town_a: Authority
    town_b: Authority
    strategy: Strategy
    fields: list[FieldOfAction]
    digital: Any  # Kreis digital team
    rater_a: Any  # participation role of town A
    rater_b: Any  # participation role of town B
    nobody: Any  # staff without a role


def strategy_world() -> StrategyWorld:
    kreis = Authority.objects.create(name="Kreis K", short_name="K", slug="k", kind="kreis", ags="09999000")
    town_a = Authority.objects.create(
        name="Stadt A", short_name="A", slug="a", kind="stadt", ags="09999001", parent=kreis
    )
    town_b = Authority.objects.create(
        name="Gemeinde B", short_name="B", slug="b", kind="gemeinde", ags="09999002", parent=kreis
    )
    strategy = Strategy.objects.create(owner=kreis, title="Strategie K", slug="strategie-k")
    fields = [
        FieldOfAction.objects.create(strategy=strategy, name=name, slug=name.lower(), order=i)
        for i, name in enumerate(("Verwaltung", "Bildung", "Kultur"))
    ]
    return StrategyWorld(
        kreis=kreis,
        town_a=town_a,
        town_b=town_b,
        strategy=strategy,
        fields=fields,
        digital=staff_create("digital", kreis, "digitalisierungsteam"),
        rater_a=staff_create("rater-a", town_a, "strategie-beteiligung"),
        rater_b=staff_create("rater-b", town_b, "strategie-beteiligung"),
        nobody=staff_create("nobody", town_a),
    )
