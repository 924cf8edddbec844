"""Cached portal pages: the same page for every visitor until the catalogue changes, never another's data.

The two-server test (a change visible at once on every app server sharing Redis) is in
``tests/test_portal_cache_servers.py``.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.accounts.tests.helpers import citizen
from amtsweg.assistant.models import QueryFeedback
from amtsweg.catalog.models import LeikaEntry, Service
from amtsweg.catalog.reference import ReferenceChanges, reference_data_save
from amtsweg.catalog.tests.factories import KreisScenario, kreis_scenario
from amtsweg.catalog.tests.test_admin import _form
from amtsweg.tenants.services import organisation_save
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db
User = get_user_model()


@module_world
def _scenario_built() -> KreisScenario:
    return kreis_scenario()


@pytest.fixture
def scenario(_scenario_built: KreisScenario, db: None) -> KreisScenario:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_scenario_built)


def _detail(slug: str, gemeinde: str = "") -> str:
    url = reverse("catalog:service_detail", args=[slug])
    return f"{url}?gemeinde={gemeinde}" if gemeinde else url


def _authority(html: str) -> str:
    match = re.search(r'id="zustaendige-behoerde">([^<]+)<', html)
    assert match, "Kein Ergebnis zur Zuständigkeit auf der Seite"
    return match.group(1).strip()


def test_second_request_with_the_etag_gets_304_without_a_page(
    client: Client, scenario: KreisScenario
) -> None:
    for url in (
        reverse("portal:home"),
        reverse("catalog:service_list"),
        _detail("baugenehmigung", "duelmen"),
    ):
        first = client.get(url)
        assert first.status_code == 200
        assert first["ETag"]
        assert first["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_a_fachadmin_change_in_the_admin_shows_on_the_next_request(
    client: Client, scenario: KreisScenario
) -> None:
    visitor = Client()
    service = scenario.services["baugenehmigung"]
    url = _detail(service.slug)
    first = visitor.get(url)
    assert "Baugenehmigung" in first.text
    fachadmin = staff_create("fachadmin", scenario.kreis, "fachadministration")
    login_verified(client, fachadmin)
    saved = client.post(
        reverse("admin:catalog_service_change", args=[service.pk]),
        _form(Service.objects.get(pk=service.pk), name="Baugenehmigung beantragen"),
    )
    assert saved.status_code == 302, saved.text[:2000]

    after = visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert "Baugenehmigung beantragen" in after.text
    assert after["ETag"] != first["ETag"]
    # The lists and the start page show the new name too.
    assert "Baugenehmigung beantragen" in visitor.get(reverse("catalog:service_list")).text


def test_a_change_of_the_responsible_town_shows_on_the_next_request(
    client: Client, scenario: KreisScenario
) -> None:
    url = _detail("baugenehmigung", "duelmen")
    assert _authority(client.get(url).text) == "Stadt Dülmen"
    town = scenario.towns["duelmen"]
    town.name = "Stadt Dülmen (Westf.)"
    organisation_save(actor=None, obj=town, changed=["name"])
    assert _authority(client.get(url).text) == "Stadt Dülmen (Westf.)"


def test_a_bulk_import_without_signals_still_invalidates(client: Client, scenario: KreisScenario) -> None:
    first = client.get(reverse("portal:home"))
    reference_data_save(
        actor=None,
        changes=[ReferenceChanges(LeikaEntry, create=[LeikaEntry(key="99999999999999", name="Testeintrag")])],
        summary={"test": 1},
    )
    again = client.get(reverse("portal:home"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200


def test_each_town_gets_its_own_responsibility_from_the_cache(
    client: Client, scenario: KreisScenario
) -> None:
    for _round in range(2):  # the second round is served from the cache
        assert _authority(client.get(_detail("baugenehmigung", "duelmen")).text) == "Stadt Dülmen"
        assert _authority(client.get(_detail("baugenehmigung", "senden")).text) == "Kreis Coesfeld"
        assert _authority(client.get(_detail("baugenehmigung", "coesfeld")).text) == "Stadt Coesfeld"


def test_a_logged_in_users_name_never_reaches_another_visitor(
    client: Client, scenario: KreisScenario
) -> None:
    url = _detail("baugenehmigung", "duelmen")
    staff = staff_create("mmuster", scenario.kreis, "fachadministration")
    staff.first_name, staff.last_name = "Marlene", "Musterfrau"
    staff.save()
    login_verified(client, staff)
    person = Client()
    person.force_login(citizen(first_name="Erika", last_name="Beispiel"))
    anonymous = Client()

    # Logged-in pages first (they must not be stored), then the anonymous page (stored), then again.
    assert "Marlene Musterfrau" in client.get(url).text
    assert "Mein Konto" in person.get(url).text
    for _round in range(2):
        page = anonymous.get(url).text
        assert "Marlene Musterfrau" not in page
        assert "Mein Konto" not in page
        assert "Abmelden" not in page
        assert "Anmelden" in page
    # The cached anonymous page is not handed to the logged-in users either.
    staff_page = client.get(url)
    assert "Marlene Musterfrau" in staff_page.text
    assert "ETag" not in staff_page
    assert "Mein Konto" in person.get(url).text


def test_cached_search_page_carries_each_visitors_own_csrf_token(scenario: KreisScenario) -> None:
    url = reverse("catalog:search") + "?q=Baugenehmigung"
    for _visitor in range(2):  # the first stores the page, the second gets it from the cache
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "Kein Formular „Hat Ihnen das geholfen?“ auf der Seite"
        answer = browser.post(
            reverse("assistant:feedback"),
            {"csrfmiddlewaretoken": token[1], "art": "suche", "anfrage": "Baugenehmigung", "hilfreich": "ja"},
        )
        assert answer.status_code == 200, answer.text[:500]


def test_a_search_from_the_cache_still_counts_for_the_fachadmin(
    client: Client, scenario: KreisScenario
) -> None:
    url = reverse("catalog:search") + "?q=Zeppelinlandeplatz"
    first = client.get(url)
    second = Client().get(url)
    assert "Zeppelinlandeplatz" in first.text
    assert second.text == first.text.replace(_csrf(first.text), _csrf(second.text))
    assert QueryFeedback.objects.get(query__iexact="zeppelinlandeplatz").unanswered == 2


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found[1] if found else ""


def test_pages_with_unknown_parameters_or_errors_are_rendered_not_stored(
    client: Client, scenario: KreisScenario
) -> None:
    assert "ETag" not in client.get(reverse("catalog:service_list") + "?x=1")
    wrong = client.get(_detail("baugenehmigung", "atlantis"))
    assert wrong.status_code == 400
    assert "ETag" not in wrong


def test_english_and_german_pages_are_kept_apart(client: Client, scenario: KreisScenario) -> None:
    german = client.get("/leistungen/")
    english = client.get("/en/leistungen/")
    assert german["ETag"] != english["ETag"]
    assert '<html lang="en">' in english.text
    assert '<html lang="de">' in client.get("/leistungen/").text
