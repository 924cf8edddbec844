"""The catalogue pages as a citizen sees them: browse, search, service texts and who is responsible."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.catalog.tests.factories import KreisScenario, ServiceFactory, kreis_scenario
from amtsweg.catalog.views import text_blocks
from amtsweg.testing import fresh_copy, module_world

HTMX = {"HX-Request": "true"}


@module_world
def _scenario_built() -> KreisScenario:
    return kreis_scenario()


@pytest.fixture
def scenario(_scenario_built: KreisScenario, db: None) -> KreisScenario:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_scenario_built)


def _text(response: object) -> str:
    """The visible text of a page, with tags removed and whitespace collapsed."""
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _detail(slug: str) -> str:
    return reverse("catalog:service_detail", args=[slug])


def _authority(response: object) -> str:
    match = re.search(r'id="zustaendige-behoerde">([^<]+)<', response.content.decode())  # type: ignore[attr-defined]
    assert match, "Kein Ergebnis zur Zuständigkeit auf der Seite"
    return match.group(1).strip()


# Browsing


def test_service_list_shows_all_published_services_by_letter(client: Client, scenario: KreisScenario) -> None:
    ServiceFactory(owner=scenario.kreis, name="Geheime Leistung", is_published=False)
    response = client.get(reverse("catalog:service_list"))
    assert response.status_code == 200
    text = _text(response)
    for name in ("Baugenehmigung", "Bürgergeld beantragen", "Fahrzeug zulassen", "Wohnsitz anmelden"):
        assert name in text
    assert "Geheime Leistung" not in text
    assert 'href="#buchstabe-b"' in response.content.decode()
    assert "5 Leistungen der Kreisverwaltung" in text


def test_lebenslage_page_lists_its_services(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:lebenslage", args=[scenario.lebenslage.slug]))
    assert response.status_code == 200
    text = _text(response)
    assert "Bauen und Immobilien" in text
    assert "Baugenehmigung" in text
    assert "Wohnsitz anmelden" in text
    assert "Fahrzeug zulassen" not in text
    assert "2 Leistungen" in text


def test_themenfeld_page_lists_services_and_lebenslagen(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:themenfeld", args=[scenario.themenfeld.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bauen &amp; Wohnen" in html
    assert "Fahrzeug zulassen" in html
    assert reverse("catalog:lebenslage", args=[scenario.lebenslage.slug]) in html


def test_unknown_lebenslage_is_a_german_404(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:lebenslage", args=["gibt-es-nicht"]))
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in _text(response)


# Search


def test_search_page_without_query_invites_to_type(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:search"))
    assert response.status_code == 200
    assert "Geben Sie oben ein, was Sie erledigen möchten." in _text(response)


def test_search_finds_service_by_keyword(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:search"), {"q": "Bauantrag"})
    assert response.status_code == 200
    text = _text(response)
    assert "1 Leistung gefunden für „Bauantrag“" in text
    assert _detail("baugenehmigung") in response.content.decode()
    assert 'value="Bauantrag"' in response.content.decode()


def test_search_without_hits_gives_tips(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:search"), {"q": "Raumfahrtbehörde"})
    assert response.status_code == 200
    text = _text(response)
    assert "Keine Leistungen gefunden" in text
    assert "Prüfen Sie die Schreibweise." in text


def test_search_for_htmx_returns_only_the_results(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:search"), {"q": "Bauantrag"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Baugenehmigung" in html
    assert "<html" not in html
    assert "Hauptnavigation" not in html
    assert "HX-Request" in response["Vary"]


def test_history_restore_by_htmx_gets_the_whole_page(client: Client, scenario: KreisScenario) -> None:
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = client.get(reverse("catalog:search"), {"q": "Bauantrag"}, headers=headers)
    assert "<html" in response.content.decode()


def test_overlong_search_is_rejected_in_german(client: Client, scenario: KreisScenario) -> None:
    response = client.get(reverse("catalog:search"), {"q": "x" * 201})
    assert response.status_code == 400
    assert "Bitte geben Sie höchstens 200 Zeichen ein." in _text(response)


# Service page


def test_service_page_shows_every_text(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("baugenehmigung"))
    assert response.status_code == 200
    text = _text(response)
    expected = [
        "Wer ein Haus baut, umbaut oder anders nutzt",  # Kurztext
        "Die Bauaufsicht prüft, ob Ihr Vorhaben dem Baurecht entspricht.",  # Beschreibung
        "Sie sind Bauherrin oder Bauherr.",  # Voraussetzungen
        "Lageplan",  # Unterlagen
        "Die Gebühr richtet sich nach den Baukosten.",
        "Die Genehmigung gilt drei Jahre.",
        "etwa drei Monate",
        "Prüfung durch die Bauaufsicht",  # Verfahrensablauf
        "§ 64 Bauordnung NRW",
        "99012070006001",  # LeiKa
        "OZG-ID 10001",
        "Stufe 2: Formularassistent",
        "Online beantragen",
        "Wer ist für mich zuständig?",
    ]
    for snippet in expected:
        assert snippet in text, snippet
    html = response.content.decode()
    assert 'href="https://bauportal.example/antrag"' in html
    assert "<li>Lageplan</li>" in html  # "- …" lines become a list
    assert html.count("<h1") == 1


def test_service_page_lists_municipalities_to_choose(client: Client, scenario: KreisScenario) -> None:
    html = client.get(_detail("baugenehmigung")).content.decode()
    for slug, name in (("duelmen", "Dülmen"), ("senden", "Senden"), ("coesfeld", "Coesfeld")):
        assert f'<option value="{slug}">{name}</option>' in html
    assert 'id="ergebnis"' not in html


@pytest.mark.parametrize(
    ("service", "town", "authority"),
    [
        ("baugenehmigung", "duelmen", "Stadt Dülmen"),
        ("baugenehmigung", "coesfeld", "Stadt Coesfeld"),
        ("baugenehmigung", "senden", "Kreis Coesfeld"),
        ("kfz", "senden", "Kreis Coesfeld"),
        ("anmeldung", "senden", "Gemeinde Senden"),
    ],
)
def test_responsibility_for_service_and_municipality(
    client: Client, scenario: KreisScenario, service: str, town: str, authority: str
) -> None:
    response = client.get(_detail(scenario.services[service].slug), {"gemeinde": town})
    assert response.status_code == 200
    assert _authority(response) == authority


def test_responsibility_shows_unit_location_and_opening_hours(
    client: Client, scenario: KreisScenario
) -> None:
    response = client.get(_detail("baugenehmigung"), {"gemeinde": "senden"})
    html = response.content.decode()
    text = _text(response)
    assert "Zuständig für Senden" in text
    assert "63 Bauen und Wohnen – untere Bauaufsicht" in text
    assert "Kreishaus Coesfeld" in text
    assert "Friedrich-Ebert-Straße 7" in text
    assert "48653 Coesfeld" in text
    assert '<th scope="col" class="kern-table__header">Wochentag</th>' in html
    assert "Donnerstag" in text
    assert "08:00 bis 12:00 Uhr, 14:00 bis 17:30 Uhr" in text
    assert 'href="tel:0254100000-63"' in html
    assert "bauaufsicht@kreis.example" in text
    assert "Bitte reichen Sie alle Unterlagen vollständig ein." in text
    # The chosen municipality stays selected.
    assert '<option value="senden" selected>Senden</option>' in html


def test_kfz_lists_both_offices(client: Client, scenario: KreisScenario) -> None:
    text = _text(client.get(_detail("fahrzeug-zulassen"), {"gemeinde": "coesfeld"}))
    assert "Sie können zu einem dieser Standorte gehen" in text
    assert "Straßenverkehrsamt Dülmen" in text
    assert "Straßenverkehrsamt Lüdinghausen" in text
    assert "07:30 bis 12:30 Uhr" in text


def test_jobcenter_names_the_local_contact(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("buergergeld"), {"gemeinde": "senden"})
    assert _authority(response) == "Kreis Coesfeld"
    text = _text(response)
    assert "Ihre Ansprechstelle vor Ort: Jobcenter vor Ort (Gemeinde Senden)" in text
    assert "Rathaus Senden" in text
    assert "Münsterstraße 30" in text


def test_postcode_finds_the_municipality(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("baugenehmigung"), {"gemeinde": "", "plz": "48249"})
    assert response.status_code == 200
    assert _authority(response) == "Stadt Dülmen"
    assert "Zuständig für Dülmen" in _text(response)


def test_service_without_rule_points_to_the_town_hall(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("fischereischein"), {"gemeinde": "senden"})
    assert response.status_code == 200
    assert "noch nicht hinterlegt, wer in Gemeinde Senden zuständig ist" in _text(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"plz": "4824"}, "Eine Postleitzahl hat genau 5 Ziffern."),
        ({"plz": "abcde"}, "Eine Postleitzahl hat genau 5 Ziffern."),
        ({"plz": "123456"}, "Eine Postleitzahl hat genau 5 Ziffern."),
        ({"plz": "10115"}, "Die Postleitzahl 10115 gehört zu keiner Stadt oder Gemeinde dieses Kreises."),
        ({"plz": "48301"}, "Zur Postleitzahl 48301 gehören mehrere Gemeinden (Dülmen, Senden)."),
        ({"gemeinde": "", "plz": ""}, "Bitte wählen Sie Ihre Stadt oder Gemeinde aus"),
        ({"gemeinde": "atlantis"}, "Bitte wählen Sie eine Stadt oder Gemeinde aus der Liste aus."),
    ],
)
def test_invalid_place_is_a_400_with_german_message(
    client: Client, scenario: KreisScenario, params: dict[str, str], message: str
) -> None:
    response = client.get(_detail("baugenehmigung"), params)
    assert response.status_code == 400
    text = _text(response)
    assert message in text
    assert "Bitte prüfen Sie Ihre Angaben" in text  # error summary above the form
    assert 'id="ergebnis"' not in response.content.decode()
    # The field with the error points to its message.
    html = response.content.decode()
    field = "plz" if "plz" in params and params["plz"] and "mehrere" not in message else "gemeinde"
    assert f'aria-describedby="id_{field}_' in html
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html


def test_htmx_gets_the_responsibility_fragment(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("baugenehmigung"), {"gemeinde": "duelmen"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert _authority(response) == "Stadt Dülmen"
    assert "HX-Request" in response["Vary"]


def test_htmx_gets_form_errors_with_400(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("baugenehmigung"), {"plz": "1"}, headers=HTMX)
    assert response.status_code == 400
    assert "Eine Postleitzahl hat genau 5 Ziffern." in _text(response)
    assert "<html" not in response.content.decode()


def test_unknown_service_is_a_german_404(client: Client, scenario: KreisScenario) -> None:
    response = client.get(_detail("gibt-es-nicht"))
    assert response.status_code == 404
    text = _text(response)
    assert "Diese Seite gibt es nicht" in text
    assert 'lang="de"' in response.content.decode()


def test_unpublished_service_is_not_shown(client: Client, scenario: KreisScenario) -> None:
    hidden = ServiceFactory(owner=scenario.kreis, name="Entwurf", slug="entwurf", is_published=False)
    assert client.get(_detail(hidden.slug)).status_code == 404


def test_pages_answer_head_requests(client: Client, scenario: KreisScenario) -> None:
    assert client.head(_detail("baugenehmigung")).status_code == 200
    assert client.post(_detail("baugenehmigung")).status_code == 405


# Presentation of catalogue texts


def test_text_blocks_turn_dashes_and_numbers_into_lists() -> None:
    blocks = text_blocks(
        "Sie brauchen:\n- Ausweis\n- Foto\n\n1. Termin\n2. Antrag\n\nErster Satz.\nZweiter Satz."
    )
    assert [(b.kind, b.lines) for b in blocks] == [
        ("p", ["Sie brauchen:"]),
        ("ul", ["Ausweis", "Foto"]),
        ("ol", ["Termin", "Antrag"]),
        ("p", ["Erster Satz.", "Zweiter Satz."]),
    ]


def test_text_blocks_of_empty_text() -> None:
    assert text_blocks("  \n ") == []
