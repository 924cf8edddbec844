"""The general portal pages: start page, legal pages, Leichte Sprache, feedback on barriers, errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from amtsweg.catalog.tests.factories import KreisScenario, kreis_scenario
from amtsweg.portal.models import AccessibilityFeedback
from amtsweg.tenants.models import Authority
from amtsweg.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario() -> KreisScenario:
    return kreis_scenario()


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_page_offers_search_and_browsing(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(response)
    assert f'action="{reverse("catalog:search")}"' in html
    assert 'name="q"' in html
    assert "Wer ist für mich zuständig?" in text
    assert "Bauen und Immobilien (2 Leistungen)" in text
    assert "Bauen &amp; Wohnen (2 Leistungen)" in text
    assert "Coesfeld, Dülmen, Lüdinghausen, Senden" in text
    assert "Alle Leistungen von A bis Z" in text


def test_every_page_has_the_accessibility_frame(client: Client, scenario: KreisScenario) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="de">' in html
    assert 'href="#inhalt">Zum Inhalt springen</a>' in html
    for landmark in ("<header", "<nav", '<main id="inhalt"', "<footer"):
        assert landmark in html
    assert html.count("<h1") == 1
    for target in ("portal:imprint", "portal:privacy", "portal:accessibility", "portal:easy_language"):
        assert f'href="{reverse(target)}"' in html
    # JavaScript is an optional extra: deferred, from our own server, no inline scripts or styles (CSP).
    assert re.search(r'<script src="/static/vendor/htmx/htmx.min.js" defer>', html)
    assert "<script>" not in html
    assert "style=" not in html


def test_home_page_works_without_any_catalogue(client: Client) -> None:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Noch keine Lebenslagen mit Leistungen vorhanden." in _text(response)


@pytest.mark.parametrize(
    ("name", "snippets"),
    [
        ("portal:imprint", ["Impressum", "Herausgeber", "Kreis Testland", "Musterweg 5", "12345 Testhausen"]),
        (
            "portal:privacy",
            [
                "Datenschutzerklärung",
                "Kreis Testland, Musterweg 5",
                "Cookies",
                "keine Werkzeuge zur Reichweitenmessung",
                "Art. 15",
            ],
        ),
        (
            "portal:easy_language",
            ["Leichte Sprache", "Bürger·innen", "Post·leit·zahl", "Wer ist für mich zuständig?"],
        ),
        (
            "portal:accessibility",
            [
                "Erklärung zur Barrierefreiheit",
                "BITV NRW",
                "teilweise barrierefrei",
                "Gebärdensprache",
                "23. November 2026",
                "Schlichtungsverfahren",
                "Durchsetzungsverfahren",
                "Ombudsstelle",
            ],
        ),
    ],
)
def test_portal_pages_show_their_texts(client: Client, name: str, snippets: list[str], settings: Any) -> None:
    # Impressum and Datenschutz name the Kreis the installation serves, read from its record.
    Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags=settings.AMTSWEG_KREIS_AGS,
        street="Musterweg 5",
        postcode="12345",
        city="Testhausen",
    )
    response = client.get(reverse(name))
    assert response.status_code == 200
    text = _text(response)
    for snippet in snippets:
        assert snippet in text, snippet


def test_accessibility_page_takes_the_page_from_the_footer_link(client: Client) -> None:
    response = client.get(reverse("portal:accessibility"), {"seite": "/leistungen/wohngeld/"})
    assert 'value="/leistungen/wohngeld/"' in response.content.decode()


def test_feedback_is_stored_and_confirmed(client: Client) -> None:
    response = client.post(
        reverse("portal:accessibility"),
        {"page_url": "/suche/", "message": "Der Suchknopf wird nicht vorgelesen.", "name": "", "email": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Vielen Dank! Ihre Rückmeldung ist bei uns eingegangen." in _text(response)
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "Der Suchknopf wird nicht vorgelesen."
    assert feedback.page_url == "/suche/"
    assert feedback.status == AccessibilityFeedback.Status.NEW


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"message": ""}, "message", "Bitte beschreiben Sie die Barriere, damit wir ihr nachgehen können."),
        (
            {"message": "   "},
            "message",
            "Bitte beschreiben Sie die Barriere, damit wir ihr nachgehen können.",
        ),
        (
            {"message": "Zu wenig Kontrast", "email": "kein-mail"},
            "email",
            "Bitte geben Sie eine gültige E-Mail",
        ),
    ],
)
def test_invalid_feedback_is_a_400_and_stores_nothing(
    client: Client, data: dict[str, str], field: str, message: str
) -> None:
    response = client.post(reverse("portal:accessibility"), data)
    assert response.status_code == 400
    html = response.content.decode()
    text = _text(response)
    assert "Bitte prüfen Sie Ihre Angaben" in text
    assert message in text
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Fehler:" in html
    assert AccessibilityFeedback.objects.count() == 0


def test_feedback_form_requires_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:accessibility"), {"message": "Barriere"})
    assert response.status_code == 403
    assert AccessibilityFeedback.objects.count() == 0


def test_unknown_address_gives_german_404(client: Client) -> None:
    response = client.get("/gibt-es-wirklich-nicht/")
    assert response.status_code == 404
    text = _text(response)
    assert "Diese Seite gibt es nicht" in text
    assert "Leistung suchen" in text


def _broken_view(request: object) -> object:
    raise RuntimeError("Datenbank weg")


urlpatterns = [path("kaputt/", _broken_view), *project_urlpatterns]
handler500 = "amtsweg.portal.views.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_is_german_and_needs_no_database() -> None:
    client = Client(raise_request_exception=False)
    with pytest.MonkeyPatch.context() as patch:
        # Any database access while rendering the error page would fail the test.
        from django.db.backends.base.base import BaseDatabaseWrapper

        def _no_database(*args: object, **kwargs: object) -> None:
            raise AssertionError("Die Fehlerseite darf die Datenbank nicht brauchen.")

        patch.setattr(BaseDatabaseWrapper, "cursor", _no_database)
        response = client.get("/kaputt/")
    assert response.status_code == 500
    text = _text(response)
    assert "Es ist ein technischer Fehler aufgetreten" in text
    assert '<html lang="de">' in response.content.decode()
