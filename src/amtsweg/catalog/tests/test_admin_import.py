"""The catalogue imports in the administration: upload, dry run with the report, confirm (no terminal)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.models import LeikaEntry, OzgLeistung, Service, Themenfeld
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db

# A tiny OZG catalogue from public facts (LeiKa keys and types as published in the LeiKa).
THEMENFELDER = "themenfeld_id,themenfeld\n2,Mobilität & Reisen\n"
LEBENSLAGEN = "lebenslage_id,lebenslage,themenfeld_id\n21,Kfz-Besitz,2\n"
OZG = (
    "ozg_id,ozg_leistung,lebenslage,themenfeld\n"
    "10173,Parkausweise und Zufahrtsberechtigungen,Kfz-Besitz,Mobilität & Reisen\n"
)
LEIKA = (
    "leika_schluessel,leistung,typisierung,ozg_id\n"
    "99108001001000,Bewohnerparkausweis Erteilung,2/3,10173\n"
    "nicht im LeiKa,Parkerleichterung,4,10173\n"
)


def ozg_files(**replace: str) -> list[SimpleUploadedFile]:
    files = {
        "themenfelder.csv": THEMENFELDER,
        "lebenslagen.csv": LEBENSLAGEN,
        "ozg_leistungen.csv": OZG,
        "leika_leistungen.csv": LEIKA,
        **replace,
    }
    return [SimpleUploadedFile(name, text.encode()) for name, text in files.items() if text]


def services_file(*records: dict[str, Any], extra: str = "") -> SimpleUploadedFile:
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records) + extra
    return SimpleUploadedFile("borken.jsonl", text.encode())


@pytest.fixture
def kreis(settings: Any) -> Authority:
    settings.AMTSWEG_KREIS_AGS = "05554000"
    return Authority.objects.create(
        name="Kreis Borken",
        short_name="Borken",
        slug="kreis-borken",
        kind=Authority.Kind.KREIS,
        ags="05554000",
    )


@pytest.fixture
def platform_admin(client: Client, settings: Any, tmp_path: Any) -> Client:
    settings.DATA_DIR = tmp_path
    admin = get_user_model().objects.create_superuser("plattform", password="x" * 16)
    return login_verified(client, admin)


def token_of(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "no confirmation form"
    return found.group(1)


def test_the_ozg_catalogue_is_checked_in_a_dry_run_then_imported_on_confirmation(
    platform_admin: Client,
) -> None:
    url = reverse("admin:catalog_ozgleistung_import")
    assert "OZG-Katalog importieren" in platform_admin.get(reverse("admin:index")).text

    response = platform_admin.post(url, {"csv_files": ozg_files()})

    assert response.status_code == 200
    assert "Ergebnis des Probelaufs (nichts gespeichert)" in response.text
    assert "Kein LeiKa-Schlüssel („nicht im LeiKa“)." in response.text  # the rejected row and why
    assert not LeikaEntry.objects.exists()  # a dry run writes nothing

    token = token_of(response.text)
    response = platform_admin.post(url, {"token": token, "confirm": "1"})

    assert response.status_code == 200
    assert "Ergebnis: importiert" in response.text
    assert list(LeikaEntry.objects.values_list("key", "typisierung")) == [("99108001001000", "2/3")]
    assert OzgLeistung.objects.get().name == "Parkausweise und Zufahrtsberechtigungen"
    entry = AuditEntry.objects.filter(source__startswith="admin ").first()
    assert entry is not None
    # The same confirmation cannot be sent twice.
    again = platform_admin.post(url, {"token": token, "confirm": "1"})
    assert again.status_code == 400
    assert "Probelauf ist abgelaufen" in again.text


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"leika_leistungen.csv": ""}, "Es fehlen die Dateien: leika_leistungen.csv"),
        ({"themenfelder.csv": "id;name\n1;x\n"}, "In themenfelder.csv fehlen die Spalten: themenfeld_id"),
        ({"lebenslagen.csv": "lebenslage_id,lebenslage,themenfeld_id\n"}, "enthält keine Datenzeilen"),
    ],
)
def test_an_unusable_ozg_upload_gets_a_german_message_a_400_and_writes_nothing(
    platform_admin: Client, files: dict[str, str], message: str
) -> None:
    response = platform_admin.post(
        reverse("admin:catalog_ozgleistung_import"), {"csv_files": ozg_files(**files)}
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Themenfeld.objects.exists()


def test_latin1_and_foreign_files_are_refused_with_a_reason(platform_admin: Client) -> None:
    url = reverse("admin:catalog_ozgleistung_import")
    latin1 = [f for f in ozg_files() if f.name != "themenfelder.csv"]
    latin1.append(SimpleUploadedFile("themenfelder.csv", THEMENFELDER.encode("latin-1")))
    response = platform_admin.post(url, {"csv_files": latin1})
    assert response.status_code == 400
    assert "nicht UTF-8-kodiert" in response.text
    response = platform_admin.post(url, {"csv_files": [*ozg_files(), SimpleUploadedFile("x.exe", b"MZ")]})
    assert response.status_code == 400
    assert "gehört nicht zum OZG-Katalog" in response.text
    assert not Themenfeld.objects.exists()


def test_a_fachadmin_may_not_import_the_shared_ozg_catalogue(client: Client, kreis: Authority) -> None:
    login_verified(client, staff_create("fachadmin", kreis, "fachadministration"))
    assert client.get(reverse("admin:catalog_ozgleistung_import")).status_code == 403
    assert (
        client.post(reverse("admin:catalog_ozgleistung_import"), {"csv_files": ozg_files()}).status_code
        == 403
    )
    assert "OZG-Katalog importieren" not in client.get(reverse("admin:index")).text
    assert not Themenfeld.objects.exists()


def test_services_are_imported_after_the_dry_run_and_queued_for_search_and_embeddings(
    platform_admin: Client, kreis: Authority
) -> None:
    from django_tasks_db.models import DBTaskResult

    url = reverse("admin:catalog_service_import")
    upload = services_file(
        {"id": "bor-gewerbe-anmelden", "name": "Gewerbe anmelden", "description": "Ein Gewerbe anmelden."},
        {"id": "bor-ohne-name", "description": "Ohne Namen."},
        extra="{kein json\n",
    )
    response = platform_admin.post(url, {"file": upload, "owner": kreis.pk})

    assert response.status_code == 200, response.text
    assert "Ergebnis des Probelaufs (nichts gespeichert)" in response.text
    assert re.search(
        r"<th scope=\"row\">Leistungen</th><td>1</td><td>0</td><td>0</td><td>2</td>", response.text
    )
    assert "borken.jsonl" in response.text  # rejected rows name the uploaded file and line
    assert not Service.objects.exists()

    response = platform_admin.post(url, {"token": token_of(response.text), "confirm": "1"})

    assert response.status_code == 200
    assert "Ergebnis: importiert" in response.text
    service = Service.objects.get()
    assert (service.name, service.owner) == ("Gewerbe anmelden", kreis)
    tasks = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert any(path.endswith("compute_service_embeddings") for path in tasks)
    assert AuditEntry.objects.filter(
        action__startswith="catalog.service", source__startswith="admin "
    ).exists()


def test_a_town_fachadmin_imports_services_only_for_the_own_town(
    client: Client, kreis: Authority, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    heek = Authority.objects.create(
        name="Gemeinde Heek", short_name="Heek", slug="heek", kind="gemeinde", ags="05554024", parent=kreis
    )
    login_verified(client, staff_create("fachadmin-heek", heek, "fachadministration"))
    url = reverse("admin:catalog_service_import")
    page = client.get(url)
    assert page.status_code == 200
    assert "Gemeinde Heek" in page.text
    assert "Kreis Borken" not in page.text

    record = {"id": "heek-hund", "name": "Hund anmelden", "description": "Hunde meldet man an."}
    refused = client.post(url, {"file": services_file(record), "owner": kreis.pk})
    assert refused.status_code == 400
    assert "Behörde auswählen, deren Leistungen Sie pflegen dürfen" in refused.text

    dry = client.post(url, {"file": services_file(record), "owner": heek.pk})
    client.post(url, {"token": token_of(dry.text), "confirm": "1"})
    assert Service.objects.get().owner == heek


def test_an_empty_services_file_gets_a_german_message_and_a_400(
    platform_admin: Client, kreis: Authority
) -> None:
    url = reverse("admin:catalog_service_import")
    response = platform_admin.post(
        url, {"file": SimpleUploadedFile("leer.jsonl", b"\n\n"), "owner": kreis.pk}
    )
    assert response.status_code == 400
    assert "Import abgelehnt, nichts gespeichert" in response.text
    response = platform_admin.post(url, {"owner": kreis.pk})
    assert response.status_code == 400
    assert not Service.objects.exists()


def test_files_of_a_dry_run_nobody_confirmed_are_removed_after_a_day(platform_admin: Client) -> None:
    import os
    import time

    from amtsweg.catalog.admin_import import staging_root
    from amtsweg.catalog.tasks import prune_import_staging
    from amtsweg.core.schedule import periodic_jobs

    url = reverse("admin:catalog_ozgleistung_import")
    abandoned = token_of(platform_admin.post(url, {"csv_files": ozg_files()}).text)
    # A second dry run in another session (another tab, another admin) stays open.
    other = Client()
    login_verified(other, get_user_model().objects.create_superuser("plattform2", password="y" * 16))
    fresh = token_of(other.post(url, {"csv_files": ozg_files()}).text)
    two_days_ago = time.time() - 2 * 86400
    os.utime(staging_root() / abandoned, (two_days_ago, two_days_ago))

    assert "catalog.import-staging-prune" in periodic_jobs
    assert prune_import_staging.call() == 1

    assert not (staging_root() / abandoned).exists()
    assert platform_admin.post(url, {"token": abandoned, "confirm": "1"}).status_code == 400
    response = other.post(url, {"token": fresh, "confirm": "1"})
    assert response.status_code == 200
    assert "Ergebnis: importiert" in response.text
