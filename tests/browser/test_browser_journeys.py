"""Citizen journeys in Chromium: find a service, choose a town, see who is responsible.

Each journey runs against the real server with the demo data (or, while that is missing, the small
Kreis of the test factories): with mouse and JavaScript, with the keyboard only, and without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _expect() -> Callable[..., object]:
    from playwright.sync_api import expect

    return expect


def _choose_and_show(page: Page, town: str) -> None:
    page.get_by_label("Ihre Stadt oder Gemeinde").select_option(label=town)
    page.get_by_role("button", name="Zuständige Stelle anzeigen").click()


@pytest.mark.parametrize("town", ["Dülmen", "Senden"])
def test_search_service_and_find_responsible_authority(
    session: Any, portal_data: Any, town: str, axe_check: Callable[[Page, str], str]
) -> None:
    expect = _expect()
    page = session.page
    page.goto(session.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Was möchten Sie erledigen?")

    page.get_by_label("Leistung suchen").fill(portal_data.search_term)
    page.get_by_role("button", name="Suchen").click()
    expect(page).to_have_url(re.compile(r"/suche/\?q=Bauantrag$"))
    expect(page.locator("#suchergebnisse h2")).to_contain_text("gefunden für „Bauantrag“")

    page.locator("#suchergebnisse").get_by_role(
        "link", name=re.compile(portal_data.service_link)
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baugenehmigung")

    _choose_and_show(page, town)
    expect(page.locator("#zustaendige-behoerde")).to_have_text(portal_data.expected[town])
    expect(page.locator("#ergebnis-titel")).to_have_text(f"Zuständig für {town}")
    # htmx replaced only the answer: the address bar can be bookmarked, focus moved to the answer.
    expect(page).to_have_url(re.compile(r"[?&]gemeinde="))
    expect(page.locator("#ergebnis")).to_be_focused()
    expect(page.get_by_label("Ihre Stadt oder Gemeinde")).to_have_value(re.compile(r".+"))
    assert page.locator("#ergebnis table").count() >= 1, "Keine Öffnungszeiten angezeigt"
    problems = axe_check(page, f"Ergebnis für {town} nach htmx-Austausch")
    assert not problems, problems


def test_live_search_shows_results_while_typing(session: Any, portal_data: Any) -> None:
    expect = _expect()
    page = session.page
    page.goto(session.url("/suche/"))
    field = page.get_by_label("Wonach suchen Sie?")
    field.press_sequentially("Bauantrag", delay=30)
    # No Enter: htmx fetched the results into the live region.
    results = page.locator("#suchergebnisse")
    expect(results).to_have_attribute("aria-live", "polite")
    expect(results.get_by_role("link", name=re.compile(portal_data.service_link)).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/suche/\?q=Bauantrag$"))
    expect(field).to_be_focused()

    field.fill("")
    field.press_sequentially("Xylophonreparatur", delay=20)
    expect(results.get_by_role("heading", name="Keine Leistungen gefunden")).to_be_visible()


def _tab_to(page: Page, selector: str, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(
            "(s) => document.activeElement !== null && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Mit der Tastatur nicht erreichbar: {selector}")


def test_keyboard_only_journey(session: Any, portal_data: Any) -> None:
    expect = _expect()
    page = session.page
    page.goto(session.url("/"))

    # The first Tab reaches the skip link; Enter jumps to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhalt")).to_be_focused()

    _tab_to(page, "input[name=q]")
    page.keyboard.type(portal_data.search_term)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/suche/\?q=Bauantrag$"))

    _tab_to(page, "#suchergebnisse a")
    focused_name = page.evaluate("() => document.activeElement.textContent.trim()")
    assert re.match(portal_data.service_link, focused_name), focused_name
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baugenehmigung")

    _tab_to(page, "#id_gemeinde")
    page.keyboard.type("D")  # type-ahead in the closed select: Dülmen is the only town with D
    expect(page.locator("#id_gemeinde")).to_have_value("duelmen")
    _tab_to(page, "#zustaendigkeit-anzeigen")
    page.keyboard.press("Enter")
    expect(page.locator("#zustaendige-behoerde")).to_have_text(portal_data.expected["Dülmen"])
    expect(page.locator("#ergebnis")).to_be_focused()

    # Back up to the form, choose no town but a wrong postcode: the error summary takes the focus.
    _tab_to(page, "#id_gemeinde", key="Shift+Tab")
    page.keyboard.press("Home")  # "– bitte auswählen –"
    expect(page.locator("#id_gemeinde")).to_have_value("")
    _tab_to(page, "#id_plz")
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    summary = page.locator(".amtsweg-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Eine Postleitzahl hat genau 5 Ziffern.")
    _tab_to(page, ".amtsweg-error-summary a")
    page.keyboard.press("Enter")
    expect(page.locator("#id_plz")).to_be_focused()


def test_journey_without_javascript(open_browser: Callable[..., Any], portal_data: Any) -> None:
    expect = _expect()
    session = open_browser(java_script_enabled=False)
    page = session.page
    page.goto(session.url("/"))
    page.get_by_label("Leistung suchen").fill(portal_data.search_term)
    page.get_by_role("button", name="Suchen").click()
    page.locator("#suchergebnisse").get_by_role(
        "link", name=re.compile(portal_data.service_link)
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baugenehmigung")

    # Without JavaScript the form reloads the whole page and jumps to the answer.
    _choose_and_show(page, "Dülmen")
    expect(page).to_have_url(re.compile(r"\?gemeinde=duelmen&plz=#zustaendigkeit$"))
    expect(page.locator("#zustaendige-behoerde")).to_have_text(portal_data.expected["Dülmen"])
    expect(page.get_by_label("Ihre Stadt oder Gemeinde")).to_have_value("duelmen")
    page.wait_for_load_state("load")

    # The postcode works as well, and a wrong one gets a German message.
    page.get_by_label("Ihre Stadt oder Gemeinde").select_option(value="")
    page.get_by_label("oder Ihre Postleitzahl").fill("48249")
    page.get_by_role("button", name="Zuständige Stelle anzeigen").click()
    # Wait for the new page: the old one already shows Dülmen, so the answer alone proves nothing.
    expect(page).to_have_url(re.compile(r"\?gemeinde=&plz=48249#zustaendigkeit$"))
    expect(page.locator("#zustaendige-behoerde")).to_have_text(portal_data.expected["Dülmen"])
    expect(page.get_by_label("oder Ihre Postleitzahl")).to_have_value("48249")
    # The URL changes when the new page starts; type into it only once it has loaded (once, in CI, the
    # next form went out empty: "Bitte wählen Sie …" instead of the postcode's message).
    page.wait_for_load_state("load")

    page.get_by_label("oder Ihre Postleitzahl").fill("99999")
    response_status: list[int] = []
    page.on("response", lambda response: response_status.append(response.status))
    page.get_by_role("button", name="Zuständige Stelle anzeigen").click()
    expect(page.locator(".amtsweg-error-summary")).to_contain_text("gehört zu keiner Stadt oder Gemeinde")
    assert 400 in response_status

    # Feedback on a barrier can be sent without JavaScript too.
    page.goto(session.url("/barrierefreiheit/"))
    page.get_by_label("Beschreiben Sie bitte die Barriere").fill(
        "Die Tabelle der Öffnungszeiten ist zu klein."
    )
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Vielen Dank! Ihre Rückmeldung ist bei uns eingegangen."
    )

    from amtsweg.portal.models import AccessibilityFeedback

    assert AccessibilityFeedback.objects.filter(message__startswith="Die Tabelle der Öffnungszeiten").exists()


def test_failed_enhanced_request_falls_back_to_a_page_load(session: Any, portal_data: Any) -> None:
    """If the htmx request for the answer fails, the browser loads the whole page the ordinary way."""
    expect = _expect()
    page = session.page
    failed: list[str] = []

    def fail_htmx_once(route: Any) -> None:
        if route.request.headers.get("hx-request") and not failed:
            failed.append(route.request.url)
            route.fulfill(status=502, body="Bad Gateway")
        else:
            route.continue_()

    page.goto(session.url("/suche/?q=Bauantrag"))
    page.locator("#suchergebnisse").get_by_role(
        "link", name=re.compile(portal_data.service_link)
    ).first.click()
    page.route(re.compile(r".*[?&]gemeinde=.*"), fail_htmx_once)
    _choose_and_show(page, "Senden")
    expect(page.locator("#zustaendige-behoerde")).to_have_text(portal_data.expected["Senden"])
    assert failed, "Die htmx-Anfrage wurde nicht abgefangen"
    # The page loaded the ordinary way puts the focus on the answer, as the enhanced one does.
    expect(page).to_have_url(re.compile(r"#zustaendigkeit$"))
    expect(page.locator("#ergebnis")).to_be_focused()
