"""The admin is German throughout: every page a Fachadmin can reach, without English leftovers.

Was a bug: "- Select an option -", "Search Zuständigkeiten" and "Run" were English, because Django 6.1's
German catalogue lacks them (translated in ``amtsweg/locale_django``). The walk covers the index, every
changelist, every add page and the change page of the first row of each list, for the Kreis's Fachadmin
and the Fachadmin of Dülmen, plus the admin's JavaScript catalogue (calendar shortcuts, selector boxes).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified

pytestmark = pytest.mark.django_db

# English texts of Django's admin (and of our own admin code) that must not show up on a German page.
ENGLISH = [
    r"Select an option",
    r"\bSearch\b",
    r"\bRun\b",
    r"Save and add another",
    r"Save and continue editing",
    r"Save as new",
    r"\bSave\b",
    r"\bDelete\b",
    r"\bHistory\b",
    r"\bLog ?out\b",
    r"View site",
    r"\bHome\b",
    r"Show all",
    r"\b\d+ results?\b",
    r"\bAdd\b",
    r"\bChange\b",
    r"Recent actions",
    r"\bWelcome\b",
    r"Change password",
    r"\bPagination\b",
    r"Select all",
    r"Clear selection",
    r"\bselected\b",
    r"\bToday\b",
    r"\bNow\b",
    r"\bChoose\b",
    r"\bFilter by\b",
    r"\bBy \w+",
    r"Currently:",
    r"\bUnknown\b",
    r"\bYes\b",
    r"\bNo\b",
]
PATTERN = re.compile("|".join(f"(?:{p})" for p in ENGLISH))


class _Text(HTMLParser):
    """Visible text plus the attributes people read (button labels, alternative texts, labels)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        found = dict(attrs)
        for name in ("alt", "title", "aria-label", "placeholder"):
            if found.get(name):
                self.parts.append(str(found[name]))
        if tag == "input" and found.get("type") in ("submit", "button", "reset") and found.get("value"):
            self.parts.append(str(found["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_on(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for match in PATTERN.finditer(part):
            found.append(f"{match.group(0)!r} in {' '.join(part.split())[:80]!r}")
    return found


def client_visible_fim_version(client: Client) -> Any:
    """The first FIM form version the logged-in Fachadmin may open (the Kreis's demo forms)."""
    from amtsweg.forms.models import FormVersion

    for version in FormVersion.objects.filter(fim_standard="xdf2").order_by("pk"):
        if client.get(reverse("admin:forms_formversion_report", args=[version.pk])).status_code == 200:
            return version
    return None


def _walk(client: Client) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    pages = [reverse("admin:index")]
    for app in index.context["app_list"]:
        for model in app["models"]:
            if model.get("admin_url"):
                pages.append(model["admin_url"])
            if model.get("add_url"):
                pages.append(model["add_url"])
    # Our own admin pages that are not model lists: the FIM import, an import report and its preview.
    from amtsweg.forms.models import FormVersion

    pages.append(reverse("admin:forms_form_fim_import"))
    version = client_visible_fim_version(client)
    if version is not None:
        pages.append(reverse("admin:forms_formversion_report", args=[version.pk]))
        pages.append(reverse("submissions:preview", args=[version.pk]))
    assert FormVersion.objects.filter(fim_standard="xdf2").exists()
    for url in list(pages[1:]):
        if url.endswith("/add/"):
            continue
        listing = client.get(url)
        change_list = listing.context.get("cl") if listing.context else None
        if change_list is not None and change_list.result_list:
            first = change_list.result_list[0]
            pages.append(change_list.url_for_result(first))
    for url in dict.fromkeys(pages):
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_on(response.text)
        if found:
            problems[url] = found
    return problems


@pytest.mark.parametrize("username", ["fachadmin", "fachadmin-duelmen"])
def test_every_admin_page_of_a_fachadmin_is_german(demo_db: Any, client: Client, username: str) -> None:
    login_verified(client, get_user_model()._default_manager.get(username=username))
    problems = _walk(client)
    assert not problems, "\n".join(f"{url}: {'; '.join(found[:5])}" for url, found in problems.items())


def test_the_blank_choice_and_the_action_button_are_german(demo_db: Any, client: Client) -> None:
    login_verified(client, get_user_model()._default_manager.get(username="fachadmin"))
    add = client.get(reverse("admin:catalog_service_add")).text
    assert "– Bitte auswählen –" in add
    listing = client.get(reverse("admin:catalog_responsibility_changelist")).text
    assert "Zuständigkeiten durchsuchen" in listing
    assert ">Ausführen</button>" in listing


def test_the_admin_javascript_texts_are_german(demo_db: Any, client: Client) -> None:
    login_verified(client, get_user_model()._default_manager.get(username="fachadmin"))
    catalog = client.get(reverse("admin:jsi18n")).text
    for german in ("Heute (%(date)s)", "Alle %s ausw", "Ausf"):
        assert german in catalog
    for english in ("Today (%(date)s)", "Choose all %s"):
        assert f'"{english}": "{english}"' not in catalog


def test_the_checker_finds_english() -> None:
    assert english_on('<button>Run</button><input type="submit" value="Save and add another">')
    assert not english_on("<p>Zuständigkeiten durchsuchen</p><button>Ausführen</button>")
