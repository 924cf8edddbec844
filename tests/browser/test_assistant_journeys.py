"""The assistant's pages in Chromium: axe-core finds no WCAG 2.1 A/AA violation; keyboard-only question."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_axe_finds_no_violations_on_the_assistant_pages(
    session: Any, portal_data: Any, axe_check: Callable[[Page, str], str]
) -> None:
    from django.urls import reverse

    page = session.page
    problems: list[str] = []
    ask = reverse("assistant:ask")
    for label, path, status in [
        ("Frag den Kreis leer", ask, 200),
        ("Frag den Kreis mit Antwort", ask + "?frage=Ich+ziehe+nach+Nottuln", 200),
        ("Frag den Kreis ohne Antwort", ask + "?frage=Wetter+morgen", 200),
        ("Frag den Kreis mit Fehler", ask + "?frage=" + "x" * 2100, 400),
        ("Anliegen schildern", reverse("assistant:request"), 200),
    ]:
        response = page.goto(session.url(path))
        assert response is not None, label
        assert response.status == status, f"{label}: Status {response.status} statt {status}"
        if found := axe_check(page, f"{label} ({path})"):
            problems.append(found)

    # Keyboard only: from the start page's question box to the answer.
    page.goto(session.url(reverse("portal:home")))
    page.get_by_label("Stellen Sie Ihre Frage in eigenen Worten").focus()
    page.keyboard.type("Wir bekommen ein Kind")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Unsere Antwort").wait_for()
    assert "Elterngeld" in page.content()
    if found := axe_check(page, "Frag den Kreis: Geburt"):
        problems.append(found)
    assert not problems, "\n\n".join(problems)


def _login(page: Page, url: str, username: str) -> None:
    import re

    from django_otp.oath import totp

    from amtsweg.access.twofactor import DEMO_TOTP_KEY
    from amtsweg.demo.logins import DEMO_PASSWORD

    page.goto(url)
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_label("Code").fill(f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"))


def test_no_dead_end_feedback_and_the_fachadmins_fix_by_keyboard(
    open_browser: Callable[..., Any], portal_data: Any, axe_check: Callable[[Page, str], str]
) -> None:
    """A citizen finds nothing, says so and lands in the contact form with the question; the Fachadmin sees
    the query and adds it as a keyword — every page without axe violations, all by keyboard."""
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    from django.urls import reverse

    problems: list[str] = []
    citizen = open_browser()
    page = citizen.page
    page.goto(citizen.url(reverse("catalog:search") + "?q=Perso"))
    if found := axe_check(page, "Suche mit Rückmeldung"):
        problems.append(found)
    page.goto(citizen.url(reverse("assistant:ask") + "?frage=Sperrmuellkalender+herunterladen"))
    assert "Frage im Kontaktformular stellen" in page.content()
    if found := axe_check(page, "Frag den Kreis ohne Antwort, mit Rückmeldung"):
        problems.append(found)
    page.get_by_role("button", name="Nein").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Ihre Rückmeldung").wait_for()
    if found := axe_check(page, "Danke-Seite (hat nicht geholfen)"):
        problems.append(found)
    page.get_by_role("link", name="Frage im Kontaktformular stellen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/anliegen/**")
    assert page.locator('input[name="frage"]').input_value() == "Sperrmuellkalender herunterladen"
    if found := axe_check(page, "Kontaktformular mit übernommener Frage"):
        problems.append(found)

    admin = open_browser().page
    queries = reverse("assistant:queries")
    _login(admin, citizen.url(queries), "fachadmin")
    if found := axe_check(admin, "Suchanfragen ohne gutes Ergebnis"):
        problems.append(found)
    admin.get_by_role("link", name="Sperrmuellkalender herunterladen").focus()
    admin.keyboard.press("Enter")
    admin.get_by_role("heading", name="Als Suchbegriff bei einer Leistung eintragen").wait_for()
    if found := axe_check(admin, "Suchanfrage bearbeiten"):
        problems.append(found)
    admin.get_by_role("button", name="Suchbegriff eintragen").focus()
    admin.keyboard.press("Enter")  # no service chosen: a message, focus on the summary
    admin.get_by_text("Bitte wählen Sie die Leistung aus.").first.wait_for()
    if found := axe_check(admin, "Suchanfrage bearbeiten mit Fehler"):
        problems.append(found)
    select = admin.get_by_label("Leistung", exact=True)
    select.focus()
    select.select_option(index=1)
    admin.get_by_role("button", name="Suchbegriff eintragen").focus()
    admin.keyboard.press("Enter")
    admin.get_by_text("ist jetzt ein Suchbegriff von").wait_for()
    if found := axe_check(admin, "Suchanfragen nach der Übernahme"):
        problems.append(found)

    team = open_browser().page
    _login(team, citizen.url(reverse("assistant:quality")), "digital")
    assert "Lernen aus der Arbeit" in team.content()
    if found := axe_check(team, "Qualität der KI-Modelle"):
        problems.append(found)
    assert not problems, "\n\n".join(problems)
