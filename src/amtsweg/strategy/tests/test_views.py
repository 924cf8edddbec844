"""The cockpit pages as a town participant and as the Kreis digital team would use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified
from amtsweg.strategy.models import BudgetLine, Project, Rating, TierDecision
from amtsweg.strategy.services import rating_save, round_close, round_open
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


def _client(user: object) -> Client:
    return login_verified(Client(), user)


def _post_rating(
    client: Client, round_pk: int, authority_pk: int, world: StrategyWorld, value: str
) -> object:
    data: dict[str, str] = {}
    for field in world.fields:
        data[f"feld-{field.pk}-bedeutung"] = value
        data[f"feld-{field.pk}-potenzial"] = value
        data[f"feld-{field.pk}-comment"] = ""
    return client.post(reverse("strategy:round_rate", args=[round_pk, authority_pk]), data)


def test_anonymous_visitors_are_sent_to_the_login_and_citizens_are_refused(world: StrategyWorld) -> None:
    response = Client().get(reverse("strategy:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert _client(world.nobody).get(reverse("strategy:home")).status_code == 403


def test_unverified_staff_are_refused(world: StrategyWorld) -> None:
    client = Client()
    client.force_login(world.digital)
    assert client.get(reverse("strategy:home")).status_code == 403


def test_a_town_rates_and_the_team_closes_and_decides(world: StrategyWorld) -> None:
    team = _client(world.digital)
    response = team.post(
        reverse("strategy:round_create"),
        {
            "title": "Runde 2026",
            "scale_min": "1",
            "scale_max": "5",
            "tier_one_min": "4,00",
            "tier_two_min": "3,00",
            "handlungsfelder": [f.pk for f in world.fields],
            "participants": [world.kreis.pk, world.town_a.pk, world.town_b.pk],
        },
    )
    assert response.status_code == 302
    round_ = world.strategy.rounds.get()
    town = _client(world.rater_a)
    page = town.get(reverse("strategy:round_detail", args=[round_.pk]))
    assert "Für Stadt A bewerten" in page.content.decode()
    # incomplete form: 400, German message, nothing stored
    bad = town.post(reverse("strategy:round_rate", args=[round_.pk, world.town_a.pk]), {})
    assert bad.status_code == 400
    assert "Bitte wählen Sie einen Wert für „Bedeutung“." in bad.content.decode()
    assert not Rating.objects.exists()
    assert _post_rating(town, round_.pk, world.town_a.pk, world, "5").status_code == 302  # type: ignore[attr-defined]
    assert Rating.objects.filter(authority=world.town_a).count() == 3
    # a town cannot rate for another town
    assert _post_rating(town, round_.pk, world.town_b.pk, world, "1").status_code == 403  # type: ignore[attr-defined]
    # results are not shown before the close; a town cannot close
    assert town.get(reverse("strategy:round_results", args=[round_.pk])).status_code == 302
    assert town.post(reverse("strategy:round_close", args=[round_.pk])).status_code == 403
    assert team.post(reverse("strategy:round_close", args=[round_.pk])).status_code == 302
    results = team.get(reverse("strategy:round_results", args=[round_.pk]))
    html = results.content.decode()
    assert results.status_code == 200
    assert 'role="img"' in html
    assert "<title" in html
    assert "Daten des Portfolios" in html
    assert "5,00" in html
    # after the close the town sees the result, but rating again is refused
    assert town.get(reverse("strategy:round_results", args=[round_.pk])).status_code == 200
    again = _post_rating(town, round_.pk, world.town_a.pk, world, "1")
    assert again.status_code == 302  # type: ignore[attr-defined]
    assert set(Rating.objects.values_list("scores__value", flat=True)) == {5}
    field = world.fields[0]
    decision = team.post(
        reverse("strategy:decision_save", args=[round_.pk, field.pk]),
        {f"feld-{field.pk}-tier": "2", f"feld-{field.pk}-reason": ""},
    )
    assert decision.status_code == 400  # proposal is I, differing needs a reason
    assert "begründen" in decision.content.decode()
    decision = team.post(
        reverse("strategy:decision_save", args=[round_.pk, field.pk]),
        {f"feld-{field.pk}-tier": "2", f"feld-{field.pk}-reason": "Erst die Grundlagen."},
    )
    assert decision.status_code == 302
    assert TierDecision.objects.get().tier == 2
    assert (
        town.post(
            reverse("strategy:decision_save", args=[round_.pk, field.pk]), {f"feld-{field.pk}-tier": "1"}
        ).status_code
        == 403
    )


def test_a_town_does_not_see_rounds_it_is_not_part_of(world: StrategyWorld) -> None:
    round_ = round_open(
        actor=None, strategy=world.strategy, title="nur A", participants=[world.kreis, world.town_a]
    )
    assert _client(world.rater_b).get(reverse("strategy:round_detail", args=[round_.pk])).status_code == 404
    assert _client(world.rater_a).get(reverse("strategy:round_detail", args=[round_.pk])).status_code == 200


def test_portfolio_pages_render_for_the_team_and_are_closed_to_towns(world: StrategyWorld) -> None:
    team = _client(world.digital)
    for name in ("home", "workshops", "projects", "budget", "positions", "funding", "rounds"):
        assert team.get(reverse(f"strategy:{name}")).status_code == 200, name
    town = _client(world.rater_a)
    assert town.get(reverse("strategy:home")).status_code == 200  # their rounds
    for name in ("workshops", "projects", "budget", "positions", "funding"):
        assert town.get(reverse(f"strategy:{name}")).status_code == 403, name


def test_budget_line_form_validates_the_product_and_formats_money(world: StrategyWorld) -> None:
    team = _client(world.digital)
    url = reverse("strategy:record_create", args=["haushaltsposition"])
    data = {
        "year": "2020",
        "product": "18.02.01",
        "title": "Erste Projekte",
        "kind": "konsumtiv",
        "source": "eigenmittel",
        "plan": "30.000,00",
        "carry_over": "0",
        "commitments": "0",
        "actual": "0",
    }
    response = team.post(url, data)
    assert response.status_code == 400
    assert "Produktbereich 18" in response.content.decode()
    assert not BudgetLine.objects.exists()
    response = team.post(url, {**data, "product": "01.02.01"})
    assert response.status_code == 302, response.context["form"].errors
    line = BudgetLine.objects.get()
    assert (line.owner, line.plan) == (world.kreis, Decimal("30000.00"))
    assert "30.000,00\u00a0€" in team.get(reverse("strategy:budget")).content.decode()
    assert _client(world.rater_a).post(url, {**data, "product": "01.02.01"}).status_code == 403


def test_project_create(world: StrategyWorld) -> None:
    team = _client(world.digital)
    response = team.post(
        reverse("strategy:record_create", args=["projekt"]),
        {
            "title": "Onlinedienste",
            "slug": "onlinedienste",
            "field": world.fields[0].pk,
            "goal": "Alles online.",
            "lead": world.kreis.pk,
            "partners": [world.town_a.pk],
            "status": "geplant",
            "estimated_cost": "12.500,50",
        },
    )
    assert response.status_code == 302, response.content.decode()
    project = Project.objects.get()
    assert project.estimated_cost == Decimal("12500.50")
    assert list(project.partners.all()) == [world.town_a]
    detail = team.get(reverse("strategy:project_detail", args=[project.pk]))
    assert "12.500,50" in detail.content.decode()


def test_closed_round_rating_page_redirects(world: StrategyWorld) -> None:
    round_ = round_open(actor=None, strategy=world.strategy, title="x")
    rating_save(
        actor=None,
        round=round_,
        authority=world.town_a,
        field=world.fields[0],
        scores={"bedeutung": 2, "potenzial": 2},
    )
    round_close(actor=None, round=round_)
    response = _client(world.rater_a).get(reverse("strategy:round_rate", args=[round_.pk, world.town_a.pk]))
    assert response.status_code == 302


def test_delete_asks_first_and_keeps_records_in_use(world: StrategyWorld) -> None:
    team = _client(world.digital)
    project = Project.objects.create(
        strategy=world.strategy, field=world.fields[0], title="P", slug="p", goal="x", lead=world.kreis
    )
    line = BudgetLine.objects.create(
        owner=world.kreis, year=2022, product="01.02.01", title="L", kind="investiv", project=project
    )
    url = reverse("strategy:record_delete", args=["projekt", project.pk])
    assert "Endgültig löschen" in team.get(url).content.decode()
    response = team.post(url, follow=True)
    assert "wird noch verwendet" in response.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()
    assert (
        _client(world.rater_a)
        .post(reverse("strategy:record_delete", args=["haushaltsposition", line.pk]))
        .status_code
        == 403
    )
    assert (
        team.post(reverse("strategy:record_delete", args=["haushaltsposition", line.pk])).status_code == 302
    )
    assert not BudgetLine.objects.exists()
