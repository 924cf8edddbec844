"""Citizen account journeys in Chromium: register, confirm from the mailbox, log in, Mein Konto.

axe-core must report no WCAG 2.1 A/AA violation on any account page, in normal and error states.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PASSWORD = "Sonnenblume-Ahornweg-42"
EMAIL = "erika.beispiel@example.org"
LINK = re.compile(r"https?://[^/\s]+(/konto/\S+/)")


def _link_to(address: str) -> str:
    messages = [message for message in mail.outbox if address in message.to]
    assert messages, f"Keine E-Mail an {address}"
    found = LINK.search(messages[-1].body)
    assert found, messages[-1].body
    return found.group(1)


def test_citizen_registers_confirms_logs_in_and_manages_the_account(
    session: Any, axe_check: Callable[[Page, str], str]
) -> None:
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    page.goto(session.url("/"))
    page.get_by_role("link", name="Anmelden").click()
    check("Anmelden")
    page.get_by_role("link", name="Noch kein Konto? Jetzt registrieren").click()
    check("Registrieren")
    page.get_by_role("button", name="Konto anlegen").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Registrieren mit Fehlern")

    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Beispiel")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Neues Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.get_by_role("heading", name="Bitte prüfen Sie Ihr Postfach").wait_for()
    check("Registrierung abgeschickt")

    page.goto(session.url(_link_to(EMAIL)))
    check("E-Mail bestätigen")
    page.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
    page.get_by_text("Ihre E-Mail-Adresse ist bestätigt").wait_for()
    check("Anmelden nach Bestätigung")

    page.get_by_label("E-Mail-Adresse oder Benutzername").fill(EMAIL)
    page.get_by_label("Passwort").fill("falsches-Passwort-1")
    page.get_by_role("button", name="Anmelden").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Anmelden mit Fehler")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Mein Konto", level=1).wait_for()
    assert page.get_by_role("heading", name="Anträge und Entwürfe").is_visible()
    assert page.get_by_role("heading", name="Nachrichten").is_visible()
    check("Mein Konto")

    page.get_by_role("link", name="Angaben ändern").click()
    page.get_by_label("PLZ", exact=True).fill("123")
    page.get_by_role("button", name="Speichern").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Angaben ändern mit Fehler")
    page.get_by_label("Straße und Hausnummer").fill("Marktstraße 1")
    page.get_by_label("PLZ", exact=True).fill("48249")
    page.get_by_label("Ort", exact=True).fill("Dülmen")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Ihre Angaben sind gespeichert.").wait_for()
    assert page.get_by_text("Marktstraße 1").is_visible()

    page.get_by_role("link", name="E-Mail-Adresse ändern").click()
    page.wait_for_url("**/konto/e-mail/")
    check("E-Mail-Adresse ändern")

    page.goto(session.url("/konto/"))
    page.get_by_role("link", name="Organisationskonto anlegen").click()
    page.wait_for_url("**/konto/organisationen/neu/")
    check("Organisationskonto anlegen")
    page.get_by_label("Name der Organisation").fill("Bäckerei Beispiel GmbH")
    page.get_by_label("Straße und Hausnummer").fill("Marktstraße 3")
    page.get_by_label("PLZ", exact=True).fill("48249")
    page.get_by_label("Ort", exact=True).fill("Dülmen")
    page.get_by_role("button", name="Organisationskonto anlegen").click()
    page.get_by_role("heading", name="Bäckerei Beispiel GmbH", level=1).wait_for()
    page.get_by_label("E-Mail-Adresse der Person, die Sie einladen").fill("max@example.org")
    page.get_by_role("button", name="Einladung schicken").click()
    page.get_by_text("Die Einladung ist verschickt.").wait_for()
    check("Organisation mit Mitgliedern und Einladung")

    page.goto(session.url("/konto/"))
    page.get_by_label("Anträge stellen im Namen von").select_option(label="Bäckerei Beispiel GmbH")
    page.get_by_role("button", name="Auswahl speichern").click()
    page.get_by_text("Sie handeln jetzt im Namen von").wait_for()
    check("Mein Konto im Namen einer Organisation")

    page.get_by_role("link", name="Konto löschen").click()
    assert page.get_by_text("so lange auf, wie das Gesetz es verlangt", exact=False).is_visible()
    check("Konto löschen")

    page.goto(session.url("/konto/"))
    # "Abmelden" is in the header of every page for a citizen too: a button, reached and pressed by keyboard
    logout = page.get_by_role("banner").get_by_role("button", name="Abmelden")
    logout.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Sie sind abgemeldet.").wait_for()
    assert not problems, "\n\n".join(problems)


def test_password_reset_pages_and_link_errors_are_accessible(
    session: Any, axe_check: Callable[[Page, str], str]
) -> None:
    from django.utils import timezone

    from amtsweg.accounts.models import User

    User.objects.create_user(
        "b-erika", email=EMAIL, password=PASSWORD, first_name="Erika", email_verified_at=timezone.now()
    )
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    page.goto(session.url("/konto/anmelden/"))
    page.get_by_role("link", name="Passwort vergessen?").click()
    check("Passwort vergessen")
    page.get_by_label("E-Mail-Adresse Ihres Kontos").fill(EMAIL)
    page.get_by_role("button", name="Link anfordern").click()
    page.get_by_role("heading", name="Bitte prüfen Sie Ihr Postfach").wait_for()
    check("Passwort vergessen abgeschickt")

    link = _link_to(EMAIL)
    page.goto(session.url(link))
    check("Neues Passwort festlegen")
    page.get_by_label("Neues Passwort", exact=True).fill("Lindenallee-Neu-2026")
    page.get_by_label("Passwort wiederholen").fill("Lindenallee-Neu-2026")
    page.get_by_role("button", name="Passwort speichern").click()
    page.get_by_text("Ihr neues Passwort ist gespeichert.").wait_for()

    response = page.goto(session.url(link))
    assert response is not None
    assert response.status == 400
    page.get_by_role("heading", name="Link ungültig").wait_for()
    check("Link schon verwendet")
    assert not problems, "\n\n".join(problems)
