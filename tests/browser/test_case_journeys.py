"""The way of a case in Chromium: a citizen's application reaches the right caseworker, who asks back,
gets an answer with a document, approves it and issues the decision letter the citizen downloads.

* The caseworker (Teamleitung of the responsible unit) logs in with password and TOTP and lands in the
  inbox; the inbox is worked with the keyboard (Tab reaches the filters, the checkboxes and "Weiter").
* axe-core must report no WCAG 2.1 A/AA violation on any back-office page of the way, error state of
  the decision form included.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import totp

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CITIZEN_PASSWORD = "ein-langes-buerger-passwort"
EXTRA_CASES = 26  # more than one inbox page (25 rows)


def _kita_data(first_name: str = "Mia") -> dict[str, Any]:
    return {
        "kind": {"vorname": first_name, "nachname": "Schäfer", "geburtsdatum": "2024-05-04"},
        "betreuung": {"beginn": "2026-08-01", "stunden": "35", "wunschkita": ["Kita Sonnenschein"]},
        "sorgeberechtigte": [
            {
                "vorname": "Jörg",
                "nachname": "Schäfer",
                "strasse": "Münsterstraße 12",
                "plz": "48308",
                "ort": "Senden",
                "telefon": "02597 123456",
            }
        ],
        "bestaetigung": True,
    }


def _world() -> dict[str, Any]:
    """A citizen of Senden applies for a Kita place (through the intake service, as the web flow does);
    the Teamleitung of the responsible unit gets a TOTP device."""
    from django.utils import timezone

    from amtsweg.access.testing import PASSWORD, staff_create, totp_device
    from amtsweg.accounts.models import User
    from amtsweg.cases.models import Case
    from amtsweg.forms.models import FormVersion
    from amtsweg.submissions.services import submission_create
    from amtsweg.tenants.models import Authority

    version = FormVersion.objects.filter(form__key="kita-platz", status="veroeffentlicht").first()
    if version is None:
        pytest.skip("Die Demodaten enthalten das Formular „kita-platz“ nicht.")
    senden = Authority.objects.get(slug="senden")
    citizen = User.objects.create_user(
        "joerg-schaefer",
        "joerg@example.org",
        CITIZEN_PASSWORD,
        first_name="Jörg",
        last_name="Schäfer",
        email_verified_at=timezone.now(),
    )
    submission, _new = submission_create(
        form_version=version,
        data=_kita_data(),
        applicant=citizen,
        municipality=senden,
        idempotency_key="journey:main",
        channel="web",
    )
    case = Case.objects.get(submission=submission)
    assert case.org_unit is not None, "Kita-Anmeldungen aus Senden müssen einer Stelle zugewiesen werden."
    lead = staff_create("tl-journey", case.authority, ("teamleitung", case.org_unit))
    lead.first_name, lead.last_name = "Tanja", "Lührmann"
    lead.save()
    colleague = staff_create("sb-journey", case.authority, ("sachbearbeitung", case.org_unit))
    for number in range(EXTRA_CASES):
        submission_create(
            form_version=version,
            data=_kita_data(f"Kind{number}"),
            applicant=None,
            municipality=senden,
            idempotency_key=f"journey:{number}",
        )
    return {
        "case": case,
        "lead": lead,
        "colleague": colleague,
        "password": PASSWORD,
        "key": totp_device(lead).bin_key,
    }


class Checker:
    def __init__(self, page: Page, axe_check: Callable[[Page, str], str]) -> None:
        self.page, self.axe_check, self.problems = page, axe_check, []

    def __call__(self, label: str) -> None:
        if found := self.axe_check(self.page, label):
            self.problems.append(found)

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def _staff_login(page: Page, base_url: str, world: dict[str, Any], check: Checker) -> None:
    page.goto(base_url + "/vorgaenge/")
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill("tl-journey")
    page.get_by_label("Passwort").fill(world["password"])
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_role("heading", name="Anmeldung bestätigen").wait_for()
    page.get_by_label("Code").fill(f"{totp(world['key']):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/vorgaenge/$"))
    page.get_by_role("heading", level=1, name="Posteingang").wait_for()
    check("Posteingang")


def _focused(page: Page) -> dict[str, str]:
    return dict(
        page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id || '', "
            "name: e.getAttribute('name') || '', text: (e.innerText || '').trim(), "
            "rel: e.getAttribute('rel') || ''}; }"
        )
    )


def _keyboard_reaches_filters_checkboxes_and_next(page: Page) -> None:
    page.locator("body").click(position={"x": 5, "y": 5})
    seen: list[dict[str, str]] = []
    for _step in range(250):
        page.keyboard.press("Tab")
        seen.append(_focused(page))
        if seen[-1]["rel"] == "next":
            break
    assert any(f["id"] == "id_q" for f in seen), "Tab erreicht das Suchfeld nicht."
    assert any(f["id"] == "id_status" for f in seen), "Tab erreicht den Statusfilter nicht."
    assert any(f["name"] == "vorgang" for f in seen), "Tab erreicht die Auswahlkästchen nicht."
    assert seen[-1]["rel"] == "next", "Tab erreicht „Weiter“ nicht."
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*nach=.*"))
    assert page.get_by_role("link", name="Zurück").count() == 1


def test_application_ask_back_reply_approve_and_download_the_decision(
    open_browser: Callable[..., Any], axe_check: Callable[[Page, str], str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    world = _world()
    case = world["case"]
    staff = open_browser()
    page = staff.page
    check = Checker(page, axe_check)

    # The Teamleitung logs in with TOTP and finds the case in the inbox.
    _staff_login(page, staff.base_url, world, check)
    page.get_by_label("Suche nach Aktenzeichen oder Name").fill(case.reference)
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    check("Posteingang gefiltert")
    page.get_by_role("link", name="Filter zurücksetzen").click()
    _keyboard_reaches_filters_checkboxes_and_next(page)
    check("Posteingang Seite 2")
    page.get_by_role("link", name="Meine Vorgänge").click()
    check("Meine Vorgänge")

    # Case page: answers as in the form, then start and ask back.
    page.goto(staff.url(f"/vorgaenge/akte/{case.reference}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vorgang {case.reference}")
    expect(page.locator("#angaben ~ dl, section[aria-labelledby=angaben]").first).to_contain_text(
        "Sorgeberechtigte Person 1"
    )
    expect(page.locator("section[aria-labelledby=angaben]")).to_contain_text("Kita Sonnenschein")
    check("Vorgang")
    page.get_by_role("button", name="Mir zuweisen").click()
    expect(page.locator(".amtsweg-messages")).to_contain_text("zugewiesen")
    page.get_by_role("button", name="Prüfung beginnen").click()
    page.get_by_role("link", name="Rückfrage stellen").click()
    page.get_by_role("button", name="Rückfrage stellen").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Rückfrage mit Fehler")
    page.get_by_label("Ihre Rückfrage an die antragstellende Person").fill(
        "Bitte laden Sie die Bescheinigung über die Berufstätigkeit hoch."
    )
    page.get_by_role("button", name="Rückfrage stellen").click()
    expect(page.locator("section[aria-labelledby=nachrichten]")).to_contain_text("Berufstätigkeit")
    check("Vorgang mit Rückfrage")

    # The citizen answers with a document on the applicant page.
    citizen = open_browser()
    cpage = citizen.page
    cpage.goto(citizen.url(f"/konto/anmelden/?next=/vorgaenge/mein/{case.reference}/"))
    cpage.get_by_label("E-Mail-Adresse oder Benutzername").fill("joerg@example.org")
    cpage.get_by_label("Passwort").fill(CITIZEN_PASSWORD)
    cpage.get_by_role("button", name="Anmelden", exact=True).click()
    cpage.wait_for_url(re.compile(rf".*/vorgaenge/mein/{case.reference}/$"))
    expect(cpage.locator("section[aria-labelledby=nachrichten]")).to_contain_text("Berufstätigkeit")
    proof = tmp_path / "Arbeitgeberbescheinigung.pdf"
    proof.write_bytes(_pdf())
    cpage.get_by_label("Ihre Nachricht").fill("Anbei die Bescheinigung meines Arbeitgebers.")
    cpage.get_by_label("Dateien (freiwillig)").set_input_files(str(proof))
    cpage.get_by_role("button", name="Nachricht senden").click()
    expect(cpage.locator("section[aria-labelledby=nachrichten]")).to_contain_text(
        "Arbeitgeberbescheinigung.pdf"
    )

    # The caseworker sees answer and document (inline preview), continues and approves.
    page.reload()
    expect(page.locator("section[aria-labelledby=nachrichten]")).to_contain_text(
        "Bescheinigung meines Arbeitgebers"
    )
    preview = page.locator("section[aria-labelledby=dokumente] a", has_text="Ansehen").first
    response = page.request.get(staff.url(preview.get_attribute("href") or ""))
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("inline")
    check("Vorgang mit Antwort")
    # The applicant's answer has returned the case to review: the caseworker can decide straight away.
    expect(page.get_by_label("Eckdaten")).to_contain_text("In Prüfung")
    page.get_by_role("link", name="Entscheiden").click()
    check("Entscheidung")
    page.get_by_role("button", name="Vorschau des Bescheids anzeigen").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Entscheidung mit Fehler")
    page.get_by_text("bewilligt", exact=True).click()
    page.get_by_label("Begründung (erscheint im Bescheid)").fill(
        "Ein Betreuungsplatz für 35 Stunden steht zur Verfügung."
    )
    page.get_by_role("button", name="Vorschau des Bescheids anzeigen").click()
    page.get_by_role("heading", level=1, name="Vorschau des Bescheids").wait_for()
    expect(page.locator("section.amtsweg-letter")).to_contain_text("Tanja Lührmann")
    expect(page.locator("section.amtsweg-letter")).to_contain_text("Verwaltungsgericht Münster")
    check("Vorschau des Bescheids")
    page.get_by_role("button", name="Entscheidung speichern und Bescheid zustellen").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Vorschau mit Fehler")
    page.get_by_label(re.compile("Ich habe die Entscheidung geprüft")).check()
    page.get_by_role("button", name="Entscheidung speichern und Bescheid zustellen").click()
    expect(page.locator("section[aria-labelledby=bescheide]")).to_contain_text("zugestellt")
    check("Vorgang entschieden")

    # The citizen downloads the decision letter.
    cpage.reload()
    with cpage.expect_download() as download_info:
        cpage.get_by_role("link", name=re.compile("Bescheid vom .* herunterladen")).click()
    path = download_info.value.path()
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    assert case.reference in text
    assert "bewilligt" in text
    assert "Schäfer" in text
    assert "Rechtsbehelfsbelehrung" in text
    check.assert_clean()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
