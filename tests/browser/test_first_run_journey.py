"""The first run of a new Kreis in Chromium, without a terminal: a platform administrator uploads the
municipality register of Kreis Borken, the OZG/LeiKa catalogue and the services (each after a dry run),
checks the responsibilities per town and lets Amtsweg propose default rules from the LeiKa type.
axe-core must find no WCAG 2.1 A/AA violation on these pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp

from amtsweg.access.testing import PASSWORD, totp_device
from amtsweg.catalog.models import LeikaEntry, Service
from amtsweg.tenants.models import Authority

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
REGISTER = ROOT / "src" / "amtsweg" / "tenants" / "tests" / "data" / "gv-isys-kreis-borken.csv"
FIRST_RUN = ROOT / "tests" / "data" / "first_run"


@pytest.fixture
def portal_data(transactional_db: None, live_server: LiveServer) -> str:
    """This journey starts from an empty database, not from the demo."""
    return "leer"


def test_a_platform_admin_sets_up_kreis_borken_in_the_administration(
    session: Any, axe_check: Callable[[Page, str], str], settings: Any, tmp_path: Path
) -> None:
    settings.AMTSWEG_KREIS_AGS = "05554000"
    settings.DATA_DIR = tmp_path  # the uploads wait here between the dry run and the confirmation
    admin = get_user_model().objects.create_superuser("plattform", "plattform@amtsweg.example", PASSWORD)
    key = totp_device(admin).bin_key
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    page.goto(session.url("/admin/"))
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill("plattform")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/admin/$"))

    # The register, uploaded in the administration: the start page leads there.
    check("Verwaltung, Startseite")
    page.get_by_role("link", name=re.compile("^Gemeindeverzeichnis importieren")).click()
    page.get_by_role("heading", name="Datei hochladen").wait_for()
    check("Gemeindeverzeichnis importieren")
    page.get_by_role("button", name="Importieren").click()  # nothing chosen: the form says so
    page.get_by_role("alert").wait_for()
    check("Gemeindeverzeichnis importieren mit Fehler")
    page.get_by_label("Datei:", exact=True).set_input_files(str(REGISTER))
    page.get_by_label("Kreisschlüssel").fill("05554")
    page.get_by_role("button", name="Importieren").click()
    page.get_by_role("heading", name="Ergebnis").wait_for()
    assert "Gemeindeverzeichnis GV-ISys" in page.content()
    assert page.get_by_role("row", name=re.compile(r"^Behörden 18 0 0 0")).count() == 1
    check("Gemeindeverzeichnis importiert")
    assert Authority.objects.filter(parent__ags="05554000").count() == 17

    # The OZG/LeiKa catalogue: upload the four CSV files, read the dry run, confirm.
    page.goto(session.url("/admin/"))
    page.get_by_role("link", name=re.compile("^OZG-Katalog importieren")).click()
    page.get_by_role("heading", name="Datei hochladen").wait_for()
    check("OZG-Katalog importieren")
    page.get_by_label("CSV-Dateien:").set_input_files(
        sorted(str(f) for f in (FIRST_RUN / "ozg").glob("*.csv"))
    )
    page.get_by_role("button", name="Probelauf starten").click()
    page.get_by_role("heading", name="Ergebnis des Probelaufs (nichts gespeichert)").wait_for()
    assert page.get_by_role("row", name=re.compile(r"^LeiKa-Einträge 5 0 0 1")).count() == 1
    assert not LeikaEntry.objects.exists()
    assert page.get_by_role("cell", name="Kein LeiKa-Schlüssel („nicht im LeiKa“).").count() == 1
    check("OZG-Katalog, Probelauf")
    page.get_by_role("button", name="Jetzt importieren").click()
    page.get_by_role("heading", name="Ergebnis: importiert").wait_for()
    assert LeikaEntry.objects.count() == 5
    check("OZG-Katalog importiert")

    # The services of the Kreis, in the JSON Lines exchange format.
    page.get_by_role("link", name="Weiter: Leistungen importieren").click()
    page.get_by_label("JSON-Lines-Datei:").set_input_files(str(FIRST_RUN / "leistungen.jsonl"))
    assert page.get_by_label("Gepflegt von:").locator("option:checked").inner_text() == "Kreis Borken"
    page.get_by_role("button", name="Probelauf starten").click()
    page.get_by_role("heading", name="Ergebnis des Probelaufs (nichts gespeichert)").wait_for()
    assert page.get_by_role("row", name=re.compile(r"^Leistungen 6 0 0 0")).count() == 1
    check("Leistungen, Probelauf")
    page.get_by_role("button", name="Jetzt importieren").click()
    page.get_by_role("heading", name="Ergebnis: importiert").wait_for()
    assert Service.objects.filter(owner__ags="05554000").count() == 6
    check("Leistungen importiert")

    # The gap report, then the default rules from the LeiKa type.
    page.get_by_role("link", name="Weiter: Zuständigkeiten prüfen").click()
    page.get_by_role("heading", name="Leistungen ohne zuständige Stelle je Gemeinde").wait_for()
    assert page.get_by_text("Übersicht: 102 Lücken").count() == 1  # 6 services × 17 towns, no rules yet
    check("Lücken je Gemeinde")
    page.get_by_role("button", name="Zuständigkeiten aus dem LeiKa-Typ vorschlagen").click()
    page.get_by_text("4 Regeln aus dem LeiKa-Typ angelegt").wait_for()
    assert page.get_by_text("Übersicht: 34 Lücken").count() == 1
    check("Lücken je Gemeinde nach dem Vorschlag")

    # An override for one town starts from the report, with service and town filled in.
    page.get_by_role("link", name="Regel für Ahaus anlegen: Fahrzeug zulassen").click()
    page.get_by_role("heading", name=re.compile("Zuständigkeit hinzufügen")).wait_for()
    assert page.locator("#id_municipality option:checked").inner_text() == "Stadt Ahaus"
    assert not problems, "\n\n".join(problems)
