"""axe-core finds no WCAG 2.1 A/AA violation on any public page, including error and empty states."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _public_pages() -> list[tuple[str, str, int]]:
    """(label, path, expected status) for every public page and state a citizen can reach."""
    from django.urls import reverse

    from amtsweg.catalog.selectors import (
        lebenslagen_with_services,
        published_services,
        themenfelder_with_services,
    )

    lebenslage = lebenslagen_with_services().first()
    themenfeld = themenfelder_with_services().first()
    service = published_services().filter(name__startswith="Baugenehmigung").first()
    assert lebenslage is not None, "Die Testdaten enthalten keine Lebenslage mit Leistungen"
    assert themenfeld is not None, "Die Testdaten enthalten kein Themenfeld mit Leistungen"
    assert service is not None, "Die Testdaten enthalten keine Baugenehmigung"
    detail = reverse("catalog:service_detail", args=[service.slug])
    return [
        ("Startseite", reverse("portal:home"), 200),
        ("Alle Leistungen", reverse("catalog:service_list"), 200),
        ("Lebenslage", reverse("catalog:lebenslage", args=[lebenslage.slug]), 200),
        ("Themenfeld", reverse("catalog:themenfeld", args=[themenfeld.slug]), 200),
        ("Suche ohne Begriff", reverse("catalog:search"), 200),
        ("Suche mit Treffern", reverse("catalog:search") + "?q=Bauantrag", 200),
        ("Suche ohne Treffer", reverse("catalog:search") + "?q=Xylophonreparatur", 200),
        ("Leistung ohne Ergebnis", detail, 200),
        ("Leistung mit Ergebnis Dülmen", detail + "?gemeinde=duelmen", 200),
        ("Leistung mit Ergebnis Senden", detail + "?gemeinde=senden", 200),
        ("Leistung mit falscher Postleitzahl", detail + "?gemeinde=&plz=12", 400),
        ("Barrierefreiheit", reverse("portal:accessibility"), 200),
        ("Leichte Sprache", reverse("portal:easy_language"), 200),
        ("Impressum", reverse("portal:imprint"), 200),
        ("Datenschutz", reverse("portal:privacy"), 200),
        ("Seite nicht gefunden", "/gibt-es-nicht/", 404),
    ]


def test_axe_finds_no_violations_on_public_pages(
    session: Any, portal_data: Any, axe_check: Callable[[Page, str], str]
) -> None:
    page = session.page
    problems: list[str] = []
    for label, path, status in _public_pages():
        response = page.goto(session.url(path))
        assert response is not None, label
        assert response.status == status, f"{label}: Status {response.status} statt {status}"
        if found := axe_check(page, f"{label} ({path})"):
            problems.append(found)

    # The feedback form in its error state (sent empty) and after a successful post.
    page.goto(session.url("/barrierefreiheit/"))
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Rückmeldung senden").click()
    assert answer.value.status == 400
    page.locator(".amtsweg-error-summary").wait_for()
    if found := axe_check(page, "Barrierefreiheit mit Fehlermeldung"):
        problems.append(found)
    page.get_by_label("Beschreiben Sie bitte die Barriere").fill("Der Kontrast im Fußbereich ist zu schwach.")
    page.get_by_role("button", name="Rückmeldung senden").click()
    page.get_by_role("status").wait_for()
    if found := axe_check(page, "Barrierefreiheit nach dem Absenden"):
        problems.append(found)

    assert not problems, "\n\n".join(problems)


def test_axe_checks_the_keyboard_focus_states(session: Any, portal_data: Any) -> None:
    """The skip link becomes visible on focus, and focused controls show an outline."""
    page = session.page
    page.goto(session.url("/"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    box = skip.bounding_box()
    assert box is not None, "Der Sprunglink fehlt"
    assert box["y"] >= 0, "Der Sprunglink bleibt beim Fokus unsichtbar"
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "Der fokussierte Link zeigt keinen sichtbaren Fokus"


def test_axe_reports_a_missing_text_alternative_on_a_page_with_a_strict_csp(
    browser: Any, axe_check: Callable[..., str]
) -> None:
    """The checker itself: axe-core runs on a page whose CSP allows no foreign or inline script (as ours)
    and reports what it must, so "no violations" above means something."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="de"><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'self'; script-src 'self'\"><title>Probe</title></head>"
        '<body><main><h1>Probe</h1><img src="/bild.png"></main></body></html>'
    )
    found = axe_check(page, "Probe")
    context.close()
    assert "image-alt" in found, found
