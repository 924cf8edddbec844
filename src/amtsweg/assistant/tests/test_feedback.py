"""Learning from use: "Hat Ihnen das geholfen?" (no personal data, limited) and the Fachadmin's query list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.assistant.models import QueryFeedback
from amtsweg.catalog.models import Service
from amtsweg.catalog.tests.factories import KreisFactory, ServiceFactory
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bm25_only(settings: Any) -> None:
    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # the pages here need no dense model


@pytest.fixture
def kreis() -> Authority:
    return KreisFactory()


def _feedback(client: Client, kind: str, query: str, answer: str, **extra: Any) -> Any:
    return client.post(
        reverse("assistant:feedback"), {"art": kind, "anfrage": query, "hilfreich": answer}, **extra
    )


def test_a_search_without_hits_offers_feedback_and_is_counted_without_the_person(kreis: Authority) -> None:
    client = Client()
    html = client.get(reverse("catalog:search"), {"q": "Sperrmüllabholung"}).content.decode()
    assert "Hat Ihnen das geholfen?" in html
    assert 'name="hilfreich" value="nein"' in html
    # The as-you-type fragments are half-typed words: not counted.
    client.get(reverse("catalog:search"), {"q": "Sperrm"}, headers={"HX-Request": "true"})
    row = QueryFeedback.objects.get()
    assert (row.kind, row.query, row.unanswered) == ("suche", "Sperrmüllabholung", 1)

    response = _feedback(client, "suche", "Sperrmüllabholung", "nein", REMOTE_ADDR="192.0.2.7")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vielen Dank" in page
    assert "Kontaktformular" in page  # "not helpful" is no dead end either
    row.refresh_from_db()
    assert (row.unanswered, row.not_helpful, row.helpful) == (1, 1, 0)
    stored = " ".join(str(v) for v in QueryFeedback.objects.values().get().values())
    assert "192.0.2.7" not in stored
    assert _feedback(client, "suche", "Sperrmüllabholung", "ja").status_code == 200
    row.refresh_from_db()
    assert row.helpful == 1


@pytest.mark.parametrize(
    "query", ["meine mail erika@example.org", "Aktenzeichen 123456789", "x" * 201, "", "   "]
)
def test_queries_that_may_carry_personal_data_are_not_stored(kreis: Authority, query: str) -> None:
    assert _feedback(Client(), "suche", query, "nein").status_code == 200
    assert not QueryFeedback.objects.exists()


def test_bad_feedback_gets_a_message_and_a_400(kreis: Authority) -> None:
    response = _feedback(Client(), "irgendwas", "Hund", "vielleicht")
    assert response.status_code == 400
    assert "nicht verstehen" in response.content.decode()
    assert not QueryFeedback.objects.exists()


def test_feedback_is_limited_per_client_like_other_anonymous_posts(kreis: Authority, settings: Any) -> None:
    settings.AMTSWEG_FEEDBACK_RATE = "2/h"
    client = Client()
    for _ in range(2):
        assert _feedback(client, "suche", "Hundesteuer", "ja", REMOTE_ADDR="198.51.100.1").status_code == 200
    refused = _feedback(client, "suche", "Hundesteuer", "ja", REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429
    assert "Sekunden erneut" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert QueryFeedback.objects.get().helpful == 2
    # Another client is not affected.
    assert _feedback(client, "suche", "Hundesteuer", "ja", REMOTE_ADDR="198.51.100.2").status_code == 200


def test_feedback_needs_no_javascript_and_no_get(kreis: Authority) -> None:
    assert Client().get(reverse("assistant:feedback")).status_code == 405


def test_only_the_fachadmin_sees_the_queries(kreis: Authority) -> None:
    url = reverse("assistant:queries")
    assert reverse("accounts:login") in Client().get(url)["Location"]
    clerk = login_verified(Client(), staff_create("sachbearbeitung", kreis, "sachbearbeitung"))
    assert clerk.get(url).status_code == 403
    QueryFeedback.objects.create(
        kind="suche", query="Sperrmüll", query_key="a", unanswered=3, last_seen="2026-12-01"
    )
    admin = login_verified(Client(), staff_create("fachadmin", kreis, "fachadministration"))
    html = admin.get(url).content.decode()
    assert "Sperrmüll" in html


def test_the_fachadmin_adds_the_query_as_a_keyword_and_the_search_finds_the_service(
    kreis: Authority, run_tasks: Any
) -> None:
    service = ServiceFactory(owner=kreis, name="Abfallentsorgung", short_text="Termine der Müllabfuhr.")
    client = Client()
    client.get(reverse("catalog:search"), {"q": "Sperrmüllabholung"})
    item = QueryFeedback.objects.get()
    admin = login_verified(Client(), staff_create("fachadmin", kreis, "fachadministration"))
    page = admin.get(reverse("assistant:query_detail", args=[item.pk])).content.decode()
    assert "Abfallentsorgung" in page
    assert 'value="Sperrmüllabholung"' in page

    missing = admin.post(reverse("assistant:query_detail", args=[item.pk]), {"suchbegriff": "Sperrmüll"})
    assert missing.status_code == 400
    assert "Bitte wählen Sie die Leistung aus." in missing.content.decode()

    response = admin.post(
        reverse("assistant:query_detail", args=[item.pk]),
        {"leistung": service.pk, "suchbegriff": "Sperrmüllabholung"},
    )
    assert response.status_code == 302
    service = Service.objects.get(pk=service.pk)
    assert "Sperrmüllabholung" in service.keywords
    assert service.versions.count() == 2  # through the catalogue's domain function: a new version
    assert AuditEntry.objects.filter(action="catalog.service.changed").exists()
    assert AuditEntry.objects.filter(action="assistant.query.resolved").exists()
    item.refresh_from_db()
    assert item.resolved_on is not None
    assert "keine offenen Suchanfragen" in admin.get(reverse("assistant:queries")).content.decode()

    run_tasks()  # the search index (and embeddings) are rebuilt by the queued tasks
    html = client.get(reverse("catalog:search"), {"q": "Sperrmüllabholung"}).content.decode()
    assert "Abfallentsorgung" in html


def test_a_fachadmin_of_a_town_cannot_change_a_service_of_the_kreis(kreis: Authority) -> None:
    from amtsweg.catalog.tests.factories import MunicipalityFactory

    town = MunicipalityFactory(parent=kreis)
    service = ServiceFactory(owner=kreis, name="Abfallentsorgung")
    item = QueryFeedback.objects.create(
        kind="suche", query="Sperrmüll", query_key="b", unanswered=1, last_seen="2026-12-01"
    )
    admin = login_verified(Client(), staff_create("fachadmin-stadt", town, "fachadministration"))
    page = admin.get(reverse("assistant:query_detail", args=[item.pk])).content.decode()
    assert "Abfallentsorgung" not in page  # only services the Fachadmin may change are offered
    response = admin.post(
        reverse("assistant:query_detail", args=[item.pk]),
        {"leistung": service.pk, "suchbegriff": "Sperrmüll"},
    )
    assert response.status_code == 400
    assert Service.objects.get(pk=service.pk).keywords == []


def test_a_query_can_be_closed_without_a_change_and_returns_when_it_fails_again(kreis: Authority) -> None:
    client = Client()
    client.get(reverse("catalog:search"), {"q": "Wetterbericht"})
    item = QueryFeedback.objects.get()
    admin = login_verified(Client(), staff_create("fachadmin", kreis, "fachadministration"))
    response = admin.post(reverse("assistant:query_detail", args=[item.pk]), {"erledigt": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.resolved_on is not None
    client.get(reverse("catalog:search"), {"q": "wetterbericht"})
    item.refresh_from_db()
    assert item.resolved_on is None
    assert item.unanswered == 2
