"""Online applications in Chromium: two complete applications with upload, conditional field and error.

* Schülerfahrkosten (hand-written form) with JavaScript: htmx shows the reason field as soon as the box
  "Der Schulweg ist besonders gefährlich" is ticked; the submit button is disabled after the first click.
* Bewohnerparkausweis (imported FIM schema S05000058) without JavaScript: choosing "Verlängerung" makes
  the data of the existing permit required, which the step reports as an error; its fee (30 € in the demo)
  is paid before it is sent, on the pay page of the local XBezahldienste simulator (a second process).
* The first Schülerfahrkosten step with the keyboard only.

axe-core must report no WCAG 2.1 A/AA violation on any page of the way, error pages included.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

EMAIL = "eltern@example.org"


def _expect() -> Callable[..., Any]:
    from playwright.sync_api import expect

    return expect


def _pdf(folder: Path, name: str) -> Path:
    """A small, real one-page PDF written with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def _form(key: str | None = None, fim_id: str | None = None) -> Any:
    from amtsweg.forms.models import Form

    forms = Form.objects.filter(versions__status="veroeffentlicht").select_related("service")
    return forms.filter(key=key).first() if key else forms.filter(versions__fim_id=fim_id).first()


def _schuelerfahrkosten() -> Any:
    """The demo form, or – when the demo data has no forms – the definition published here."""
    from amtsweg.forms.definition import definition_load
    from amtsweg.forms.services import form_version_create
    from amtsweg.submissions.tests.test_flow import DEFINITIONS
    from amtsweg.tenants.models import Authority

    form = _form("schuelerfahrkosten")
    if form is None:
        kreis = Authority.objects.filter(kind=Authority.Kind.KREIS).first()
        loaded = definition_load(DEFINITIONS / "schuelerfahrkosten.yaml")
        form_version_create(actor=None, spec=loaded.spec, owner=kreis, source="definition", publish=True)
        form = _form("schuelerfahrkosten")
    return form


def _submission_on(page: Page) -> Any:
    """The submission whose receipt the page shows (the demo data has submissions of its own)."""
    from amtsweg.submissions.models import Submission

    found = re.search(r"/antrag/eingang/([0-9a-f-]{36})/", page.url)
    assert found, page.url
    return Submission.objects.get(pk=found[1])


class Checker:
    """axe-core on each page; ``mirror`` (a JavaScript context) checks pages of a context without JavaScript.

    axe-core is JavaScript: on a page whose context has JavaScript off it cannot run. The mirror loads the
    very HTML that page shows (error pages after a POST included) on the same origin, with the same style
    sheets, and runs axe-core there.
    """

    def __init__(self, page: Page, axe_check: Callable[[Page, str], str], mirror: Any = None) -> None:
        self.page = page
        self.axe_check = axe_check
        self.mirror = mirror
        self.problems: list[str] = []
        self.pages = 0

    def __call__(self, label: str) -> None:
        self.pages += 1
        target = self.page
        if self.mirror is not None:
            target = self.mirror.page
            if not target.url.startswith(self.mirror.base_url):
                target.goto(self.mirror.url("/"))
            target.set_content(self.page.content(), wait_until="load")
        if found := self.axe_check(target, label):
            self.problems.append(found)

    def assert_clean(self) -> None:
        assert self.pages > 0
        assert not self.problems, "\n".join(self.problems)


def _start(page: Page, session: Any, form: Any, check: Checker) -> None:
    expect = _expect()
    if form.service is not None and form.service.is_published:
        page.goto(session.url(f"/leistungen/{form.service.slug}/"))
        if page.locator("#online-beantragen").count():
            page.locator("#online-beantragen").click()
        else:
            page.goto(session.url(f"/antrag/{form.key}/"))
    else:
        page.goto(session.url(f"/antrag/{form.key}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(form.title)
    check("Startseite des Antrags")
    page.get_by_role("button", name="Antrag beginnen").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Startseite mit Fehlern")
    page.get_by_label("Ihre Stadt oder Gemeinde").select_option(label="Dülmen")
    page.get_by_label("Ihre E-Mail-Adresse").fill(EMAIL)
    page.get_by_role("button", name="Antrag beginnen").click()


def test_schuelerfahrkosten_with_javascript(
    session: Any, portal_data: Any, axe_check: Callable[[Page, str], str], tmp_path: Path
) -> None:
    from amtsweg.submissions.models import Submission

    expect = _expect()
    page = session.page
    check = Checker(page, axe_check)
    form = _schuelerfahrkosten()
    _start(page, session, form, check)

    # Step 1 with a date that does not exist: error summary on top, focused, linked to the field.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Antragstellende Person und Schülerin oder Schüler"
    )
    check("Schritt 1")
    page.get_by_label("für mein Kind (als Elternteil oder sorgeberechtigte Person)").check()
    page.fill("#f-antragsteller-vorname", "Eva")
    page.fill("#f-antragsteller-nachname", "Müller")
    page.fill("#f-antragsteller-strasse", "Markt 1")
    page.fill("#f-antragsteller-plz", "48249")
    page.fill("#f-antragsteller-ort", "Dülmen")
    page.fill("#f-schueler-vorname", "Lena")
    page.fill("#f-schueler-nachname", "Müller")
    page.fill("#f-schueler-geburtsdatum", "31.02.2010")
    page.get_by_role("button", name="Weiter", exact=True).click()
    summary = page.locator("#fehlerliste")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Es gibt ein Problem")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#f-schueler-geburtsdatum")
    expect(page.locator("#f-schueler-geburtsdatum")).to_have_attribute("aria-invalid", "true")
    check("Schritt 1 mit Fehler")
    page.fill("#f-schueler-geburtsdatum", "03.04.2010")
    page.get_by_role("button", name="Weiter", exact=True).click()

    # Step 2: ticking the box brings up the reason (htmx, no page load); upload the certificate.
    expect(page.get_by_role("heading", level=1)).to_have_text("Schule und Schulweg")
    expect(page.locator("#f-schule-begruendung")).to_have_count(0)
    check("Schritt 2")
    page.get_by_label("Schulform").select_option(label="Berufskolleg")
    page.fill("#f-schule-schulname", "Berufskolleg Dülmen")
    page.fill("#f-schule-klasse", "11b")
    page.fill("#f-schule-schuljahr", "2026/27")
    page.fill("#f-schule-entfernung_km", "7,5")
    page.get_by_label("Bus und Bahn (Schülerticket)").check()
    page.locator("#f-schule-gefaehrlicher_schulweg").check()
    expect(page.locator("#f-schule-begruendung")).to_be_visible()
    expect(page.locator("#f-schule-klasse")).to_have_value("11b")  # the swap kept the answers
    check("Schritt 2 mit Begründung")
    page.fill("#f-schule-begruendung", "Landstraße ohne Gehweg")
    page.set_input_files("#f-schule-schulbescheinigung", _pdf(tmp_path, "schulbescheinigung.pdf"))
    page.get_by_role("button", name="Weiter", exact=True).click()

    # Step 3, then the summary.
    expect(page.get_by_role("heading", level=1)).to_have_text("Bankverbindung und Bestätigung")
    check("Schritt 3")
    page.fill("#f-bank-kontoinhaber", "Eva Müller")
    page.fill("#f-bank-iban", "DE02 1203 0000 0000 2020 51")
    page.locator("#f-bestaetigung").check()
    page.get_by_role("button", name="Weiter zur Zusammenfassung").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihre Angaben")
    expect(page.get_by_text("schulbescheinigung.pdf")).to_be_visible()
    expect(page.get_by_text("Landstraße ohne Gehweg")).to_be_visible()
    expect(page.get_by_text("03.04.2010")).to_be_visible()
    check("Zusammenfassung")
    before = Submission.objects.count()
    page.get_by_role("button", name="Antrag verbindlich absenden").dblclick()
    page.wait_for_url(re.compile(r"/antrag/eingang/"))
    submission = _submission_on(page)
    assert Submission.objects.count() == before + 1  # the double click made one submission
    expect(page.locator("main")).to_contain_text(submission.reference)
    assert submission.attachments.count() == 1
    assert submission.data["schule"]["begruendung"] == "Landstraße ohne Gehweg"
    check("Eingangsbestätigung")
    check.assert_clean()


def _fill_required_person(page: Page) -> None:
    prefix = "#f-G05000496-"
    page.fill(prefix + "F05000059", "Beispiel")
    page.fill(prefix + "F05000060", "Erika")
    page.fill(prefix + "F05000351", "12.05.1980")
    page.fill(prefix + "F05001354", EMAIL)
    page.fill(prefix + "G05000428-F00000053", "Markt")
    page.fill(prefix + "G05000428-F00000016", "1")
    page.fill(prefix + "G00000113-F00000054", "48249")
    page.fill(prefix + "G00000113-F00000035", "Dülmen")
    page.locator(prefix + "F05000523").select_option(index=1)


def test_bewohnerparkausweis_without_javascript(
    request: pytest.FixtureRequest,
    open_browser: Callable[..., Any],
    portal_data: Any,
    axe_check: Callable[[Page, str], str],
    tmp_path: Path,
) -> None:
    form = _form(fim_id="S05000058")
    if form is None:
        # The demo ships its own FIM schemas only; the real one comes from the reference data.
        from amtsweg.forms.fim.importer import import_fim
        from amtsweg.testing import shared_data

        path = shared_data("fim", "real", "bewohnerparken_S05000058", "S05000058V1.0_xdf2.xml")
        import_fim(path, actor=None, service="99108001001000", publish=True)
        form = _form(fim_id="S05000058")
    # The fee of the demo's Bewohnerparkausweis (30 €, paid before sending) applies to this form as well; the
    # test provider of the demo answers from the local simulator in a second process.
    from decimal import Decimal

    from amtsweg.core.actors import Actor
    from amtsweg.payments.models import FormFee, PaymentProvider
    from amtsweg.payments.services import fee_save, provider_save
    from amtsweg.payments.testing import simulator_running

    simulator = simulator_running()
    base_url = simulator.__enter__()
    request.addfinalizer(lambda: simulator.__exit__(None, None, None))
    version = form.published_version()
    provider = PaymentProvider.objects.filter(authority=form.owner, is_test=True).first() or PaymentProvider(
        authority=form.owner,
        name="Testbezahldienst",
        originator_id="AMTSWEG-TEST",
        endpoint_id="TEST",
        is_test=True,
    )
    provider.base_url = base_url
    provider_save(actor=Actor.system("test"), provider=provider)
    if not FormFee.objects.filter(form_version=version).exists():
        fee = FormFee(form_version=version, amount=Decimal("30.00"), purpose="Bewohnerparkausweis")
        fee_save(actor=Actor.system("test"), fee=fee)
    expect = _expect()
    session = open_browser(java_script_enabled=False)
    page = session.page
    check = Checker(page, axe_check, mirror=open_browser())
    _start(page, session, form, check)

    # Step 1: the two consents (select lists).
    check("Schritt Einwilligungen")
    for select in page.locator("select").all():
        select.select_option(index=1)
    page.get_by_role("button", name="Weiter", exact=True).click()

    check("Schritt Person")
    _fill_required_person(page)
    page.get_by_role("button", name="Weiter", exact=True).click()

    # Step 3: "Verlängerung" (02) makes the data of the existing permit required.
    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben zur Antragsstellung")
    page.locator("#f-G05000493-F05001064").select_option(index=1)
    page.locator("#f-G05000493-F05001347").select_option(value="02")
    page.get_by_role("button", name="Weiter", exact=True).click()
    expect(page.locator("#fehlerliste")).to_be_visible()
    check("Schritt Antragstellung mit Fehler")
    page.fill("#f-G05000493-G05000599-F05001346", "4711")
    page.fill("#f-G05000493-G05000599-F05001345", "01.03.2025")
    page.get_by_role("button", name="Weiter", exact=True).click()

    # Step 4: the vehicle belongs to someone else (02): the holder's data become required.
    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben zum Fahrzeug")
    check("Schritt Fahrzeug")
    page.fill("#f-G05000477-F05000627", "COE-AB 123")
    page.fill("#f-G05000477-F05001062", "12345678")
    page.locator("#f-G05000477-F05001047").select_option(value="02")
    page.get_by_role("button", name="Weiter", exact=True).click()

    check("Schritt Halter")
    prefix = "#f-G05000499-"
    page.fill(prefix + "F05001243", "Beispiel")
    page.fill(prefix + "F05001244", "Max")
    page.fill(prefix + "F05001245", "Markt")
    page.fill(prefix + "F05001246", "2")
    page.fill(prefix + "F05001247", "a")
    page.fill(prefix + "G05000554-F00000054", "48249")
    page.fill(prefix + "G05000554-F00000035", "Dülmen")
    page.locator(prefix + "F05001249").select_option(index=1)
    page.fill(prefix + "F05001355", "max@example.org")
    page.set_input_files(prefix + "F05001248", _pdf(tmp_path, "nutzungsueberlassung.pdf"))
    page.set_input_files(prefix + "F05001045", _pdf(tmp_path, "zulassung.pdf"))
    page.get_by_role("button", name="Weiter zur Zusammenfassung").click()
    if page.locator("#fehlerliste").count():
        check("Schritt Halter mit Fehler")
        raise AssertionError(page.locator("#fehlerliste").inner_text())

    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihre Angaben")
    expect(page.get_by_text("zulassung.pdf")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Gebühr von 30,00 €")
    check("Zusammenfassung")
    page.get_by_role("button", name="Antrag verbindlich absenden").click()

    # The fee is paid first, at the test provider; only then is the application sent.
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebühr bezahlen")
    expect(page.locator("main")).to_contain_text("Testbezahldienst: Hier wird kein echtes Geld bewegt.")
    check("Gebühr bezahlen")
    page.get_by_role("button", name="Jetzt 30,00 € bezahlen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bezahlen: 30,00 €")
    expect(page.get_by_text("hier wird kein echtes Geld bewegt")).to_be_visible()
    page.get_by_role("button", name="Mit Kreditkarte bezahlen").click()
    page.wait_for_url(re.compile(r"/antrag/eingang/"))
    submission = _submission_on(page)
    expect(page.locator("main")).to_contain_text(submission.reference)
    expect(page.locator("main")).to_contain_text("Die Gebühr von 30,00 € ist bezahlt.")
    assert submission.attachments.count() == 2
    assert submission.payments.get().status == "bezahlt"
    check("Eingangsbestätigung")
    check.assert_clean()


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement !== null && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Mit der Tastatur nicht erreichbar: {selector}")


def test_schuelerfahrkosten_step_with_the_keyboard(session: Any, portal_data: Any) -> None:
    expect = _expect()
    page = session.page
    form = _schuelerfahrkosten()
    page.goto(session.url(f"/antrag/{form.key}/"))
    _tab_to(page, "#id_gemeinde")
    page.keyboard.type("D")  # Dülmen: the only town with D
    _tab_to(page, "#id_email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Antragstellende Person und Schülerin oder Schüler"
    )

    _tab_to(page, "#f-antragsteller-antrag_fuer")
    page.keyboard.press("Space")  # "für mein Kind"
    expect(page.locator("#f-antragsteller-antrag_fuer")).to_be_checked()
    _tab_to(page, "#f-antragsteller-vorname")
    for text in ("Eva", "Müller", "Markt 1", "48249", "Dülmen", "Lena", "Müller", "03.04.2010"):
        expect(page.locator(":focus")).to_have_attribute("type", "text")
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    # Enter in a field sends the step with "Weiter" (not with a button further down).
    page.locator("#f-schueler-geburtsdatum").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schule und Schulweg")
    _tab_to(page, "#weiter")
    page.keyboard.press("Enter")
    expect(page.locator("#fehlerliste")).to_be_focused()


def test_schuelerfahrkosten_keeps_what_was_typed_while_the_step_updates(
    session: Any, portal_data: Any
) -> None:
    """Choosing "für mein Kind" updates the step (htmx); typing on before the answer arrives must not be lost.

    The update is held back until the applicant's fields are filled, as on a slow connection: the fields
    the answer brings must keep what was typed meanwhile, and "Weiter" then reports only the wrong date.
    """
    expect = _expect()
    page = session.page
    form = _schuelerfahrkosten()
    page.goto(session.url(f"/antrag/{form.key}/"))
    page.get_by_label("Ihre Stadt oder Gemeinde").select_option(label="Dülmen")
    page.get_by_label("Ihre E-Mail-Adresse").fill(EMAIL)
    page.get_by_role("button", name="Antrag beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Antragstellende Person und Schülerin oder Schüler"
    )

    held: list[Any] = []

    def hold(route: Any) -> None:
        if route.request.headers.get("hx-request") == "true":
            held.append(route)
        else:
            route.continue_()

    page.route("**/*", hold)
    page.evaluate("document.querySelector('#f-antragsteller-vorname').setAttribute('data-vorher', '')")
    page.get_by_label("für mein Kind (als Elternteil oder sorgeberechtigte Person)").check()
    page.wait_for_function("() => document.querySelector('.htmx-request') !== null")
    page.fill("#f-antragsteller-vorname", "Eva")
    page.fill("#f-antragsteller-nachname", "Müller")
    page.fill("#f-antragsteller-strasse", "Markt 1")
    page.fill("#f-antragsteller-plz", "48249")
    page.fill("#f-antragsteller-ort", "Dülmen")
    page.locator("#f-antragsteller-ort").focus()
    assert len(held) == 1
    held[0].continue_()
    page.locator("#f-antragsteller-vorname:not([data-vorher])").wait_for(state="attached")
    page.unroute("**/*")

    expect(page.locator("#f-antragsteller-vorname")).to_have_value("Eva")
    expect(page.locator("#f-antragsteller-ort")).to_have_value("Dülmen")
    expect(page.locator("#f-antragsteller-ort")).to_be_focused()
    page.keyboard.type(" (Westf.)")  # the cursor stayed at the end of what was typed
    expect(page.locator("#f-antragsteller-ort")).to_have_value("Dülmen (Westf.)")
    page.fill("#f-schueler-vorname", "Lena")
    page.fill("#f-schueler-nachname", "Müller")
    page.fill("#f-schueler-geburtsdatum", "31.02.2010")
    page.get_by_role("button", name="Weiter", exact=True).click()
    expect(page.locator("#fehlerliste")).to_be_focused()
    expect(page.locator("#fehlerliste").get_by_role("link")).to_have_count(1)
    expect(page.locator("#fehlerliste").get_by_role("link")).to_have_attribute(
        "href", "#f-schueler-geburtsdatum"
    )
