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
