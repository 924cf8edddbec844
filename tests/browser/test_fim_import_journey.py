"""A Fachadmin imports a FIM schema in the administration, in Chromium: upload (first without a file), the
import report, the preview of the citizen's form (with "Angaben prüfen"), linking a service and publishing;
then a citizen opens the published form. Also the preview of a responsibility rule before saving.

The schema is the demo's own XDatenfelder 2.0 file with its genericode lists, validated against the XSDs
that ship with the package – no ``../shared`` needed. axe-core must find no WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import totp

from amtsweg.access.testing import PASSWORD, staff_create, totp_device

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

DEMO = Path(__file__).parents[2] / "src" / "amtsweg" / "demo" / "demo_data" / "fim" / "bewohnerparkausweis"


@pytest.fixture
def portal_data(transactional_db: None, live_server: LiveServer) -> str:
    """A Kreis with one town, a service for the form and a rule to preview – not the whole demo."""
    return "klein"


def _login(page: Page, session: Any, username: str, key: bytes) -> None:
    page.goto(session.url("/admin/"))
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_a_fachadmin_imports_previews_links_and_publishes_a_fim_schema(
    session: Any, open_browser: Callable[..., Any], axe_check: Callable[[Page, str], str]
) -> None:
    from amtsweg.catalog.models import Responsibility
    from amtsweg.catalog.services import responsibility_save
    from amtsweg.catalog.tests.factories import (
        KreisFactory,
        LocationFactory,
        MunicipalityFactory,
        OrgUnitFactory,
        ServiceFactory,
    )
    from amtsweg.forms.models import FormVersion

    kreis = KreisFactory()
    MunicipalityFactory(short_name="Dülmen", name="Stadt Dülmen", slug="duelmen", parent=kreis)
    kreishaus = LocationFactory(authority=kreis, name="Kreishaus Coesfeld", city="Coesfeld")
    unit = OrgUnitFactory(
        authority=kreis, name="Straßenverkehr", function="strassenverkehr", locations=[kreishaus]
    )
    ServiceFactory(owner=kreis, name="Bewohnerparkausweis", leika_key="99108001001000")
    other = ServiceFactory(owner=kreis, name="Parkausweis für Handwerksbetriebe")
    rule = responsibility_save(
        actor=None, responsibility=Responsibility(service=other, authority=kreis, org_unit=unit)
    )
    user = staff_create("fachadmin-kreis", kreis, "fachadministration")
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    _login(page, session, "fachadmin-kreis", totp_device(user).bin_key)

    page.goto(session.url("/admin/forms/form/"))
    page.get_by_role("link", name="FIM-Schema importieren").click()
    page.get_by_role("heading", name="FIM-Schema importieren").wait_for()
    check("FIM-Import: Formular")
    page.get_by_role("button", name="Hochladen und prüfen").click()  # no file: the form says so
    page.get_by_role("alert").wait_for()
    check("FIM-Import: Fehler ohne Datei")

    page.get_by_label("XDatenfelder-Datei").set_input_files(str(DEMO / "S99100001_xdf2.xml"))
    page.get_by_label("Codelisten (genericode)").set_input_files(
        [str(path) for path in sorted(DEMO.glob("C*_genericode.xml"))]
    )
    page.get_by_role("button", name="Hochladen und prüfen").click()
    page.get_by_role("heading", name=re.compile("^Importbericht: Bewohnerparkausweis beantragen")).wait_for()
    assert page.get_by_role("row", name="Datenfelder 15").count() == 1
    assert page.get_by_role("row", name="Regeln, als Hinweis behalten 1").count() == 1
    assert page.get_by_role("row", name="Codelisten fehlen 0").count() == 1
    assert page.locator("#version-status").inner_text() == "Entwurf"
    assert "Bewohnerparkausweis" in page.locator("#verknuepfte-leistung").inner_text()
    check("FIM-Import: Importbericht")

    # The preview: the citizen's step page of the draft; "Angaben prüfen" shows the messages.
    page.get_by_role("link", name="Vorschau des Antrags ansehen").click()
    page.get_by_role("heading", name="Vorschau für die Fachadministration").wait_for()
    page.get_by_role("heading", level=1).wait_for()
    check("FIM-Import: Vorschau Schritt 1")
    page.get_by_role("button", name="Angaben prüfen").click()
    page.locator("#fehlerliste").wait_for()
    check("FIM-Import: Vorschau mit Fehlern")
    page.get_by_role("link", name="Zurück zum Importbericht").click()

    # Link another service, then publish.
    page.get_by_label("Mit Leistung verknüpfen").select_option(value=str(other.pk))
    page.get_by_role("button", name="Verknüpfung speichern").click()
    page.get_by_text("Das Formular ist jetzt mit „Parkausweis für Handwerksbetriebe“ verknüpft.").wait_for()
    page.get_by_role("button", name="Version veröffentlichen").click()
    page.get_by_text(
        re.compile("Version 1.0 von „Bewohnerparkausweis beantragen“ ist veröffentlicht")
    ).wait_for()
    assert page.locator("#version-status").inner_text() == "veröffentlicht"
    check("FIM-Import: veröffentlicht")
    assert FormVersion.objects.get(form__key="S99100001").is_published

    # A citizen finds the form.
    citizen = open_browser().page
    citizen.goto(session.url("/antrag/S99100001/"))
    citizen.get_by_role("heading", name=re.compile("Bewohnerparkausweis beantragen")).wait_for()

    # The responsibility rule: the preview says what each town's citizens see, before saving.
    page.goto(session.url(f"/admin/catalog/responsibility/{rule.pk}/change/"))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    page.get_by_text("Vorschau – noch nicht gespeichert.").wait_for()
    assert (
        page.get_by_role("row", name=re.compile("^Dülmen Kreis Coesfeld Straßenverkehr Kreishaus")).count()
        == 1
    )
    check("Zuständigkeit: Vorschau je Gemeinde")
    assert not problems, "\n\n".join(problems)
