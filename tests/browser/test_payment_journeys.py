"""In Chromium without JavaScript: the demo's own Bewohnerparkausweis (FIM S99100001, 30 €, paid before it
is sent) from the first step to the receipt. The applicant cancels at the payment provider (the local
XBezahldienste simulator, a second process), tries again and the payment fails, tries a third time and
pays; only then is the application sent. The caseworker then sees on the case that the fee is paid.

axe-core must report no WCAG 2.1 A/AA violation on any page of the way – the simulator's pay page too (it
stands in for the provider's page; the real provider answers for its own)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import totp
from test_application_journeys import Checker, _expect, _form, _start, _submission_on

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

NEXT_YEAR = dt.datetime.now(tz=dt.UTC).year + 1
ANSWERS: dict[str, str] = {
    "Familienname": "Beispiel",
    "Vornamen": "Erika",
    "Geburtsdatum": "01.02.1980",
    "Straße": "Marktstraße",
    "Hausnummer": "2",
    "Postleitzahl": "48249",
    "Ort": "Dülmen",
    "Amtliches Kennzeichen": "COE-EB 30",
    "Auf wen ist das Fahrzeug zugelassen?": "Auf mich",
    "Für wie lange?": "",  # the first choice
    "Gültig ab": f"01.01.{NEXT_YEAR}",
    "Ich versichere, dass meine Angaben richtig und vollständig sind.": "ja",
}


def _fill_step(page: Page) -> None:
    for label, value in ANSWERS.items():
        field = page.get_by_label(re.compile(r"^\s*" + re.escape(label)))
        if field.count() != 1 or not field.is_visible():
            continue
        kind = field.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind == "select":
            if value:
                field.select_option(label=value)
            else:
                field.select_option(index=1)
        elif kind in ("checkbox", "radio"):
            field.check()
        else:
            field.fill(value)


def _provider_and_fee(request: pytest.FixtureRequest, form: Any) -> None:
    from amtsweg.core.actors import Actor
    from amtsweg.payments.models import FormFee, PaymentProvider
    from amtsweg.payments.services import fee_save, provider_save
    from amtsweg.payments.testing import simulator_running

    simulator = simulator_running()
    base_url = simulator.__enter__()
    request.addfinalizer(lambda: simulator.__exit__(None, None, None))
    provider = PaymentProvider.objects.filter(authority=form.owner, is_test=True).first() or PaymentProvider(
        authority=form.owner,
        name="Testbezahldienst",
        originator_id="AMTSWEG-TEST",
        endpoint_id="TEST",
        is_test=True,
    )
    provider.base_url = base_url
    provider_save(actor=Actor.system("test"), provider=provider)
    version = form.published_version()
    if not FormFee.objects.filter(form_version=version).exists():
        fee = FormFee(form_version=version, amount=Decimal("30.00"), purpose="Bewohnerparkausweis")
        fee_save(actor=Actor.system("test"), fee=fee)


def test_bewohnerparkausweis_cancelled_failed_then_paid_without_javascript(
    request: pytest.FixtureRequest,
    open_browser: Callable[..., Any],
    portal_data: Any,
    axe_check: Callable[[Page, str], str],
) -> None:
    form = _form(fim_id="S99100001")
    assert form is not None, "Das Demo-Formular S99100001 fehlt"
    _provider_and_fee(request, form)
    expect = _expect()
    session = open_browser(java_script_enabled=False)
    page = session.page
    # Navigation waits only (no timing is asserted): generous, for a loaded test machine.
    page.set_default_timeout(60_000)
    mirror = open_browser()
    mirror.page.set_default_timeout(60_000)
    check = Checker(page, axe_check, mirror=mirror)

    def check_provider_page(label: str) -> None:
        # The simulator's page lives on its own origin with its own (inline) styles: the mirror opens it
        # there instead of copying its HTML under Amtsweg's CSP.
        mirror.page.goto(page.url)
        if found := axe_check(mirror.page, label):
            check.problems.append(found)

    _start(page, session, form, check)

    for _ in range(8):
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading == "Bitte prüfen Sie Ihre Angaben":
            break
        check(f"Schritt {heading}")
        _fill_step(page)
        button = page.get_by_role("button", name=re.compile(r"^Weiter"))
        button.first.click()
        if page.locator("#fehlerliste").count():
            check(f"Schritt {heading} mit Fehler")
            raise AssertionError(page.locator("#fehlerliste").inner_text())
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihre Angaben")
    expect(page.locator("main")).to_contain_text("Gebühr von 30,00 €")
    check("Zusammenfassung")
    page.get_by_role("button", name="Antrag verbindlich absenden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gebühr bezahlen")
    check("Gebühr bezahlen")
    draft_page = page.url
    from amtsweg.submissions.models import Submission

    sent_before = Submission.objects.filter(form_version__form=form).count()

    # 1. Cancelled at the provider: nothing sent, the applicant may try again.
    page.get_by_role("button", name="Jetzt 30,00 € bezahlen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bezahlen: 30,00 €")
    check_provider_page("Bezahlseite des Simulators")
    page.get_by_role("button", name="Zahlung abbrechen").click()
    expect(page.locator("main")).to_contain_text("Sie haben die Zahlung abgebrochen.")
    check("Zahlung abgebrochen")

    # 2. Failed at the provider.
    page.get_by_role("link", name=re.compile("Erneut bezahlen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebühr bezahlen")
    page.get_by_role("button", name="Jetzt 30,00 € bezahlen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bezahlen: 30,00 €")
    page.get_by_role("button", name="Fehlschlag simulieren").click()
    expect(page.locator("main")).to_contain_text("Die Zahlung ist fehlgeschlagen.")
    check("Zahlung fehlgeschlagen")

    assert Submission.objects.filter(form_version__form=form).count() == sent_before, (
        "vor der Zahlung gesendet"
    )

    # 3. Paid: only now the application is sent.
    page.get_by_role("link", name=re.compile("Erneut bezahlen")).click()
    page.get_by_role("button", name="Jetzt 30,00 € bezahlen").click()
    page.get_by_role("button", name="Mit Kreditkarte bezahlen").click()
    page.wait_for_url(re.compile(r"/antrag/eingang/"))
    submission = _submission_on(page)
    expect(page.locator("main")).to_contain_text("Die Gebühr von 30,00 € ist bezahlt.")
    check("Eingangsbestätigung")
    assert "bezahlt" in set(submission.payments.values_list("status", flat=True))
    assert draft_page != page.url
    check.assert_clean()

    # The caseworker sees the payment state on the case.
    from amtsweg.access.testing import PASSWORD, staff_create, totp_device

    case = submission.case
    unit = case.org_unit
    role = ("sachbearbeitung", unit) if unit else "sachbearbeitung"
    worker = staff_create("sb-parken", case.authority, role)
    otp_key = totp_device(worker).bin_key
    staff = open_browser()
    spage = staff.page
    spage.set_default_timeout(60_000)
    spage.goto(staff.url(f"/vorgaenge/akte/{case.reference}/"))
    spage.get_by_label("E-Mail-Adresse oder Benutzername").fill("sb-parken")
    spage.get_by_label("Passwort").fill(PASSWORD)
    spage.get_by_role("button", name="Anmelden", exact=True).click()
    spage.get_by_role("heading", name="Anmeldung bestätigen").wait_for()
    spage.get_by_label("Code").fill(f"{totp(otp_key):06d}")
    spage.get_by_role("button", name="Anmelden").click()
    spage.get_by_role("heading", level=1, name=f"Vorgang {case.reference}").wait_for()
    text = spage.locator("main").inner_text()
    assert re.search(r"30,00\s€ – bezahlt", text), text
    found = axe_check(spage, "Vorgang mit bezahlter Gebühr")
    assert not found, found
