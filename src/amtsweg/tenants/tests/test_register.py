"""The municipality register import: a new Kreis from the official Gemeindeverzeichnis, from zero."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.core.importreport import ImportRejected
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority, PostalCode
from amtsweg.tenants.register import FORMAT_GV100AD, FORMAT_GVISYS, register_import
from amtsweg.testing import shared_data

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
BORKEN = DATA / "gv-isys-kreis-borken.csv"
BORKEN_TOWNS = {
    "05554004": ("Stadt Ahaus", "Ahaus", "stadt", "48683"),
    "05554008": ("Stadt Bocholt", "Bocholt", "stadt", "46395"),
    "05554012": ("Stadt Borken", "Borken", "stadt", "46325"),
    "05554016": ("Stadt Gescher", "Gescher", "stadt", "48712"),
    "05554020": ("Stadt Gronau (Westf.)", "Gronau (Westf.)", "stadt", "48599"),
    "05554024": ("Gemeinde Heek", "Heek", "gemeinde", "48619"),
    "05554028": ("Gemeinde Heiden", "Heiden", "gemeinde", "46359"),
    "05554032": ("Stadt Isselburg", "Isselburg", "stadt", "46419"),
    "05554036": ("Gemeinde Legden", "Legden", "gemeinde", "48739"),
    "05554040": ("Gemeinde Raesfeld", "Raesfeld", "gemeinde", "46348"),
    "05554044": ("Gemeinde Reken", "Reken", "gemeinde", "48734"),
    "05554048": ("Stadt Rhede", "Rhede", "stadt", "46414"),
    "05554052": ("Gemeinde Schöppingen", "Schöppingen", "gemeinde", "48624"),
    "05554056": ("Stadt Stadtlohn", "Stadtlohn", "stadt", "48703"),
    "05554060": ("Gemeinde Südlohn", "Südlohn", "gemeinde", "46354"),
    "05554064": ("Stadt Velen", "Velen", "stadt", "46342"),
    "05554068": ("Stadt Vreden", "Vreden", "stadt", "48691"),
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("import-municipalities", *args, stdout=out)
    return out.getvalue()


def test_a_fresh_installation_gets_kreis_borken_with_its_17_towns_and_postcodes() -> None:
    output = run(str(BORKEN), "--kreis", "05554")

    kreis = Authority.objects.get(ags="05554000")
    assert (kreis.name, kreis.kind, kreis.slug, kreis.parent) == (
        "Kreis Borken",
        "kreis",
        "kreis-borken",
        None,
    )
    towns = {t.ags: t for t in Authority.objects.filter(parent=kreis)}
    assert set(towns) == set(BORKEN_TOWNS)
    for ags, (name, short_name, kind, postcode) in BORKEN_TOWNS.items():
        town = towns[ags]
        assert (town.name, town.short_name, town.kind) == (name, short_name, kind)
        assert list(town.postal_codes.values_list("code", flat=True)) == [postcode]
    assert towns["05554060"].slug == "suedlohn"
    # The neighbouring Kreis in the same file is left alone.
    assert not Authority.objects.filter(ags__startswith="05558").exists()
    assert "GV-ISys" in output
    assert "Behörden" in output
    assert "18 neu" in output
    assert "Postleitzahlen" in output
    assert "17 neu" in output
    assert "2 Zeilen gehören zu anderen Kreisen" in output
    # Every record is in the audit trail, like an edit in the administration.
    assert AuditEntry.objects.filter(action="tenants.authority.created").count() == 18


def test_importing_the_register_again_changes_nothing() -> None:
    register_import(BORKEN, kreis="05554")
    entries = AuditEntry.objects.count()

    result = register_import(BORKEN, kreis="05554000")

    assert (result.report.created, result.report.updated, result.report.rejected) == (0, 0, 0)
    assert result.report.unchanged == 18 + 17
    assert AuditEntry.objects.count() == entries


def test_a_renamed_town_is_updated_and_manual_data_stays(tmp_path: Path) -> None:
    register_import(BORKEN, kreis="05554")
    heek = Authority.objects.get(ags="05554024")
    heek.street, heek.designation = "Bahnhofstraße 1", "Gemeinde im Kreis Borken"
    heek.save()
    changed = tmp_path / "register.csv"
    changed.write_text(
        BORKEN.read_text(encoding="utf-8")
        .replace(";Heek;", ";Heek, Stadt;")
        .replace("60;64;05;5;54;0024", "60;63;05;5;54;0024"),
        encoding="utf-8",
    )

    result = register_import(changed, kreis="05554")

    heek.refresh_from_db()
    assert (heek.name, heek.kind, heek.street, heek.designation) == (
        "Stadt Heek",
        "stadt",
        "Bahnhofstraße 1",
        "Gemeinde im Kreis Borken",
    )
    assert result.report.updated == 1


def _gv100ad(satzart: str, ags: str, name: str, tkz: str, population: str = "", plz: str = "") -> str:
    line = f"{satzart}20241231{ags:<8}{'':4}{name:<50}{'':<50}{tkz:<2}{'':4}"
    line = line.ljust(139) + f"{population:>11}"
    return line.ljust(165) + f"{plz:<5}" + " " * 30


def test_the_fixed_width_gv100ad_file_in_latin_1_is_read(tmp_path: Path) -> None:
    path = tmp_path / "GV100AD_31122024.txt"
    lines = [
        _gv100ad("10", "05", "Nordrhein-Westfalen", ""),
        _gv100ad("40", "05554", "Borken", "43"),
        _gv100ad("60", "05554052", "Schöppingen", "64", "8000", "48624"),
        _gv100ad("60", "05554060", "Südlohn", "64", "9000", "46354"),
    ]
    path.write_bytes("\r\n".join(lines).encode("latin-1"))

    result = register_import(path, kreis="05554")

    assert result.format == FORMAT_GV100AD
    assert any("Windows-1252" in note for note in result.notes)
    schoeppingen = Authority.objects.get(ags="05554052")
    assert (schoeppingen.name, schoeppingen.population) == ("Gemeinde Schöppingen", 8000)
    assert PostalCode.objects.get(municipality__ags="05554060").code == "46354"


def test_bad_rows_are_reported_with_line_and_reason_and_the_rest_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "Satzart;Textkennzeichen;Land;RB;Kreis;VB;Gem;Gemeindename;Postleitzahl\n"
        "40;43;05;5;54;;;Borken;\n"
        "60;63;05;5;54;0004;004;Ahaus, Stadt;48683\n"
        "60;64;05;5;54;0024;024;Heek;4861\n"  # postcode with four digits
        "60;64;05;5;54;0036;036;Legden;48739\n"
        "60;64;05;5;54;0036;036;Legden (doppelt);48739\n"
        "60;64;05;5;54;0x40;04x;Raesfeld;46348\n"
        "60;61;05;5;54;0099;099;Kreisfrei;46000\n"
        "60;64;05;5;54;0044;044;;48734\n",
        encoding="utf-8",
    )

    result = register_import(path, kreis="05554")

    assert result.format == FORMAT_GVISYS
    reasons = {(item.line, item.entity): item.reason for item in result.report.rejections()}
    assert "keine Postleitzahl" in reasons[(4, "Postleitzahlen")]
    assert "mehrfach" in reasons[(5, "Behörden")]
    assert "mehrfach" in reasons[(6, "Behörden")]
    assert "kein Amtlicher Gemeindeschlüssel" in reasons[(7, "Behörden")]
    assert "kreisfreie Stadt" in reasons[(8, "Behörden")]
    assert "Name fehlt" in reasons[(9, "Behörden")]
    assert set(Authority.objects.values_list("short_name", flat=True)) == {"Kreis Borken", "Ahaus", "Heek"}


def test_postcode_lists_add_the_other_postcodes_of_a_town(tmp_path: Path) -> None:
    register_import(BORKEN, kreis="05554")
    path = tmp_path / "plz.csv"
    path.write_text(
        "osm_id,ags,ort,plz,landkreis,bundesland\n"
        "1,05554008,Bocholt,46395,Kreis Borken,Nordrhein-Westfalen\n"
        "2,05554008,Bocholt,46397,Kreis Borken,Nordrhein-Westfalen\n"
        "3,5554008,Bocholt,46399,Kreis Borken,Nordrhein-Westfalen\n"
        "4,05558012,Coesfeld,48653,Kreis Coesfeld,Nordrhein-Westfalen\n"
        "5,05554999,Nirgendwo,46000,Kreis Borken,Nordrhein-Westfalen\n",
        encoding="utf-8",
    )

    result = register_import(path, kreis="05554")

    bocholt = Authority.objects.get(ags="05554008")
    assert sorted(bocholt.postal_codes.values_list("code", flat=True)) == ["46395", "46397", "46399"]
    assert result.skipped_other == 1
    assert "05554999" in result.report.rejections()[0].reason


def test_the_kdn_list_adds_websites_and_names_a_misspelt_town(tmp_path: Path) -> None:
    register_import(BORKEN, kreis="05554")
    path = tmp_path / "nrw_kommunen.csv"
    path.write_text(
        "name,url\nAachen,http://aachen.de\nBorken,borken.de\nBochlot,bocholt.de\nVreden,\n", encoding="utf-8"
    )

    result = register_import(path, kreis="05554")

    assert Authority.objects.get(ags="05554012").website == "https://borken.de"
    reasons = [item.reason for item in result.report.rejections()]
    assert any("„Bochlot“" in r and "„Bocholt“" in r for r in reasons)
    assert any("Internetadresse fehlt" in r for r in reasons)
    assert result.skipped_other == 1  # Aachen is not in the Kreis


def test_the_real_kdn_list_finds_the_misspelling_of_luedinghausen() -> None:
    from amtsweg.demo.organisation import register_file

    path = shared_data("ozg", "nrw_kommunen.csv")
    with override_settings(AMTSWEG_KREIS_AGS="05558000"):
        register_import(register_file(), kreis="05558")
        result = register_import(path, kreis="05558")

    assert any(
        "„Lüdinghausern“" in item.reason and "„Lüdinghausen“" in item.reason
        for item in result.report.rejections()
    )
    assert Authority.objects.get(ags="05558016").website  # Dülmen got its website


def test_the_kdn_list_alone_cannot_create_a_kreis(tmp_path: Path) -> None:
    path = tmp_path / "nrw_kommunen.csv"
    path.write_text("name,url\nBorken,borken.de\n", encoding="utf-8")

    with pytest.raises(CommandError, match="zuerst das Gemeindeverzeichnis"):
        run(str(path), "--kreis", "05554")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Einfach nur Text\n", "Format der Datei ist unbekannt"),
        ("", "leer"),
    ],
)
def test_unusable_files_are_rejected_with_a_german_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "datei.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ImportRejected, match=message):
        register_import(path, kreis="05554")
    assert not Authority.objects.exists()


def test_a_register_without_the_kreis_record_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "Satzart;Textkennzeichen;Land;RB;Kreis;VB;Gem;Gemeindename;Postleitzahl\n"
        "60;63;05;5;54;0004;004;Ahaus, Stadt;48683\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected, match="Satzart 40"):
        register_import(path, kreis="05554")
    assert not Authority.objects.exists()


def test_a_wrong_kreis_key_is_explained() -> None:
    with pytest.raises(CommandError, match="kein Kreisschlüssel"):
        run(str(BORKEN), "--kreis", "Borken")


def test_the_dry_run_stores_nothing() -> None:
    result = register_import(BORKEN, kreis="05554", dry_run=True)

    assert result.report.created == 18 + 17
    assert not Authority.objects.exists()


def test_only_platform_staff_may_create_a_kreis() -> None:
    other = Authority.objects.create(name="Kreis X", short_name="X", slug="x", kind="kreis", ags="05999000")
    fachadmin = staff_create("fachadmin", other, "fachadministration")
    platform = staff_create("plattform", other, "plattform-admin")

    with pytest.raises(PermissionDenied):
        register_import(BORKEN, kreis="05554", actor=fachadmin)
    assert not Authority.objects.filter(ags="05554000").exists()

    register_import(BORKEN, kreis="05554", actor=platform)
    assert Authority.objects.filter(parent__ags="05554000").count() == 17


def test_a_note_says_when_the_installation_shows_another_kreis() -> None:
    with override_settings(AMTSWEG_KREIS_AGS="05558000"):
        result = register_import(BORKEN, kreis="05554")
    assert any("AMTSWEG_KREIS_AGS=05554000" in note for note in result.notes)


# --- the administration: the register without a terminal --------------------------------------------


def test_a_platform_admin_uploads_the_register_in_the_administration(client: Client) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("plattform", password="x" * 16)
    login_verified(client, admin)
    url = reverse("admin:tenants_authority_register")
    assert "Gemeindeverzeichnis importieren" in client.get(reverse("admin:tenants_authority_changelist")).text

    with BORKEN.open("rb") as handle:
        response = client.post(url, {"register": handle, "kreis": "05554"})

    assert response.status_code == 200
    assert "Erkanntes Format: Gemeindeverzeichnis GV-ISys" in response.text
    assert Authority.objects.filter(parent__ags="05554000").count() == 17
    assert "2 Zeilen gehören zu anderen Kreisen" in response.text
    entry = AuditEntry.objects.filter(action="tenants.authority.created").first()
    assert entry is not None
    assert entry.source.startswith("admin ")


def test_an_unusable_upload_gets_a_german_message_and_a_400(client: Client) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    login_verified(client, get_user_model().objects.create_superuser("plattform", password="x" * 16))
    url = reverse("admin:tenants_authority_register")

    response = client.post(url, {"register": SimpleUploadedFile("x.csv", b"nur Text\n"), "kreis": "05554"})
    assert response.status_code == 400
    assert "Format der Datei ist unbekannt" in response.text
    response = client.post(url, {"register": SimpleUploadedFile("x.csv", b"a"), "kreis": "Borken"})
    assert response.status_code == 400
    assert "fünf Ziffern des Kreisschlüssels" in response.text
    assert not Authority.objects.exists()


def test_a_fachadmin_may_not_open_the_register_upload(client: Client) -> None:
    other = Authority.objects.create(name="Kreis X", short_name="X", slug="x", kind="kreis", ags="05999000")
    login_verified(client, staff_create("fachadmin", other, "fachadministration"))
    assert client.get(reverse("admin:tenants_authority_register")).status_code == 403
    changelist = client.get(reverse("admin:tenants_authority_changelist"))
    assert "Gemeindeverzeichnis importieren" not in changelist.text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(
            st.lists(
                st.sampled_from(
                    ["60", "40", "63", "05", "5", "54", "004", "Heek, Stadt", "", "4861x", "x;y"]
                ),
                max_size=9,
            ).map(";".join),
            max_size=6,
        ).map(
            lambda rows: (
                "Satzart;Textkennzeichen;Land;RB;Kreis;VB;Gem;Gemeindename;Postleitzahl\n" + "\n".join(rows)
            ).encode()
        ),
    )
)
def test_any_file_is_imported_or_refused_with_a_reason_never_a_crash(
    tmp_path_factory: Any, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("register") / "datei.csv"
    path.write_bytes(data)
    before = Authority.objects.count()
    try:
        result = register_import(path, kreis="05554")
    except ImportRejected as error:
        assert error.message  # noqa: PT017 - every refusal names its reason
        assert Authority.objects.count() == before
    else:
        for item in result.report.rejections():
            assert item.reason
