"""The Lösungsbörse: a town offers a solution, another adopts it with one button (copy with provenance)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.tests.factories import KreisScenario, kreis_scenario
from amtsweg.core.models import AuditEntry
from amtsweg.strategy.models import Lesson, Solution
from amtsweg.strategy.services import strategy_object_save
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db


@module_world
def _scenario_built() -> KreisScenario:
    return kreis_scenario()


@pytest.fixture
def scenario(_scenario_built: KreisScenario, db: None) -> KreisScenario:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_scenario_built)


@pytest.fixture
def offer(scenario: KreisScenario) -> Solution:
    solution = Solution(
        authority=scenario.towns["duelmen"],
        title="Online-Formular Wohnsitz anmelden",
        kind=Solution.Kind.FORM,
        summary="Unser Formular mit Upload der Wohnungsgeberbestätigung.",
        contact="Bürgerbüro Dülmen",
        licence="EUPL-1.2",
    )
    strategy_object_save(
        actor=None, obj=solution, m2m={"services": [scenario.services["anmeldung"]]}, source="test"
    )
    return solution


def client_for(scenario: KreisScenario, town: str, role: str = "strategie-beteiligung") -> Client:
    user = staff_create(f"{role}-{town}", scenario.towns[town], role)
    return login_verified(Client(), user)


def test_a_town_adopts_a_solution_with_one_action(scenario: KreisScenario, offer: Solution) -> None:
    senden = client_for(scenario, "senden")
    listing = senden.get(reverse("strategy:knowledge"))
    assert listing.status_code == 200
    assert "Online-Formular Wohnsitz anmelden" in listing.content.decode()
    detail = senden.get(reverse("strategy:solution_detail", args=[offer.pk]))
    assert "Für Senden übernehmen" in detail.content.decode()

    response = senden.post(reverse("strategy:solution_adopt", args=[offer.pk]))
    assert response.status_code == 302
    copy = Solution.objects.get(authority=scenario.towns["senden"])
    assert copy.adopted_from == offer
    assert copy.adopted_at is not None
    assert copy.title == offer.title
    assert list(copy.services.all()) == [scenario.services["anmeldung"]]
    assert not copy.is_shared  # the copy is Senden's own until Senden shares it
    assert AuditEntry.objects.filter(
        action="strategy.solution.adopted", authority_id_ref=scenario.towns["senden"].pk
    ).exists()
    page = senden.get(response["Location"]).content.decode()
    assert "übernommen von Stadt Dülmen" in page
    # The original lists its adopter.
    assert "Senden" in senden.get(reverse("strategy:solution_detail", args=[offer.pk])).content.decode()


def test_adopting_twice_or_the_own_solution_is_refused_with_a_message(
    scenario: KreisScenario, offer: Solution
) -> None:
    senden = client_for(scenario, "senden")
    assert senden.post(reverse("strategy:solution_adopt", args=[offer.pk])).status_code == 302
    again = senden.post(reverse("strategy:solution_adopt", args=[offer.pk]))
    assert again.status_code == 400
    assert "schon übernommen" in again.content.decode()
    assert Solution.objects.filter(authority=scenario.towns["senden"]).count() == 1
    duelmen = client_for(scenario, "duelmen")
    own = duelmen.post(reverse("strategy:solution_adopt", args=[offer.pk]))
    assert own.status_code == 400
    assert "eigene Lösung" in own.content.decode()


def test_offer_a_solution_and_share_a_lesson(scenario: KreisScenario, offer: Solution) -> None:
    coesfeld = client_for(scenario, "coesfeld")
    response = coesfeld.post(
        reverse("strategy:solution_offer"),
        {
            "title": "Zuständigkeitsregel Jobcenter",
            "kind": "prozess",
            "summary": "Regel für den Jobcenter-Kontakt vor Ort.",
        },
    )
    assert response.status_code == 302
    created = Solution.objects.get(title="Zuständigkeitsregel Jobcenter")
    assert created.authority == scenario.towns["coesfeld"]
    assert created.is_shared
    invalid = coesfeld.post(reverse("strategy:solution_offer"), {"title": "", "kind": "prozess"})
    assert invalid.status_code == 400
    lesson = coesfeld.post(
        reverse("strategy:solution_detail", args=[offer.pk]),
        {"title": "Upload spart Rückfragen", "text": "Seit dem Upload kommen kaum noch Rückfragen."},
    )
    assert lesson.status_code == 302
    assert Lesson.objects.get(title="Upload spart Rückfragen").solution == offer


def _denied(response: Any) -> bool:
    return response.status_code in (302, 403) and (
        response.status_code == 403 or "/anmelden/" in response["Location"]
    )


def test_who_may_not_adopt(scenario: KreisScenario, offer: Solution) -> None:
    url = reverse("strategy:solution_adopt", args=[offer.pk])
    assert _denied(Client().post(url))
    # A caseworker has no part in the Lösungsbörse.
    caseworker = login_verified(Client(), staff_create("sb", scenario.towns["senden"], "sachbearbeitung"))
    assert caseworker.get(reverse("strategy:knowledge")).status_code == 403
    assert caseworker.post(url).status_code == 403
    # The role without the second factor of this session grants nothing.
    user = staff_create("ohne", scenario.towns["senden"], "strategie-beteiligung")
    unverified = Client()
    unverified.force_login(user)
    assert unverified.post(url).status_code == 403
    assert not Solution.objects.filter(adopted_from=offer).exists()
