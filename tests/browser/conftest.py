"""Browser journeys: Playwright (sync API) driving Debian's Chromium against Django's live server.

One Chromium per test module; each test gets a fresh browser context (no shared cookies) and the demo
database, restored from a snapshot taken once per worker (the live server needs committed data, so the
tests use ``transactional_db``).
Without Chromium the tests are skipped with a reason; ``playwright install`` is never needed.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from amtsweg.testing import DatabaseSnapshot, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = "Chromium nicht installiert – Browser-Tests übersprungen (apt-get install chromium)"
AXE_SCRIPT = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@dataclass(frozen=True)
class PortalData:
    """What the journeys rely on, whichever data set was loaded."""

    source: str
    search_term: str = "Bauantrag"
    service_link: str = r"^Baugenehmigung"
    expected: dict[str, str] = field(
        default_factory=lambda: {"Dülmen": "Stadt Dülmen", "Senden": "Kreis Coesfeld"}
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running in the test thread while it is started.
    Django refuses ORM calls in that state, so the test's own ORM calls (loading data, looking up
    slugs) need ``DJANGO_ALLOW_ASYNC_UNSAFE`` – set only while the browser runs and removed again,
    so neither later tests nor subprocesses (``check --deploy``) see it. Module scope (not session
    scope) stops the loop before the next module's tests run.
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def portal_data(
    transactional_db: None, live_server: LiveServer, demo_snapshot: DatabaseSnapshot
) -> PortalData:
    """The demo with its search index, committed for the live server.

    Restored from the snapshot each worker took once (see ``demo_snapshot`` in the root conftest): the
    same database a fresh ``load_demo`` gives, in a fraction of a second. The flush after the test
    empties it again.
    """
    demo_snapshot.restore()
    return PortalData(source="demo")


@dataclass
class BrowserSession:
    """A browser context for one test, with the CSP errors the pages caused."""

    context: BrowserContext
    page: Page
    base_url: str
    csp_errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path


def _open_session(browser: Browser, live_server: LiveServer, **options: Any) -> BrowserSession:
    defaults: dict[str, Any] = {"locale": "de-DE", "viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**(defaults | options))
    context.set_default_timeout(10_000)
    page = context.new_page()
    session = BrowserSession(context=context, page=page, base_url=live_server.url)

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            session.csp_errors.append(message.text)

    page.on("console", on_console)
    return session


@pytest.fixture
def open_browser(
    browser: Browser, live_server: LiveServer, portal_data: PortalData
) -> Iterator[Callable[..., BrowserSession]]:
    """Open a browser context (options as for ``new_context``); all are closed after the test."""
    sessions: list[BrowserSession] = []

    def open_(**options: Any) -> BrowserSession:
        session = _open_session(browser, live_server, **options)
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        session.context.close()
    errors = [error for session in sessions for error in session.csp_errors]
    assert not errors, "Die Content Security Policy hat etwas blockiert:\n" + "\n".join(errors)


@pytest.fixture
def session(open_browser: Callable[..., BrowserSession]) -> BrowserSession:
    return open_browser()


@functools.cache
def _axe_source() -> str:
    """axe-core's script, evaluated in the page through the DevTools protocol: the page's CSP
    (script-src 'self') stays on and sees nothing of it. (A route that served it from the page's origin
    switched off the browser's cache for every request of the test, so each page fetched its CSS and
    scripts again.)"""
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _axe_violations(page: Page, rules: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Run axe-core on the current page with the WCAG 2.1 A/AA rules and return the violations.

    A click on a link returns before the browser has swapped in the new document; when axe is injected
    in that moment the document is gone or still empty. Then wait until the new page is loaded and run
    again on it – the page a user ends up on is the one that is checked.
    """
    from playwright.sync_api import Error as PlaywrightError

    options = (
        "{runOnly: {type: 'tag', values: args.tags}, resultTypes: ['violations'], "
        "rules: Object.fromEntries(args.rules.map((id) => [id, {enabled: true}]))}"
    )
    attempts = 3
    for attempt in range(attempts):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.evaluate(_axe_source())
            result = page.evaluate(
                f"async (args) => await axe.run(document, {options})",
                {"tags": WCAG_TAGS, "rules": list(rules)},
            )
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            continue
        return list(result["violations"])
    raise AssertionError("unreachable")


def _describe(label: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{label}: {len(violations)} Verstöße gegen WCAG 2.1 AA"]
    for violation in violations:
        lines.append(f"  - {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            targets = ", ".join(str(target) for target in node["target"])
            lines.append(f"      {targets}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


@pytest.fixture
def axe_check() -> Callable[..., str]:
    """``axe_check(page, label, rules=())`` → "" when axe-core finds nothing, else a readable list of
    violations; ``rules`` turns on rules axe leaves out of a run by tag (experimental ones such as
    ``label-content-name-mismatch``)."""

    def check(page: Page, label: str, rules: tuple[str, ...] = ()) -> str:
        violations = _axe_violations(page, rules)
        return _describe(label, violations) if violations else ""

    return check
