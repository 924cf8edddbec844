"""axe-core in the browser on every page the digital team and a Fachadmin work on: all cockpit pages (lists,
details, forms, the Sachstandsbericht, the assistant's quality page) and every admin page they reach from
the admin's index (lists, add and change forms with the date shortcuts).

Besides the WCAG 2.1 A/AA rules, ``label-content-name-mismatch`` (WCAG 2.5.3, still "experimental" in
axe-core) is on: the admin's date shortcuts ("Heute") once had an English accessible name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp

from amtsweg.access.twofactor import DEMO_TOTP_KEY

if TYPE_CHECKING:
    from playwright.sync_api import Page

# WCAG 2.1 A rules axe-core still marks "experimental" and leaves out of a run by tag.
EXPERIMENTAL_WCAG_RULES = ("label-content-name-mismatch",)

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


def _cockpit_pages() -> list[str]:
    """Every page of the cockpit the digital team uses, with a record of each kind from the demo."""
    from django.urls import reverse

    from amtsweg.strategy.models import (
        BudgetLine,
        FundingApplication,
        FundingProgramme,
        Position,
        Project,
        QuickCheckRound,
        Solution,
        Strategy,
        Workshop,
    )

    strategy = Strategy.objects.get(slug="coesfeld-12-0")
    round_ = QuickCheckRound.objects.get(title="Quick-Check 2019")
    project = Project.objects.filter(strategy=strategy).first()
    service = project.services.first() if project else None
    assert project is not None
    assert service is not None
    pages = [
        reverse("strategy:home"),
        reverse("strategy:field_edit", args=[strategy.fields.first().pk]),  # type: ignore[union-attr]
        reverse("strategy:rounds"),
        reverse("strategy:round_create"),
        reverse("strategy:round_detail", args=[round_.pk]),
        reverse("strategy:round_results", args=[round_.pk]),
        reverse("strategy:workshops"),
        reverse("strategy:projects"),
        reverse("strategy:project_detail", args=[project.pk]),
        reverse("strategy:budget"),
        reverse("strategy:positions"),
        reverse("strategy:funding"),
        reverse("strategy:maturity"),
        reverse("strategy:maturity_service", args=[service.slug]),
        reverse("strategy:report_list"),
        reverse("strategy:knowledge"),
        reverse("strategy:solution_offer"),
        reverse("assistant:quality"),
    ]
    solution = Solution.objects.first()
    if solution is not None:
        pages.append(reverse("strategy:solution_detail", args=[solution.pk]))
    records = {
        "workshop": Workshop.objects.filter(strategy=strategy).first(),
        "projekt": project,
        "haushaltsposition": BudgetLine.objects.filter(owner=strategy.owner).first(),
        "stelle": Position.objects.filter(owner=strategy.owner).first(),
        "foerderprogramm": FundingProgramme.objects.first(),
        "foerderantrag": FundingApplication.objects.filter(project__strategy=strategy).first(),
    }
    for kind, record in records.items():
        pages.append(reverse("strategy:record_create", args=[kind]))
        assert record is not None, kind
        pages.append(reverse("strategy:record_edit", args=[kind, record.pk]))
    pages.append(reverse("strategy:record_delete", args=["projekt", project.pk]))
    return pages


# The admin walks are split into parts that run as separate tests, so both test processes share them
# (one walk over every admin page took about a minute).
ADMIN_PARTS = 3


def _walk_admin(
    page: Page, base: str, part: int, parts: int, axe_check: Callable[..., str], who: str
) -> tuple[int, list[str]]:
    """The admin's index, and for every model on it: the list, the add form and the first change form
    (found on the list while it is checked) – only every ``parts``-th model from ``part`` on, the index in
    part 0. Returns how many pages were checked and the problems found."""
    page.goto(base + "/admin/")
    links = page.locator("#content-main a").evaluate_all("(links) => links.map((a) => a.href)")
    lists = sorted(
        {urlsplit(href).path for href in links if re.search(r"/admin/\w+/\w+/$", urlsplit(href).path)}
    )[part::parts]
    adds = sorted({urlsplit(href).path for href in links if urlsplit(href).path.endswith("/add/")})
    adds = adds[part::parts]
    problems = _walk(page, base, ["/admin/"], axe_check, who) if part == 0 else []
    changes = []
    for path in lists:
        problems += _walk(page, base, [path], axe_check, who)
        first = page.locator("#result_list tbody tr th a, #result_list tbody tr td a").first
        if first.count():
            href = first.get_attribute("href") or ""
            if href.endswith("/change/"):
                changes.append(urlsplit(base + href if href.startswith("/") else href).path)
    problems += _walk(page, base, [*adds, *changes], axe_check, who)
    return (1 if part == 0 else 0) + len(lists) + len(adds) + len(changes), problems


def _walk(page: Page, base: str, paths: list[str], axe_check: Callable[..., str], who: str) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None, path
        assert response.status == 200, f"{who}: {path} antwortet mit {response.status}"
        if found := axe_check(page, f"{who}: {path}", EXPERIMENTAL_WCAG_RULES):
            problems.append(found)
    return problems


def test_every_cockpit_page_of_the_digital_team_passes_axe(
    open_browser: Callable[..., Any], portal_data: Any, axe_check: Callable[..., str]
) -> None:
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    session = open_browser()
    page = session.page
    _login(page, session.url("/strategie/"), "digital")
    problems = _walk(page, session.base_url, _cockpit_pages(), axe_check, "Digitalisierungsteam")

    # A new report: its edit page with every computed part and chart.
    page.goto(session.url("/strategie/berichte/"))
    page.get_by_label("Betreff").fill("Sachstand der Digitalisierungsstrategie")
    page.get_by_role("button", name=re.compile("anlegen", re.IGNORECASE)).click()
    page.get_by_role(
        "heading", name=re.compile("Sachstand der Digitalisierungsstrategie"), level=1
    ).wait_for()
    if found := axe_check(page, "Bericht bearbeiten", EXPERIMENTAL_WCAG_RULES):
        problems.append(found)
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize(("username", "who"), [("digital", "Digitalteam"), ("fachadmin", "Fachadmin")])
@pytest.mark.parametrize("part", range(ADMIN_PARTS))
def test_every_admin_page_passes_axe(
    open_browser: Callable[..., Any],
    portal_data: Any,
    axe_check: Callable[..., str],
    username: str,
    who: str,
    part: int,
) -> None:
    """Every admin page the digital team and a Fachadmin reach from the admin's index, in parts."""
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    session = open_browser()
    page = session.page
    _login(page, session.url("/admin/"), username)
    checked, problems = _walk_admin(page, session.base_url, part, ADMIN_PARTS, axe_check, who)
    assert checked > 3, checked
    assert not problems, "\n\n".join(problems)


def test_the_quick_check_results_on_a_narrow_screen_scroll_by_keyboard(
    open_browser: Callable[..., Any], portal_data: Any, axe_check: Callable[..., str]
) -> None:
    """On a narrow window the wide result tables scroll; the keyboard reaches them (a named region)."""
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    from amtsweg.strategy.models import QuickCheckRound

    round_ = QuickCheckRound.objects.get(title="Quick-Check 2019")
    session = open_browser(viewport={"width": 800, "height": 900})
    page = session.page
    url = session.url(f"/strategie/quick-check/{round_.pk}/ergebnis/")
    _login(page, url, "digital")
    region = page.get_by_role("region", name="Statistik, Vorschlag und beschlossene Priorität")
    assert region.evaluate("(el) => el.scrollWidth > el.clientWidth"), "the table does not scroll here"
    region.focus()
    assert region.evaluate("(el) => el === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Scrolling by key may be animated: wait until the region has moved instead of reading it at once.
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
    assert not axe_check(page, "Ergebnis, schmales Fenster", EXPERIMENTAL_WCAG_RULES)


def test_the_date_shortcuts_are_named_by_their_visible_text(
    open_browser: Callable[..., Any], portal_data: Any
) -> None:
    """„Heute“ is reached by saying „Heute“: the accessible name starts with the visible text."""
    if portal_data.source != "demo":
        pytest.skip("Die Demo-Zugänge fehlen ohne Demodaten.")
    from amtsweg.strategy.models import Project

    project = Project.objects.filter(starts_on__isnull=False).first()
    assert project is not None
    session = open_browser()
    page = session.page
    url = session.url(f"/admin/strategy/project/{project.pk}/change/")
    _login(page, url, "digital")
    shortcuts = page.locator(".datetimeshortcuts a[role=button]")
    shortcuts.first.wait_for()
    assert shortcuts.count() >= 1
    for i in range(shortcuts.count()):
        link = shortcuts.nth(i)
        visible = (link.text_content() or "").strip()
        name = link.get_attribute("aria-label") or visible
        assert name.lower().startswith(visible.lower()), (visible, name)
