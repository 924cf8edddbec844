"""Quick-Check rounds through the services: who may rate what, closing, immutability, decisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amtsweg.core.models import AuditEntry
from amtsweg.strategy import selectors
from amtsweg.strategy.models import Rating, Score, TierDecision
from amtsweg.strategy.services import (
    RoundClosedError,
    rating_save,
    round_close,
    round_open,
    round_update,
    tier_decision_record,
)
from amtsweg.strategy.tests.factories import StrategyWorld, strategy_world
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db


@module_world
def _world_built() -> StrategyWorld:
    return strategy_world()


@pytest.fixture
def world(_world_built: StrategyWorld, db: None) -> StrategyWorld:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def _open(world: StrategyWorld):  # type: ignore[no-untyped-def]
    return round_open(actor=world.digital, strategy=world.strategy, title="Runde 1")


def test_the_digital_team_opens_a_round_with_the_defaults(world: StrategyWorld) -> None:
    round_ = _open(world)
    assert (round_.scale_min, round_.scale_max) == (1, 5)
    assert [c.name for c in round_.criteria.all()] == ["Bedeutung", "Digitalisierungspotenzial"]
    assert {p.authority for p in round_.round_participants.all()} == {world.kreis, world.town_a, world.town_b}
    assert list(round_.fields.order_by("order")) == world.fields
    assert AuditEntry.objects.filter(action="strategy.round.opened").count() == 1


def test_only_the_strategy_owner_team_opens_rounds(world: StrategyWorld) -> None:
    for actor in (world.rater_a, world.nobody):
        with pytest.raises(PermissionDenied):
            round_open(actor=actor, strategy=world.strategy, title="x")


def test_a_town_rates_for_itself_only(world: StrategyWorld) -> None:
    round_ = _open(world)
    field = world.fields[0]
    rating = rating_save(
        actor=world.rater_a,
        round=round_,
        authority=world.town_a,
        field=field,
        scores={"bedeutung": 5, "potenzial": 4},
        comment="Wichtig.",
    )
    assert {s.criterion.key: s.value for s in rating.scores.all()} == {"bedeutung": 5, "potenzial": 4}
    # changing the rating keeps one rating with new values
    rating_save(
        actor=world.rater_a,
        round=round_,
        authority=world.town_a,
        field=field,
        scores={"bedeutung": 3, "potenzial": 3},
    )
    assert Rating.objects.count() == 1
    assert sorted(Score.objects.values_list("value", flat=True)) == [3, 3]
    for actor, authority in (
        (world.rater_a, world.town_b),
        (world.rater_b, world.town_a),
        (world.nobody, world.town_a),
    ):
        with pytest.raises(PermissionDenied):
            rating_save(
                actor=actor,
                round=round_,
                authority=authority,
                field=field,
                scores={"bedeutung": 1, "potenzial": 1},
            )


@pytest.mark.parametrize(
    "scores",
    [
        {"bedeutung": 6, "potenzial": 3},
        {"bedeutung": 0, "potenzial": 3},
        {"bedeutung": 3},
        {"bedeutung": 3, "potenzial": 3, "x": 2},
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(world: StrategyWorld, scores: dict[str, int]) -> None:
    round_ = _open(world)
    with pytest.raises(ValidationError):
        rating_save(
            actor=world.rater_a, round=round_, authority=world.town_a, field=world.fields[0], scores=scores
        )
    assert not Rating.objects.exists()
    assert not Score.objects.exists()


def test_participants_see_only_their_own_ratings_until_the_close(world: StrategyWorld) -> None:
    round_ = _open(world)
    for actor, authority, value in ((world.rater_a, world.town_a, 5), (world.rater_b, world.town_b, 1)):
        rating_save(
            actor=actor,
            round=round_,
            authority=authority,
            field=world.fields[0],
            scores={"bedeutung": value, "potenzial": value},
        )
    assert [r.authority for r in selectors.ratings_visible(world.rater_a, round_)] == [world.town_a]
    assert [r.authority for r in selectors.ratings_visible(world.rater_b, round_)] == [world.town_b]
    assert list(selectors.ratings_visible(world.digital, round_)) == []  # the Kreis has not rated yet
    assert selectors.round_for(world.nobody, round_.pk) is None
    round_close(actor=world.digital, round=round_)
    round_.refresh_from_db()
    assert selectors.ratings_visible(world.rater_a, round_).count() == 2
    assert selectors.ratings_visible(world.digital, round_).count() == 2


def test_a_closed_round_is_immutable(world: StrategyWorld) -> None:
    round_ = _open(world)
    rating_save(
        actor=world.rater_a,
        round=round_,
        authority=world.town_a,
        field=world.fields[0],
        scores={"bedeutung": 4, "potenzial": 4},
    )
    with pytest.raises(PermissionDenied):
        round_close(actor=world.rater_a, round=round_)
    round_close(actor=world.digital, round=round_)
    with pytest.raises(RoundClosedError):
        rating_save(
            actor=world.rater_a,
            round=round_,
            authority=world.town_a,
            field=world.fields[0],
            scores={"bedeutung": 1, "potenzial": 1},
        )
    with pytest.raises(RoundClosedError):
        round_update(actor=world.digital, round=round_, data={"title": "neu"})
    with pytest.raises(RoundClosedError):
        round_close(actor=world.digital, round=round_)
    assert sorted(Score.objects.values_list("value", flat=True)) == [4, 4]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(-2, 8), min_size=2, max_size=2))
def test_closed_rounds_refuse_any_value(world: StrategyWorld, values: list[int]) -> None:
    round_ = world.strategy.rounds.filter(title="geschlossen").first()
    if round_ is None:
        round_ = round_open(actor=world.digital, strategy=world.strategy, title="geschlossen")
        round_close(actor=world.digital, round=round_)
    with pytest.raises((RoundClosedError, ValidationError)):
        rating_save(
            actor=world.rater_b,
            round=round_,
            authority=world.town_b,
            field=world.fields[1],
            scores=dict(zip(("bedeutung", "potenzial"), values, strict=True)),
        )
    assert not Rating.objects.filter(round=round_).exists()


def test_results_and_recorded_decision(world: StrategyWorld) -> None:
    round_ = _open(world)
    plan = {  # (Kreis, A, B) per field and criterion
        0: ((5, 5, 4), (5, 4, 4)),  # means 4.67, 4.33 → score 4.5 → I
        1: ((4, 3, 3), (3, 3, 3)),  # 3.33, 3 → 3.17 → II
        2: ((2, 3, 2), (2, 2, 3)),  # 2.33, 2.33 → III
    }
    raters = ((world.digital, world.kreis), (world.rater_a, world.town_a), (world.rater_b, world.town_b))
    for index, (importance, potential) in plan.items():
        for position, (actor, authority) in enumerate(raters):
            rating_save(
                actor=actor,
                round=round_,
                authority=authority,
                field=world.fields[index],
                scores={"bedeutung": importance[position], "potenzial": potential[position]},
            )
    with pytest.raises(ValidationError):  # decisions only after the close
        tier_decision_record(actor=world.digital, round=round_, field=world.fields[0], tier=1)
    round_close(actor=world.digital, round=round_)
    results = selectors.round_results(round_)
    assert [r.proposed_tier for r in results.fields] == [1, 2, 3]
    verwaltung = results.fields[0]
    assert verwaltung.stats["bedeutung"].mean_float == pytest.approx(14 / 3)
    assert results.deviations["Stadt A"][world.fields[0].pk]["bedeutung"] == pytest.approx(5 - 14 / 3)
    with pytest.raises(ValidationError):  # differing from the proposal needs a reason
        tier_decision_record(
            actor=world.digital, round=round_, field=world.fields[1], tier=1, proposed_tier=2
        )
    with pytest.raises(PermissionDenied):
        tier_decision_record(
            actor=world.rater_a, round=round_, field=world.fields[1], tier=2, proposed_tier=2
        )
    tier_decision_record(
        actor=world.digital,
        round=round_,
        field=world.fields[1],
        tier=1,
        proposed_tier=2,
        reason="Schulen zuerst.",
    )
    decision = TierDecision.objects.get()
    assert (decision.proposed_tier, decision.tier, decision.reason) == (2, 1, "Schulen zuerst.")
    assert selectors.round_results(round_).fields[1].decision == decision
