"""The maturity dashboard pages: matrix, levels with criteria, learning from each other, permissions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.strategy.tests.test_maturity import maturity_world
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db


@module_world
def _world_built() -> dict[str, Any]:
    return maturity_world()


@pytest.fixture
def world(_world_built: dict[str, Any], db: None) -> dict[str, Any]:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


@pytest.fixture
def digital(world: dict[str, Any]) -> Client:
    return login_verified(Client(), staff_create("digital", world["scenario"].kreis, "digitalisierungsteam"))


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_digital_team_sees_the_matrix_with_levels_and_criteria(
    digital: Client, world: dict[str, Any]
) -> None:
    response = digital.get(reverse("strategy:maturity"))
    assert response.status_code == 200
    page = _text(response)
    assert '<th scope="col" class="kern-table__header kern-table__header--numeric">Dülmen</th>' in page
    assert (
        '<th scope="row" class="kern-table__header"><a class="kern-link" '
        'href="/strategie/reifegrad/baugenehmigung/">Baugenehmigung</a></th>' in page
    )
    assert "Nachweise online" in page
    assert "noch nicht messbar" in page
    assert "(fehlt: Nachweise online)" in page  # Coesfeld's permit form lacks the upload
    assert "keine Rangfolge" in page


def test_learning_from_each_other_names_what_peers_have_online(
    digital: Client, world: dict[str, Any]
) -> None:
    page = _text(digital.get(reverse("strategy:maturity"), {"gemeinde": "coesfeld"}))
    assert "Dülmen hat 2 Leistungen online, die Sie noch nicht haben – Ansprechstelle:" in page
    assert "Bürgerbüro" in page
    # No ranking: the comparison lists towns alphabetically, never "Platz".
    assert "Platz" not in page
    assert "Rang " not in page


def test_filters_and_the_other_model(digital: Client, world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    response = digital.get(
        reverse("strategy:maturity"), {"themenfeld": scenario.themenfeld.slug, "modell": world["new"].pk}
    )
    page = _text(response)
    assert response.status_code == 200
    assert "Reifegradmodell 2.0" in page
    assert "Digitale Bearbeitung" in page
    assert "Fahrzeug zulassen" in page
    assert "Wohnsitz anmelden</a>" not in page
    bad = digital.get(reverse("strategy:maturity"), {"modell": "999999"})
    assert bad.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben" in _text(bad)


def test_the_service_page_shows_responsibility_and_explains_missing_figures(
    digital: Client, world: dict[str, Any]
) -> None:
    response = digital.get(reverse("strategy:maturity_service", args=["baugenehmigung"]))
    assert response.status_code == 200
    page = _text(response)
    assert "Kreis Coesfeld" in page
    assert "Stadt Dülmen" in page
    assert "vom Eingang bis zur Entscheidung" in page  # how the median processing time is measured
    assert "Papier" in page  # why the online share is "–"
    assert digital.get(reverse("strategy:maturity_service", args=["gibt-es-nicht"])).status_code == 404


def test_only_staff_with_the_cockpit_right_and_second_factor(world: dict[str, Any]) -> None:
    url = reverse("strategy:maturity")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/anmelden/" in anonymous["Location"]
    kreis = world["scenario"].kreis
    caseworker = login_verified(Client(), staff_create("sb", kreis, "sachbearbeitung"))
    assert caseworker.get(url).status_code == 403
    unverified = Client()
    unverified.force_login(staff_create("ohne", kreis, "digitalisierungsteam"))
    assert unverified.get(url).status_code == 403
