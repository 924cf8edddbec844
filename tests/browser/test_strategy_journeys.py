"""Quick-Check in Chromium: a town rates, the Kreis digital team closes the round, reads the portfolio
chart with its data table and records the decided priority.

axe-core must report no WCAG 2.1 A/AA violation on the cockpit, the round, the rating form (also with
errors), the results page and the other cockpit pages.
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


def _login(page: Page, url: str, username: str) -> None:
    from amtsweg.demo.logins import DEMO_PASSWORD

    page.goto(url)
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_label("Code").fill(f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(re.escape(url) + "$"))


def test_a_town_rates_and_the_digital_team_closes_and_decides(
    open_browser: Callable[..., Any], portal_data: Any, axe_check: Callable[[Page, str], str]
) -> None:
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    from amtsweg.strategy.models import FieldOfAction, Strategy, TierDecision
    from amtsweg.strategy.services import round_open
    from amtsweg.tenants.models import Authority

    strategy = Strategy.objects.get(slug="coesfeld-12-0")
    fields = list(
        FieldOfAction.objects.filter(strategy=strategy, slug__in=["verwaltung", "bildung"]).order_by("order")
    )
    duelmen = Authority.objects.get(slug="duelmen")
    round_ = round_open(
        actor=None,
        strategy=strategy,
        title="Quick-Check 2026",
        fields=fields,
        participants=[strategy.owner, duelmen],
    )
    problems: list[str] = []

    town = open_browser()
    page = town.page

    def check(label: str, on: Page) -> None:
        if found := axe_check(on, label):
            problems.append(found)

    _login(page, town.url("/strategie/"), "strategie-duelmen")
    page.get_by_role("heading", name="Strategie-Cockpit", level=1).wait_for()
    check("Cockpit einer Stadt", page)
    page.get_by_role("link", name="Quick-Check 2026").click()
    page.get_by_role("link", name=f"Für {duelmen.name} bewerten").click()
    check("Bewertungsformular", page)
    page.get_by_role("button", name="Bewertung speichern").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Bewertungsformular mit Fehlern", page)
    for field, (importance, potential) in zip(fields, (("5", "4"), ("3", "2")), strict=True):
        page.get_by_role("group", name=f"Bedeutung – {field.name}").get_by_label(
            importance, exact=True
        ).check()
        page.get_by_role("group", name=f"Digitalisierungspotenzial – {field.name}").get_by_label(
            potential, exact=True
        ).check()
    page.get_by_label(f"Kommentar zu {fields[0].name} (freiwillig)").fill("Für uns am wichtigsten.")
    page.get_by_role("button", name="Bewertung speichern").click()
    page.get_by_text("wurde gespeichert").wait_for()
    check("Runde nach dem Bewerten", page)

    team = open_browser()
    page = team.page
    _login(page, team.url("/strategie/"), "digital")
    check("Cockpit des Digitalisierungsteams", page)
    for path in (
        "/strategie/haushalt/",
        "/strategie/foerderung/",
        "/strategie/projekte/",
        "/strategie/workshops/",
    ):
        page.goto(team.url(path))
        check(path, page)
    page.goto(team.url(f"/strategie/quick-check/{round_.pk}/"))
    assert page.get_by_role("row").filter(has_text=duelmen.name).filter(has_text="2 / 2").count() == 1
    check("Runde mit Stand", page)
    page.get_by_role("button", name="Runde schließen").click()
    page.get_by_role("heading", name="Portfolio").wait_for()
    assert page.get_by_role("img", name=re.compile("Portfolio")).count() == 1
    assert page.get_by_role("table", name="Daten des Portfolios").count() == 1
    check("Ergebnis", page)
    form = page.locator(f"#entscheidung-{fields[1].pk}")
    form.get_by_label("beschlossene Priorität").select_option("1")
    form.get_by_label("Begründung").fill("Die Schulen brauchen zuerst Unterstützung.")
    form.get_by_role("button", name=f"Priorität für {fields[1].name} speichern").click()
    page.get_by_text("ist festgehalten").wait_for()
    check("Ergebnis mit Entscheidung", page)
    decision = TierDecision.objects.get(round=round_, field=fields[1])
    assert decision.tier == 1
    assert not problems, "\n\n".join(problems)
