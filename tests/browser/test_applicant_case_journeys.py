"""The applicant's case page in Chromium: status with deadline, the caseworker's question, an answer with a
file (also the error state), withdrawal with confirmation – keyboard only, axe-core clean on every page.

The page needs no JavaScript: it is a plain form, so the journey also runs with JavaScript switched off.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PASSWORD = "ein-langes-buerger-passwort"


def _anliegen_case(applicant: Any, data: dict[str, Any], key: str) -> Any:
    """A case of the demo form „Anliegen an die Verwaltung“ from Senden, as the intake creates it."""
    from amtsweg.cases.models import Case
    from amtsweg.forms.models import FormVersion
    from amtsweg.submissions.services import submission_create
    from amtsweg.tenants.models import Authority

    version = FormVersion.objects.filter(form__key="anliegen", status="veroeffentlicht").first()
    if version is None:
        pytest.skip("Die Demodaten enthalten das Formular „anliegen“ nicht.")
    submission, _new = submission_create(
        form_version=version,
        data={"thema": "schaden", **data},
        applicant=applicant,
        municipality=Authority.objects.get(slug="senden"),
        idempotency_key=f"journey:{key}",
        channel="web",
    )
    return Case.objects.get(submission=submission)


def _world() -> Any:
    from django.utils import timezone

    from amtsweg.accounts.models import User
    from amtsweg.cases.services import case_transition

    citizen = User.objects.create_user(
        "gisela",
        "gisela@example.org",
        PASSWORD,
        first_name="Gisela",
        last_name="Kortmann",
        email_verified_at=timezone.now(),
    )
    case = _anliegen_case(
        citizen,
        {
            "betreff": "Laterne defekt",
            "nachricht": "Die Laterne am Spielplatz ist seit einer Woche dunkel.",
            "ort_schaden": "Spielplatz Kirchstraße",
            "kontakt": {"name": "Gisela Kortmann", "antwortweg": "keine"},
        },
        "anliegen",
    )
    case = case_transition(actor=None, case=case, to="in_pruefung")
    return case_transition(actor=None, case=case, to="rueckfrage", text="Welche Laterne genau (Mastnummer)?")


def _login(page: Page, base_url: str, reference: str) -> None:
    page.goto(f"{base_url}/konto/anmelden/?next=/vorgaenge/mein/{reference}/")
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill("gisela@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_label("Passwort").press("Enter")
    page.wait_for_url(re.compile(rf".*/vorgaenge/mein/{reference}/$"))


@pytest.mark.parametrize("javascript", [True, False])
def test_applicant_answers_and_withdraws(
    portal_data: Any,
    open_browser: Callable[..., Any],
    axe_check: Callable[[Page, str], str],
    tmp_path: Path,
    javascript: bool,
) -> None:
    from playwright.sync_api import expect

    case = _world()
    session = open_browser(java_script_enabled=javascript)
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if javascript and (found := axe_check(page, label)):
            problems.append(found)

    _login(page, session.base_url, case.reference)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anliegen an die Verwaltung")
    status = page.locator("section[aria-labelledby=stand]")
    expect(status).to_contain_text("Rückfrage an Sie")
    expect(status).to_contain_text(case.reply_due.strftime("%d.%m.%Y"))
    expect(page.locator("section[aria-labelledby=nachrichten]")).to_contain_text("Mastnummer")
    check("Antragsseite mit Rückfrage")

    # An empty answer: a clear German error, the field marked invalid.
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator("#nachricht-fehler")).to_contain_text("Bitte schreiben Sie eine Nachricht.")
    expect(page.get_by_label("Ihre Nachricht")).to_have_attribute("aria-invalid", "true")
    check("Antragsseite mit Fehler")

    # Keyboard only: type the answer, Tab to the file field, attach, Tab to the button, Enter.
    photo = tmp_path / "Laterne.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with photo.open("wb") as handle:
        writer.write(handle)
    page.get_by_label("Ihre Nachricht").fill("Mast Nr. 17 neben der Schaukel.")
    page.get_by_label("Dateien (freiwillig)").set_input_files(str(photo))
    page.get_by_label("Dateien (freiwillig)").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Nachricht senden"
    page.keyboard.press("Enter")
    conversation = page.locator("section[aria-labelledby=nachrichten]")
    expect(conversation).to_contain_text("Mast Nr. 17")
    expect(conversation).to_contain_text("Laterne.pdf")
    check("Antragsseite nach der Antwort")

    # Withdraw: a confirmation page first, then POST.
    page.get_by_role("link", name="Antrag zurückziehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrag zurückziehen?")
    check("Zurückziehen bestätigen")
    page.get_by_role("button", name="Ja, Antrag zurückziehen").click()
    expect(page.locator("section[aria-labelledby=stand]")).to_contain_text("Zurückgezogen")
    expect(page.get_by_role("button", name="Nachricht senden")).to_have_count(0)
    check("Antragsseite zurückgezogen")

    # Without an account: the personal link from the e-mail opens the case in a fresh browser session.
    guest_case = _guest_case()
    from amtsweg.cases.guest import link_path

    visitor = open_browser(java_script_enabled=javascript).page
    visitor.goto(session.base_url + link_path(guest_case))
    visitor.wait_for_url(re.compile(rf".*/vorgaenge/mein/{guest_case.reference}/$"))
    expect(visitor.locator("section[aria-labelledby=nachrichten]")).to_contain_text("Hausnummer")
    expect(visitor.get_by_text("persönlichen Link")).to_be_visible()
    if javascript and (found := axe_check(visitor, "Antragsseite über den Link")):
        problems.append(found)
    visitor.get_by_label("Ihre Nachricht").fill("Kirchstraße 4.")
    visitor.get_by_role("button", name="Nachricht senden").click()
    expect(visitor.locator("section[aria-labelledby=nachrichten]")).to_contain_text("Kirchstraße 4.")
    visitor.goto(session.base_url + "/vorgaenge/zugang/kein-gueltiger-link/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Der Antrag lässt sich mit diesem Link nicht öffnen"
    )
    if javascript and (found := axe_check(visitor, "Link ungültig")):
        problems.append(found)
    assert not problems, "\n\n".join(problems)
    assert not session.csp_errors


def _guest_case() -> Any:
    """A case of someone who applied without an account, with a question from the caseworker."""
    from amtsweg.cases.services import case_message_send

    case = _anliegen_case(
        None,
        {
            "betreff": "Schlagloch",
            "nachricht": "Vor meinem Haus ist ein tiefes Schlagloch.",
            "ort_schaden": "Kirchstraße",
            "kontakt": {"name": "Heinz Beispiel", "email": "heinz@example.org", "antwortweg": "email"},
        },
        "anliegen-ohne-konto",
    )
    case_message_send(actor=None, case=case, text="Vor welcher Hausnummer genau?")
    return case
