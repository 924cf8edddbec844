"""The digital team opens the live OZG maturity dashboard and writes a Sachstandsbericht, in Chromium.

axe-core must report no WCAG 2.1 A/AA violation on the dashboard, the comparison of the towns, the
service page, the list of reports and the report page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import totp

from amtsweg.access.twofactor import DEMO_TOTP_KEY

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _ensure_strategy() -> None:
    """The demo brings the strategy; the factory data set (without the demo) gets a minimal one."""
    from amtsweg.catalog.selectors import kreis
    from amtsweg.strategy.models import Strategy
    from amtsweg.strategy.services import strategy_object_save

    owner = kreis()
    if owner is not None and not Strategy.objects.filter(owner=owner).exists():
        strategy_object_save(actor=None, obj=Strategy(owner=owner, title="Coesfeld 12.0", slug="coesfeld-12"))


def test_the_digital_team_opens_the_dashboard_and_writes_a_report(
    session: Any, portal_data: Any, axe_check: Callable[[Page, str], str]
) -> None:
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    from amtsweg.demo.logins import DEMO_PASSWORD

    _ensure_strategy()
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    page.goto(session.url("/strategie/reifegrad/"))
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill("digital")
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_label("Code").fill(f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/strategie/reifegrad/$"))
    page.get_by_role("heading", name="OZG-Reifegrad live", level=1).wait_for()
    matrix = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Dülmen"))
    assert matrix.count() >= 1
    check("Reifegrad-Übersicht")

    page.get_by_label("Ihre Stadt oder Gemeinde (für den Vergleich)").select_option(label="Gemeinde Senden")
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("heading", name="Voneinander lernen").wait_for()
    check("Reifegrad mit Vergleich für Senden")

    page.locator("th[scope=row] a").first.click()
    page.get_by_role("heading", name=re.compile("^OZG-Reifegrad: "), level=1).wait_for()
    check("Reifegrad einer Leistung")

    page.goto(session.url("/strategie/berichte/"))
    page.get_by_role("heading", name="Sachstandsberichte", level=1).wait_for()
    check("Sachstandsberichte")
    page.get_by_label("Betreff").fill("Digitalisierungsstrategie – Sachstand und Planung")
    page.get_by_role("button", name="Entwurf anlegen").click()
    page.get_by_label("Vorlagen-Nr.").wait_for()
    page.get_by_label("Vorlagen-Nr.").fill("SV-10-0123")
    page.get_by_role("button", name="Texte speichern").click()
    page.get_by_text("Die Texte wurden gespeichert.").wait_for()
    check("Sachstandsbericht bearbeiten")
    # The PDF is rendered on request (charts, WeasyPrint): wait for the download as long as it takes.
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Als PDF herunterladen").click(no_wait_after=True)
    assert download.value.suggested_filename.startswith("SV-10-0123 ")
    assert not problems, "\n\n".join(problems)
