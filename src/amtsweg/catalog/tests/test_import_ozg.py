"""The KDN OZG catalogue import: the real CSVs, broken files, idempotency and a 50 MB file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from amtsweg.access.testing import staff_create
from amtsweg.catalog.importers.ozg import import_ozg_catalogue, junk_reason
from amtsweg.catalog.importers.report import ImportRejected
from amtsweg.catalog.models import Lebenslage, LeikaEntry, OzgLeistung, Themenfeld
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority
from amtsweg.testing import shared_data

pytestmark = pytest.mark.django_db

THEMENFELDER = "themenfeld_id,themenfeld\n2,Bauen & Wohnen\n14,Unternehmensführung & -entwicklung\n"
LEBENSLAGEN = (
    "lebenslage_id,lebenslage,themenfeld_id,themenfeld\n"
    "14,Bauen & Immobilien,2,Bauen & Wohnen\n"
    "50,Unternehmensstart & Gewerbezulassung,14,Unternehmensführung & -entwicklung\n"
)
OZG = (
    "ozg_id,ozg_leistung,lebenslage,themenfeld,prioritaet,status_nrw\n"
    "10513,Abbruchgenehmigung,Bauen & Immobilien,Bauen & Wohnen,Nicht festgelegt,offen\n"
    "10047,Gewerbeanmeldung,Unternehmensstart & Gewerbezulassung,Unternehmensführung & -entwicklung,"
    "Nicht festgelegt,offen\n"
)
LEIKA_HEADER = (
    "leika_schluessel,leistung,typisierung,ozg_id,ozg_leistung,lebenslage,themenfeld,"
    "rechtsgrundlage,gesetze\n"
)
LEIKA = LEIKA_HEADER + (
    "99012001000000,Abbruchgenehmigung,4,10513,Abbruchgenehmigung,Bauen & Immobilien,Bauen & Wohnen,,\n"
    "99050012104000,Gewerbe-Anmeldung,2/3,10047,Gewerbeanmeldung,,,§ 14 GewO,Gewerbeordnung\n"
)


def write_catalogue(directory: Path, **files: str | bytes) -> Path:
    """A small, valid KDN catalogue; keyword arguments replace single files (name without .csv)."""
    contents: dict[str, str | bytes] = {
        "themenfelder": THEMENFELDER,
        "lebenslagen": LEBENSLAGEN,
        "ozg_leistungen": OZG,
        "leika_leistungen": LEIKA,
    }
    contents.update(files)
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        path = directory / f"{name}.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return directory


def nothing_stored() -> bool:
    return not (
        Themenfeld.objects.exists()
        or Lebenslage.objects.exists()
        or OzgLeistung.objects.exists()
        or LeikaEntry.objects.exists()
        or AuditEntry.objects.filter(action="catalog.reference.imported").exists()
    )


# The real KDN catalogue ------------------------------------------------------------------------


@pytest.mark.shared_data
def test_real_catalogue_is_imported_with_its_test_rows_reported() -> None:
    directory = shared_data("ozg")

    report = import_ozg_catalogue(directory)

    counts = report.counts
    assert (counts["Themenfelder"].created, counts["Lebenslagen"].created) == (14, 55)
    assert counts["OZG-Leistungen"].created == 557
    assert counts["OZG-Leistungen"].rejected == 0
    # 5,251 LeiKa rows: 436 say "nicht im LeiKa", two are test rows with keys "25323525" and "3233".
    assert counts["LeiKa-Einträge"].created == 4813
    assert counts["LeiKa-Einträge"].rejected == 438
    assert LeikaEntry.objects.count() == 4813
    rejections = report.rejections()
    assert sum("nicht im LeiKa" in item.reason for item in rejections) == 436
    by_key = {item.key: item for item in rejections}
    assert by_key["3233"].line == 5252
    assert "kein gültiger LeiKa-Schlüssel" in by_key["3233"].reason
    assert "„Test 4“" in by_key["3233"].reason
    assert "„wqfwe“" in by_key["3233"].reason
    assert "„Test 124“" in by_key["25323525"].reason
    first = next(item for item in rejections if item.line == 2)
    assert "„sdesf“" in first.reason

    entry = LeikaEntry.objects.select_related("ozg_leistung__lebenslage__themenfeld").get(
        key="99012001000000"
    )
    assert entry.name == "Abbruchgenehmigung"
    assert entry.typisierung == "4"
    assert entry.ozg_leistung is not None
    assert entry.ozg_leistung.name == "Abbruchgenehmigung"
    assert entry.ozg_leistung.ozg_id == "10513"
    assert entry.ozg_leistung.lebenslage is not None
    assert entry.ozg_leistung.lebenslage.name == "Bauen & Immobilien"
    assert entry.ozg_leistung.themenfeld is not None
    assert entry.ozg_leistung.themenfeld.name == "Bauen & Wohnen"
    zpo = LeikaEntry.objects.get(key="99046029000000")
    assert zpo.legal_basis.startswith("§ 882g Zivilprozessordnung")
    assert not LeikaEntry.objects.filter(name__in=["Test 4", "Test 124"]).exists()
    assert LeikaEntry.objects.get(key="99046018000000").name == "Testament"
    assert not LeikaEntry.objects.filter(legal_basis__in=["sdesf", "asdqw", "wqfwe"]).exists()

    assert Themenfeld.objects.get(code="6").slug == "familie-kind"
    assert Lebenslage.objects.get(name="Arbeitgeber sein").audience == "unternehmen"
    assert Lebenslage.objects.get(name="Querschnitt Unternehmen").audience == "unternehmen"
    assert Lebenslage.objects.get(name="Geburt").audience == "buerger"
    assert Lebenslage.objects.get(name="Geburt").themenfeld.name == "Familie & Kind"

    audit = AuditEntry.objects.filter(action="catalog.reference.imported")
    assert audit.count() == 1
    assert audit.get().changes["LeiKa-Einträge"] == {
        "neu": 4813,
        "geändert": 0,
        "unverändert": 0,
        "abgelehnt": 438,
    }


@pytest.mark.shared_data
def test_second_run_of_the_real_catalogue_changes_nothing() -> None:
    directory = shared_data("ozg")
    import_ozg_catalogue(directory)

    again = import_ozg_catalogue(directory)

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == 14 + 55 + 557 + 4813
    assert again.rejected == 438
    assert LeikaEntry.objects.count() == 4813
    assert Themenfeld.objects.count() == 14


@pytest.mark.shared_data
def test_command_prints_summary_and_writes_all_rejections_as_csv(tmp_path: Path) -> None:
    out = io.StringIO()
    report_file = tmp_path / "bericht.csv"

    call_command("import-ozg-catalogue", str(shared_data("ozg")), "--report", str(report_file), stdout=out)

    text = out.getvalue()
    assert "LeiKa-Einträge: 4813 neu, 0 geändert, 0 unverändert, 438 abgelehnt" in text
    assert "Abgelehnte Zeilen: 438 (die ersten 20)" in text
    assert text.count("leika_leistungen.csv Zeile") == 20
    rows = list(csv.DictReader(report_file.open(encoding="utf-8-sig"), delimiter=";"))
    rejected = [row for row in rows if row["ergebnis"] == "abgelehnt"]
    assert len(rejected) == 438
    assert sum(row["ergebnis"] == "neu" for row in rows) == 14 + 55 + 557 + 4813
    assert any(row["zeile"] == "5252" and "Typisierung „44“" in row["grund"] for row in rejected)


def test_only_catalogue_editors_may_import(tmp_path: Path, django_user_model: Any) -> None:
    directory = write_catalogue(tmp_path / "ozg")
    citizen = django_user_model.objects.create_user(username="buergerin", password="ein-langes-passwort")
    kreis = Authority.objects.create(
        name="Kreis Testland", short_name="Testland", slug="testland", kind="kreis", ags="09999000"
    )
    admin = staff_create("fachadmin", kreis, "plattform-admin")
    district_admin = staff_create("kreisadmin", kreis, "fachadministration")
    with pytest.raises(PermissionDenied):
        import_ozg_catalogue(directory, actor=district_admin)  # reference data is shared: platform only
    assert nothing_stored()

    with pytest.raises(PermissionDenied):
        import_ozg_catalogue(directory, actor=citizen)
    assert nothing_stored()

    import_ozg_catalogue(directory, actor=admin)
    assert AuditEntry.objects.get(action="catalog.reference.imported").actor_label == "fachadmin"


# Small synthetic catalogues ---------------------------------------------------------------------


def test_small_catalogue_links_everything(tmp_path: Path) -> None:
    report = import_ozg_catalogue(write_catalogue(tmp_path / "ozg"))

    assert report.created == 2 + 2 + 2 + 2
    assert report.rejected == 0
    gewerbe = LeikaEntry.objects.get(key="99050012104000")
    assert gewerbe.ozg_leistung is not None
    assert gewerbe.ozg_leistung.lebenslage is not None
    assert gewerbe.ozg_leistung.lebenslage.audience == "unternehmen"
    assert gewerbe.legal_basis == "§ 14 GewO"
    assert Lebenslage.objects.get(code="14").audience == "buerger"


def test_changed_rows_are_updated_and_reported(tmp_path: Path) -> None:
    import_ozg_catalogue(write_catalogue(tmp_path / "v1"))
    renamed = OZG.replace("10513,Abbruchgenehmigung,", "10513,Abbruchgenehmigung (Gebäude),")

    report = import_ozg_catalogue(write_catalogue(tmp_path / "v2", ozg_leistungen=renamed))

    assert report.counts["OZG-Leistungen"].updated == 1
    assert report.counts["OZG-Leistungen"].unchanged == 1
    assert report.created == 0
    assert OzgLeistung.objects.get(ozg_id="10513").name == "Abbruchgenehmigung (Gebäude)"
    assert LeikaEntry.objects.get(key="99012001000000").ozg_leistung.name == "Abbruchgenehmigung (Gebäude)"


def test_rows_entered_before_are_found_by_code_and_keep_their_audience(tmp_path: Path) -> None:
    themenfeld = Themenfeld.objects.create(code="2", name="Bauen & Wohnen", slug="bauen-und-wohnen")
    Lebenslage.objects.create(
        code="14", name="Bauen & Immobilien", slug="bauen", themenfeld=themenfeld, audience="beide"
    )

    report = import_ozg_catalogue(write_catalogue(tmp_path / "ozg"))

    assert report.counts["Themenfelder"].unchanged == 1
    assert report.counts["Lebenslagen"].unchanged == 1
    assert Themenfeld.objects.count() == 2
    bauen = Lebenslage.objects.get(code="14")
    assert (bauen.audience, bauen.slug) == ("beide", "bauen")


def test_name_held_by_another_themenfeld_is_reported_not_crashed(tmp_path: Path) -> None:
    Themenfeld.objects.create(code="2", name="Bauen", slug="bauen")
    Themenfeld.objects.create(code="7", name="Bauen & Wohnen", slug="bauen-wohnen")

    report = import_ozg_catalogue(write_catalogue(tmp_path / "ozg"))

    rejected = {item.key: item.reason for item in report.rejections() if item.entity == "Themenfelder"}
    assert "Kennung „7“" in rejected["2"]
    assert Themenfeld.objects.get(code="2").name == "Bauen"
    assert report.counts["Themenfelder"].created == 1


def test_bad_keys_junk_and_broken_rows_are_reported_and_not_stored(tmp_path: Path) -> None:
    leika = LEIKA + (
        "nicht im LeiKa,Prüfung von Verpackungen,1,10513,,,,,\n"
        "3233,Test 4,44,10513,,,,wqfwe,\n"
        "9901200100000A,Abbruch Anzeige,4,10513,,,,,\n"
        "99012001002000,sdesf,4,10513,,,,,\n"
        "99012001003000,Abbruch Bescheid,4,99999,,,,,\n"
        "99012001004000,Abbruch Widerspruch,4\n"
        "99012001005000,Abbruch doppelt,4,10513,,,,,\n"
        "99 012 001 005 000,Abbruch doppelt,4,10513,,,,,\n"
        "99.012.001.006.000,Abbruch mit Punkten,4,10513,,,,,\n"
    )

    report = import_ozg_catalogue(write_catalogue(tmp_path / "ozg", leika_leistungen=leika))

    reasons = {item.line: item.reason for item in report.rejections()}
    assert "nicht im LeiKa" in reasons[4]
    assert "„3233“ ist kein gültiger LeiKa-Schlüssel" in reasons[5]
    assert "Typisierung „44“" in reasons[5]
    assert "kein gültiger LeiKa-Schlüssel" in reasons[6]
    assert "Platzhalter" in reasons[7]
    assert "„99999“" in reasons[8]
    assert "3 statt 9 Spalten" in reasons[9]
    assert "mehrfach" in reasons[10]
    assert "mehrfach" in reasons[11]
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert set(LeikaEntry.objects.values_list("key", flat=True)) == {
        "99012001000000",
        "99050012104000",
        "99012001006000",
    }


def test_lebenslage_with_unknown_themenfeld_is_rejected(tmp_path: Path) -> None:
    lebenslagen = LEBENSLAGEN + "99,Irgendwas,77,Gibt es nicht\n"

    report = import_ozg_catalogue(write_catalogue(tmp_path / "ozg", lebenslagen=lebenslagen))

    (item,) = report.rejections()
    assert (item.file, item.line, item.key) == ("lebenslagen.csv", 4, "99")
    assert "„77“" in item.reason
    assert not Lebenslage.objects.filter(code="99").exists()


@pytest.mark.parametrize("value", ["Test", "Test 124", "test", "sdesf", "asdqw", "ASDF"])
def test_placeholders_are_recognised(value: str) -> None:
    assert junk_reason("leistung", value) is not None


@pytest.mark.parametrize(
    "value", ["Testament eröffnen", "Zivilprozessordnung", "§ 14 GewO", "BauO NRW", "Abriss"]
)
def test_real_text_is_not_junk(value: str) -> None:
    assert junk_reason("leistung", value) is None


# Files rejected as a whole: nothing is stored -------------------------------------------------------


def test_latin1_file_is_rejected_and_nothing_is_stored(tmp_path: Path) -> None:
    latin1 = LEIKA.replace("Gewerbe-Anmeldung", "Gewerbe-Anmeldung für Bäcker").encode("latin-1")
    directory = write_catalogue(tmp_path / "ozg", leika_leistungen=latin1)

    with pytest.raises(ImportRejected, match="nicht UTF-8-kodiert") as error:
        import_ozg_catalogue(directory)

    assert "leika_leistungen.csv" in error.value.message
    assert "Zeile 3" in error.value.message
    assert nothing_stored()


def test_utf16_file_is_rejected_and_nothing_is_stored(tmp_path: Path) -> None:
    directory = write_catalogue(tmp_path / "ozg", themenfelder=THEMENFELDER.encode("utf-16"))

    with pytest.raises(ImportRejected, match="nicht UTF-8-kodiert, sondern UTF-16"):
        import_ozg_catalogue(directory)

    assert nothing_stored()


def test_utf8_with_byte_order_mark_and_windows_line_ends_is_accepted(tmp_path: Path) -> None:
    directory = write_catalogue(
        tmp_path / "ozg", themenfelder=THEMENFELDER.replace("\n", "\r\n").encode("utf-8-sig")
    )

    report = import_ozg_catalogue(directory)

    assert report.counts["Themenfelder"].created == 2


def test_missing_columns_are_named_and_nothing_is_stored(tmp_path: Path) -> None:
    broken = OZG.replace("ozg_id,ozg_leistung,lebenslage,", "id,ozg_leistung,lebenslage_name,", 1)
    directory = write_catalogue(tmp_path / "ozg", ozg_leistungen=broken)

    with pytest.raises(ImportRejected) as error:
        import_ozg_catalogue(directory)

    assert "In ozg_leistungen.csv fehlen die Spalten: ozg_id, lebenslage" in error.value.message
    assert nothing_stored()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "ist leer"), (b"\n\n", "ist leer"), (LEIKA_HEADER.encode(), "keine Datenzeilen")],
)
def test_empty_file_is_rejected_and_nothing_is_stored(tmp_path: Path, content: bytes, message: str) -> None:
    directory = write_catalogue(tmp_path / "ozg", leika_leistungen=content)

    with pytest.raises(ImportRejected, match=message):
        import_ozg_catalogue(directory)

    assert nothing_stored()


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    directory = write_catalogue(tmp_path / "ozg")
    (directory / "lebenslagen.csv").unlink()

    with pytest.raises(ImportRejected, match=r"fehlen die Dateien: lebenslagen\.csv"):
        import_ozg_catalogue(directory)

    assert nothing_stored()


def test_command_fails_with_german_message_on_a_rejected_file(tmp_path: Path) -> None:
    directory = write_catalogue(tmp_path / "ozg", themenfelder=b"")

    with pytest.raises(
        CommandError, match=r"Import abgelehnt, nichts gespeichert: Die Datei themenfelder\.csv ist leer"
    ):
        call_command("import-ozg-catalogue", str(directory), stdout=io.StringIO())

    assert nothing_stored()


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import-ozg-catalogue", str(write_catalogue(tmp_path / "ozg")), "--dry-run", stdout=out)

    assert "Probelauf" in out.getvalue()
    assert "LeiKa-Einträge: 2 neu" in out.getvalue()
    assert nothing_stored()


# Large files ------------------------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


def _write_large_leika(path: Path, size: int) -> int:
    """LeiKa rows up to ``size`` bytes: junk rows (bad key) with three valid rows; returns the row count."""
    junk_text = "Ungültige Zeile aus einem kaputten Export " * 20
    junk = f"nicht im LeiKa,{junk_text},2/3,10513,,,,,\n".encode()
    rows = 0
    with path.open("wb") as handle:
        handle.write(LEIKA.encode())
        rows += 2
        written = len(LEIKA.encode())
        block = junk * 1000
        while written < size:
            handle.write(block)
            written += len(block)
            rows += 1000
        handle.write(b"99012001009000,Abbruchgenehmigung Verl\xc3\xa4ngerung,4,10513,,,,,\n")
        rows += 1
    return rows


def test_fifty_megabyte_file_is_processed_end_to_end(tmp_path: Path) -> None:
    directory = write_catalogue(tmp_path / "ozg")
    rows = _write_large_leika(directory / "leika_leistungen.csv", FIFTY_MB)
    assert (directory / "leika_leistungen.csv").stat().st_size >= FIFTY_MB
    report = import_ozg_catalogue(directory)

    leika = report.counts["LeiKa-Einträge"]
    assert leika.created == 3
    assert leika.rejected == rows - 3
    assert LeikaEntry.objects.get(key="99012001009000").name == "Abbruchgenehmigung Verlängerung"


def test_file_over_the_size_limit_is_rejected_before_reading(tmp_path: Path, settings: Settings) -> None:
    settings.AMTSWEG_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    directory = write_catalogue(tmp_path / "ozg")
    _write_large_leika(directory / "leika_leistungen.csv", FIFTY_MB)

    with pytest.raises(
        ImportRejected,
        match=r"leika_leistungen.csv ist mit 50,\d MB größer als erlaubt \(höchstens 10,0 MB\)",
    ):
        import_ozg_catalogue(directory)

    assert nothing_stored()


def test_overlong_line_rejects_the_file(tmp_path: Path) -> None:
    huge = LEIKA + "99012001007000," + "x" * (3 * 1024 * 1024) + ",4,10513,,,,,\n"
    directory = write_catalogue(tmp_path / "ozg", leika_leistungen=huge)

    with pytest.raises(ImportRejected, match=r"Zeile 4 in leika_leistungen\.csv ist länger als 2,0 MB"):
        import_ozg_catalogue(directory)

    assert nothing_stored()
