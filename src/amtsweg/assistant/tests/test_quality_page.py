"""The quality page: Digitalisierungsteam only, shows every model's latest figures and the triage share."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.assistant.models import RoutingDecision
from amtsweg.assistant.services import eval_run_record
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Coesfeld", short_name="Coesfeld", slug="kreis", kind=Authority.Kind.KREIS, ags="05558000"
    )


def test_only_the_digital_team_sees_the_figures(kreis: Authority) -> None:
    url = reverse("assistant:quality")
    assert reverse("accounts:login") in Client().get(url)["Location"]
    clerk = login_verified(Client(), staff_create("sachbearbeitung", kreis, "sachbearbeitung"))
    assert clerk.get(url).status_code == 403
    unverified = Client()
    unverified.force_login(staff_create("team-ohne-faktor", kreis, "digitalisierungsteam"))
    assert unverified.get(url).status_code == 403

    eval_run_record(
        kind="search",
        model_name="hybrid bm25+e5-small",
        dataset="demo_catalogue.jsonl + search_holdout.csv",
        metrics={"recall@5": 0.99, "mrr@10": 0.97},
    )
    RoutingDecision.objects.create(
        text_sha256="a", label="x", confidence=0.9, outcome="auto", method="router"
    )
    RoutingDecision.objects.create(
        text_sha256="b", label="", confidence=0.2, outcome="triage", method="router"
    )
    team = login_verified(Client(), staff_create("digital", kreis, "digitalisierungsteam"))
    response = team.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "hybrid bm25+e5-small" in html
    assert "search_holdout.csv" in html
    assert "0.99" in html or "0,99" in html
    assert "1 von 2 Anliegen" in html


@pytest.mark.embedding
def test_the_page_says_how_many_services_have_a_current_vector(kreis: Authority) -> None:
    from amtsweg.assistant.services import embeddings_refresh
    from amtsweg.catalog.services import service_create, service_update

    dog = service_create(
        actor=None, data={"owner": kreis, "name": "Hund anmelden", "short_text": "Hundesteuer."}
    )
    service_create(actor=None, data={"owner": kreis, "name": "Wohngeld", "short_text": "Zuschuss zur Miete."})
    team = login_verified(Client(), staff_create("digital", kreis, "digitalisierungsteam"))
    url = reverse("assistant:quality")
    assert "0 von 2 Leistungen mit aktuellem Vektor" in team.get(url).content.decode()
    embeddings_refresh()
    assert "2 von 2 Leistungen mit aktuellem Vektor" in team.get(url).content.decode()
    # A changed text makes the stored vector stale until the worker has run again.
    service_update(actor=None, service=dog, data={"keywords": ["Welpe"]})
    assert "1 von 2 Leistungen mit aktuellem Vektor" in team.get(url).content.decode()
    assert embeddings_refresh() == 1
    assert "2 von 2 Leistungen mit aktuellem Vektor" in team.get(url).content.decode()
