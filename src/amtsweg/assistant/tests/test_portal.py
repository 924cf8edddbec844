"""Portal search, "Frag den Kreis" and "Anliegen schildern" on the demo catalogue, as a citizen sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.assistant.models import RoutingDecision

pytestmark = [pytest.mark.django_db, pytest.mark.embedding]


def _search(client: Client, query: str) -> str:
    response = client.get(reverse("catalog:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def _first_result(html: str) -> str:
    return html.split("amtsweg-teaser__title", 1)[1].split("</a>", 1)[0]


def test_slang_and_typos_find_the_service_with_the_matching_passage(demo: None, client: Client) -> None:
    html = _search(client, "Perso")
    assert "Personalausweis beantragen" in _first_result(html)
    assert "Aus: Kurzbeschreibung" in html or "Aus: Beschreibung" in html
    assert "Führerschein umtauschen" in _first_result(_search(client, "alter grauer Lappen umtauschen"))
    assert "Wohngeld beantragen" in _first_result(_search(client, "wohngelt"))


@pytest.mark.parametrize(
    ("query", "service"),
    [
        ("Perso verloren", "Personalausweis beantragen"),
        ("Ausweis weg", "Personalausweis beantragen"),
        ("Wir bekommen ein Kind", "Elterngeld beantragen"),
        ("alter grauer Lappen umtauschen", "Führerschein umtauschen"),
        ("Kita Platz Dülmen", "Kita-Platz beantragen"),
    ],
)
def test_what_people_type_leads_to_the_right_service(
    demo: None, client: Client, query: str, service: str
) -> None:
    assert service in _first_result(_search(client, query))


def test_a_town_in_the_query_shows_the_responsible_office(demo: None, client: Client) -> None:
    html = _search(client, "Kita Platz Dülmen")
    assert "Kita-Platz beantragen" in _first_result(html)
    assert "Zuständig für Dülmen" in html
    assert "Jugendamt" in html


def test_the_search_without_javascript_and_with_htmx_gives_the_same_hits(demo: None, client: Client) -> None:
    fragment = client.get(reverse("catalog:search"), {"q": "Perso"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "Personalausweis beantragen" in fragment.content.decode()


@pytest.mark.parametrize(
    "query", ["😀😀😀", "binär\x01\x7f\ufffd", "asdfgh qwertz", "Führerschein driving licence"]
)
def test_odd_queries_get_a_helpful_page(demo: None, client: Client, query: str) -> None:
    html = _search(client, query)
    assert "Leistungen suchen" in html


def test_a_null_character_is_refused_with_a_message(demo: None, client: Client) -> None:
    for url, field in ((reverse("catalog:search"), "q"), (reverse("assistant:ask"), "frage")):
        response = client.get(url, {field: "Perso\x00"})
        assert response.status_code == 400
        assert "Nullzeichen" in response.content.decode()


def test_a_very_long_query_is_refused_with_a_message(demo: None, client: Client) -> None:
    response = client.get(reverse("catalog:search"), {"q": "Wohngeld " * 1200})
    assert response.status_code == 400
    assert "höchstens 200 Zeichen" in response.content.decode()


def test_ask_moving_to_a_town_answers_with_the_bundle_and_the_office(demo: None, client: Client) -> None:
    response = client.get(reverse("assistant:ask"), {"frage": "Ich ziehe nach Nottuln"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wohnort: Nottuln" in html
    assert "Lebenslage „Wohnen &amp; Umzug“" in html
    assert "Wohnsitz anmelden" in html
    assert "gemeinde=nottuln" in html


def test_ask_expecting_a_child_lists_the_services_around_the_birth(demo: None, client: Client) -> None:
    html = client.get(reverse("assistant:ask"), {"frage": "Wir bekommen ein Kind"}).content.decode()
    assert "Lebenslage „Geburt“" in html
    assert "Elterngeld beantragen" in html
    assert "Geburtsurkunde beantragen" in html


def _service_links(html: str) -> list[str]:
    """The services an answer links to, in order (each link to a service detail page)."""
    import re

    section = html.split('id="antwort-titel"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="/leistungen/([^/"?]+)/?[^"]*"', section)


@pytest.mark.parametrize(
    "question",
    [
        "Wir bekommen ein Kind",
        "Elterngeld für unser Baby",
        "Ich bin schwanger, was muss ich beantragen?",
        "Ich ziehe nach Nottuln",
        "Wir wollen heiraten",
        "Auto gekauft, was nun?",
    ],
)
def test_no_service_appears_twice_in_an_answer(demo: None, client: Client, question: str) -> None:
    html = client.get(reverse("assistant:ask"), {"frage": question}).content.decode()
    links = _service_links(html)
    assert links, html
    assert len(links) == len(set(links)), links


def test_a_quoted_answer_is_not_listed_again_under_the_life_situation(demo: None, client: Client) -> None:
    html = client.get(reverse("assistant:ask"), {"frage": "Wir bekommen ein Kind"}).content.decode()
    assert html.count(">Elterngeld beantragen</a>") == 1
    assert "Außerdem in der Lebenslage „Geburt“ wichtig" in html


def test_ask_quotes_the_source_of_its_answer(demo: None, client: Client) -> None:
    html = client.get(reverse("assistant:ask"), {"frage": "Was kostet ein Reisepass?"}).content.decode()
    assert "Quelle: Reisepass beantragen" in html


@pytest.mark.parametrize("question", ["Wie wird das Wetter morgen?", "", "🙂🙂", "\x01\x02"])
def test_ask_says_so_when_nothing_fits_and_offers_the_contact_form(
    demo: None, client: Client, question: str
) -> None:
    response = client.get(reverse("assistant:ask"), {"frage": question})
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("catalog:service_list") in html
    assert "Quelle:" not in html


def test_ask_without_a_fitting_answer_opens_the_contact_form_with_the_question_filled_in(
    demo: None, client: Client
) -> None:
    from amtsweg.catalog.selectors import kreis

    centre = kreis()
    assert centre is not None
    centre.phone = "02541 0000-0"
    centre.save(update_fields=["phone"])
    question = "Wie wird das Wetter morgen in Nottuln?"
    html = client.get(reverse("assistant:ask"), {"frage": question, "gemeinde": "nottuln"}).content.decode()
    assert f"Servicecenter {centre.name}:" in html
    assert "02541 0000-0" in html
    assert 'href="tel:0254100000"' in html
    link = html.split('id="kontaktformular"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    link = link.replace("&amp;", "&")
    assert link.startswith(reverse("submissions:start", args=["anliegen"]))

    start = client.get(link).content.decode()
    assert 'name="frage"' in start
    assert "Wie wird das Wetter morgen in Nottuln?" in start
    response = client.post(
        reverse("submissions:start", args=["anliegen"]),
        {"gemeinde": "nottuln", "email": "erika@example.org", "frage": question},
    )
    assert response.status_code == 302
    step = client.get(response["Location"]).content.decode()
    textarea = step.split('name="nachricht"', 1)[1].split("</textarea>", 1)[0]
    assert question in textarea


def test_the_demo_service_centre_offers_its_phone_number_when_nothing_fits(
    demo: None, client: Client
) -> None:
    """Seen in `make demo`: "Lieber persönlich fragen?" named only an e-mail address; the demo Kreis had no
    phone number, so the fallback the citizen is promised never showed one."""
    html = client.get(reverse("assistant:ask"), {"frage": "Wie wird das Wetter morgen?"}).content.decode()
    centre = html.split('id="servicecenter"', 1)[1].split("</div>", 1)[0]
    assert "Telefon" in centre
    assert 'href="tel:' in centre


def test_an_unclear_request_offers_the_contact_form_and_the_service_centre(
    demo: None, client: Client
) -> None:
    from amtsweg.catalog.selectors import kreis

    centre = kreis()
    assert centre is not None
    centre.phone = "02541 0000-0"
    centre.save(update_fields=["phone"])
    html = client.post(reverse("assistant:request"), {"frage": "Hallo, ich habe eine Frage"}).content.decode()
    assert "nicht sicher zuordnen" in html
    assert "02541 0000-0" in html
    assert reverse("submissions:start", args=["anliegen"]) + "?frage=Hallo" in html


def test_the_request_page_takes_the_question_from_the_address(demo: None, client: Client) -> None:
    html = client.get(reverse("assistant:request"), {"frage": "Mein Hund ist weggelaufen"}).content.decode()
    assert "Mein Hund ist weggelaufen</textarea>" in html


def test_ask_refuses_an_overlong_question_with_a_message(demo: None, client: Client) -> None:
    response = client.get(reverse("assistant:ask"), {"frage": "x" * 10_000})
    assert response.status_code == 400
    assert "höchstens 2000 Zeichen" in response.content.decode()


def test_the_start_page_has_the_question_box(demo: None, client: Client) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert 'action="' + reverse("assistant:ask") + '"' in html
    assert 'name="frage"' in html


def test_a_request_is_routed_by_the_nearest_service_and_recorded(demo: None, client: Client) -> None:
    before = list(RoutingDecision.objects.values_list("pk", flat=True))  # the demo's own requests
    response = client.post(
        reverse("assistant:request"),
        {"frage": "Ich möchte meinen Hund zur Hundesteuer anmelden", "gemeinde": "olfen"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Olfen" in html
    decision = RoutingDecision.objects.exclude(pk__in=before).get()
    assert decision.method == "naechste-leistung"
    assert decision.outcome == RoutingDecision.Outcome.AUTO
    assert decision.label == "steueramt"


def test_an_unclear_request_goes_to_human_triage(demo: None, client: Client) -> None:
    before = list(RoutingDecision.objects.values_list("pk", flat=True))  # the demo's own requests
    response = client.post(reverse("assistant:request"), {"frage": "Hallo, ich habe eine Frage"})
    assert "nicht sicher zuordnen" in response.content.decode()
    assert RoutingDecision.objects.exclude(pk__in=before).get().outcome == RoutingDecision.Outcome.TRIAGE


def test_an_empty_request_gets_a_message(demo: None, client: Client) -> None:
    response = client.post(reverse("assistant:request"), {"frage": ""})
    assert response.status_code == 400
    assert "Bitte beschreiben Sie Ihr Anliegen." in response.content.decode()


def _offices(html: str) -> list[str]:
    """The "Zuständig für …" lines of a search result page, in order."""
    return [part.split("</strong>", 1)[0] for part in html.split("Zuständig für ")[1:]]


@pytest.mark.parametrize("query", ["Kita Platz Dülmen", "Sperrmüll Senden", "Bauantrag Dülmen"])
def test_a_town_in_the_query_shows_the_office_the_responsibility_rules_give(
    demo: None, client: Client, query: str
) -> None:
    from amtsweg.assistant.portal_search import detect_municipality, portal_search
    from amtsweg.catalog.selectors import responsibility_resolve

    town, _rest = detect_municipality(query)
    assert town is not None

    def expected(query: str) -> list[str]:
        offices = []
        for hit in portal_search(query)[:3]:
            resolved = responsibility_resolve(hit.service, town)
            if resolved is not None:
                office = resolved.authority.name + (
                    f", {resolved.org_unit.name}" if resolved.org_unit else ""
                )
                offices.append(f"{town.short_name}: <strong>{office}")
        return offices

    assert expected(query)
    # Twice: the second page is built with what the first search resolved.
    assert _offices(_search(client, query)) == expected(query)
    assert _offices(_search(client, query + " bitte")) == expected(query + " bitte")


def test_a_renamed_office_shows_on_the_next_search(demo: None, client: Client) -> None:
    from amtsweg.assistant.portal_search import portal_search

    _search(client, "Kita Platz Dülmen")
    resolved = portal_search("Kita Platz Dülmen")[0].resolved
    assert resolved is not None
    assert resolved.org_unit is not None
    resolved.org_unit.name = "Jugendamt – Kitaplatzvergabe neu"
    resolved.org_unit.save()
    assert "Jugendamt – Kitaplatzvergabe neu" in _search(client, "Kita-Platz Dülmen")


def test_a_search_naming_a_town_reads_the_offices_it_resolved_before_at_once(demo: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amtsweg.assistant.portal_search import portal_search

    portal_search("Kita Platz Dülmen")  # the engine is built and the offices resolved once
    with CaptureQueriesContext(connection) as without_town:
        portal_search("Kita Platz")
    with CaptureQueriesContext(connection) as with_town:
        hits = portal_search("Kita Platz Dülmen")
    assert sum(hit.resolved is not None for hit in hits) == 3
    # At most one more query: the catalogue version, whatever the number of hits with an office.
    assert len(with_town) <= len(without_town) + 1


def test_a_new_search_on_an_unchanged_catalogue_reads_its_version_once(demo: None, client: Client) -> None:
    """The engine and the offices are kept per catalogue version: a new query reads the version once
    (not three times, plus three aggregate queries to see whether the engine is still current)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get("/suche/?q=Wohngeld+D%C3%BClmen").status_code == 200  # engine built
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/suche/?q=Kita+Platz+D%C3%BClmen")
    assert response.status_code == 200
    assert "Kita" in response.content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum("catalog_catalogversion" in statement for statement in sql) == 1, sql
    assert not any("assistant_serviceembedding" in statement for statement in sql), sql


def test_a_changed_service_is_found_by_its_new_words_on_the_next_search(demo: None, client: Client) -> None:
    from amtsweg.catalog.models import Service

    service = Service.objects.get(external_id="coe-wohngeld")
    link = f'href="/leistungen/{service.slug}/"'
    assert link not in client.get("/suche/?q=Zauberwortantrag").content.decode()
    service.keywords = [*service.keywords, "Zauberwortantrag"]
    service.save()
    assert link in client.get("/suche/?q=Zauberwortantrag").content.decode()


def test_when_nothing_fits_well_the_search_offers_what_comes_closest_and_says_so(
    demo: None, client: Client
) -> None:
    """ "plakate aufhängen" is a Sondernutzung, but shares no word with it and the models are not sure:
    the search page used to say "Keine Leistungen gefunden". It now offers the closest services under a
    heading that says none fits for sure, with the tips; "Frag den Kreis" still answers only when it fits,
    and the Fachadmin still sees the query among those without a good result."""
    from amtsweg.assistant.models import QueryFeedback

    html = _search(client, "plakate aufhängen")
    assert "Keine Leistung passt sicher zu „plakate aufhängen“" in html
    assert "Sondernutzung" in _first_result(html)
    assert "Tipps für eine bessere Suche" in html
    assert "Keine Leistungen gefunden" not in html
    missed = QueryFeedback.objects.get(kind=QueryFeedback.Kind.SEARCH, query="plakate aufhängen")
    assert missed.unanswered == 1

    answer = client.get(reverse("assistant:ask"), {"frage": "plakate aufhängen"}).content.decode()
    assert "Sondernutzung" not in answer

    # A query that is sure keeps its plain heading; nonsense still gets "nothing found".
    assert "gefunden für „Sondernutzung“" in _search(client, "Sondernutzung")
    assert "Keine Leistungen gefunden" in _search(client, "Xylophonreparatur")
