"""The JSON Lines catalogue import: creating and updating services, rejected lines and files, 50 MB."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from amtsweg.access.testing import staff_create
from amtsweg.catalog.importers.jsonl import derive_short_text, import_catalogue_jsonl
from amtsweg.catalog.importers.report import ImportRejected
from amtsweg.catalog.importers.text import html_to_text
from amtsweg.catalog.models import Service
from amtsweg.catalog.tests.factories import (
    KreisFactory,
    LebenslageFactory,
    MaturityLevelFactory,
    MunicipalityFactory,
    OzgLeistungFactory,
    ThemenfeldFactory,
)
from amtsweg.catalog.validators import is_valid_leika_key, normalize_leika_key
from amtsweg.tenants.models import Authority

WOHNGELD: dict[str, Any] = {
    "id": "wohngeld",
    "name": "Wohngeld beantragen",
    "description": "<p>Wohngeld ist ein Zuschuss zur Miete.</p><p>Sie beantragen es bei Ihrer Stadt.</p>",
    "leika": "99107023037000",
    "keywords": ["Mietzuschuss", "Lastenzuschuss"],
}
HUNDESTEUER: dict[str, Any] = {
    "id": "hundesteuer",
    "name": "Hund anmelden",
    "description": "Wer einen Hund hält, meldet ihn bei der Gemeinde zur Hundesteuer an.",
    "leika": None,
    "keywords": [],
}


def write_jsonl(path: Path, *records: dict[str, Any] | str) -> Path:
    """One line per record; strings are written as they are (for broken lines)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def kreis(db: None) -> Authority:
    return KreisFactory()


def nothing_stored() -> bool:
    return not Service.objects.exists()


@pytest.mark.django_db
def test_services_are_created_with_safe_plain_text(tmp_path: Path, kreis: Authority) -> None:
    record = dict(WOHNGELD, description=WOHNGELD["description"] + "<script>alert('x')</script><p>Ende.</p>")
    path = write_jsonl(tmp_path / "katalog.jsonl", record, HUNDESTEUER)

    report = import_catalogue_jsonl(path)

    assert (report.created, report.updated, report.rejected) == (2, 0, 0)
    wohngeld = Service.objects.get(external_id="wohngeld")
    assert wohngeld.full_text == (
        "Wohngeld ist ein Zuschuss zur Miete.\n\nSie beantragen es bei Ihrer Stadt.\n\nEnde."
    )
    assert "alert" not in wohngeld.full_text
    assert "<" not in wohngeld.full_text
    assert wohngeld.short_text == "Wohngeld ist ein Zuschuss zur Miete."
    assert wohngeld.leika_key == "99107023037000"
    assert wohngeld.keywords == ["Mietzuschuss", "Lastenzuschuss"]
    assert wohngeld.owner == kreis
    assert wohngeld.is_published
    assert wohngeld.versions.count() == 1
    hund = Service.objects.get(external_id="hundesteuer")
    assert hund.leika_key == ""
    assert hund.short_text == hund.full_text


@pytest.mark.django_db
def test_existing_services_are_updated_by_id_and_unchanged_ones_counted(
    tmp_path: Path, kreis: Authority
) -> None:
    import_catalogue_jsonl(write_jsonl(tmp_path / "v1.jsonl", WOHNGELD, HUNDESTEUER))
    renamed = dict(WOHNGELD, name="Wohngeld (Mietzuschuss) beantragen")

    report = import_catalogue_jsonl(write_jsonl(tmp_path / "v2.jsonl", renamed, HUNDESTEUER))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    wohngeld = Service.objects.get(external_id="wohngeld")
    assert wohngeld.name == "Wohngeld (Mietzuschuss) beantragen"
    assert wohngeld.version == 2
    assert wohngeld.versions.first().changed_fields == ["name"]  # type: ignore[union-attr]
    assert Service.objects.count() == 2


@pytest.mark.django_db
def test_optional_fields_link_reference_data(tmp_path: Path, kreis: Authority) -> None:
    bauen = LebenslageFactory(code="14", name="Bauen & Immobilien")
    wohnen = LebenslageFactory(code="55", name="Wohnen & Umzug")
    ThemenfeldFactory(code="2", name="Bauen & Wohnen")
    OzgLeistungFactory(ozg_id="10513", name="Abbruchgenehmigung")
    level = MaturityLevelFactory(level=2, name="Formular-Assistent")
    level.model.is_default = True
    level.model.save()
    senden = MunicipalityFactory(short_name="Senden", ags="05558044")
    record = {
        "id": "abbruch",
        "name": "Abbruch anzeigen",
        "description": "Sie wollen ein Gebäude abreißen.",
        "leika": "99 012 001 000 000",
        "keywords": ["Abriss", " Abriss ", ""],
        "short_text": "Abbruch eines Gebäudes anzeigen.",
        "fees": "<ul><li>bis 50 m³: 100 Euro</li><li>darüber: 200 Euro</li></ul>",
        "lebenslagen": ["14", "Wohnen & Umzug"],
        "themenfeld": "Bauen & Wohnen",
        "ozg_id": 10513,
        "url": "https://service.example/abbruch",
        "audience": "beide",
        "maturity_level": 2,
        "owner": "05558044",
        "published": False,
    }

    report = import_catalogue_jsonl(write_jsonl(tmp_path / "k.jsonl", record))

    assert report.created == 1, report.rejections()
    service = Service.objects.get(external_id="abbruch")
    assert service.leika_key == "99012001000000"
    assert service.keywords == ["Abriss"]
    assert service.short_text == "Abbruch eines Gebäudes anzeigen."
    assert service.full_text == "Sie wollen ein Gebäude abreißen."
    assert service.fees == "– bis 50 m³: 100 Euro\n– darüber: 200 Euro"
    assert set(service.lebenslagen.all()) == {bauen, wohnen}
    assert service.themenfeld is not None
    assert service.themenfeld.code == "2"
    assert service.ozg_leistung is not None
    assert service.ozg_leistung.ozg_id == "10513"
    assert service.online_url == "https://service.example/abbruch"
    assert service.audience == "beide"
    assert service.maturity_level == level
    assert service.owner == senden
    assert not service.is_published


@pytest.mark.django_db
def test_bad_lines_are_rejected_with_line_and_reason(tmp_path: Path, kreis: Authority) -> None:
    path = write_jsonl(
        tmp_path / "k.jsonl",
        WOHNGELD,  # 1
        '{"id": "kaputt", "name": ',  # 2
        {"name": "Ohne ID", "description": "x"},  # 3
        {"id": "ohne-name", "description": "x"},  # 4
        {"id": "falsche-typen", "name": "Typen", "description": "x", "keywords": "Hund"},  # 5
        {"id": "leika", "name": "Schlüssel", "description": "x", "leika": "3233"},  # 6
        {"id": "doppelt", "name": "Erste", "description": "x"},  # 7
        "",  # 8: blank lines are skipped
        {"id": "doppelt", "name": "Zweite", "description": "y"},  # 9
        '["eine", "Liste"]',  # 10
        {"id": "lebenslage", "name": "L", "description": "x", "lebenslagen": ["Mondfahrt"]},  # 11
        {"id": "url", "name": "U", "description": "x", "url": "kein link"},  # 12
        {"id": "x" * 101, "name": "Lang", "description": "x"},  # 13
        {"id": "leer", "name": "Leer", "description": "   "},  # 14
        {"id": "owner", "name": "O", "description": "x", "owner": "09999999"},  # 15
        HUNDESTEUER,  # 16
    )

    report = import_catalogue_jsonl(path)

    reasons = {item.line: item.reason for item in report.rejections()}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]
    assert reasons[2].startswith("Kein gültiges JSON")
    assert "Pflichtfeld „id“ fehlt" in reasons[3]
    assert "Pflichtfeld „name“ fehlt" in reasons[4]
    assert "„keywords“ muss eine Liste von Texten sein" in reasons[5]
    assert "„3233“ ist kein gültiger LeiKa-Schlüssel" in reasons[6]
    assert "„doppelt“ kommt mehrfach vor (Zeilen 7, 9)" in reasons[7]
    assert "„doppelt“ kommt mehrfach vor (Zeilen 7, 9)" in reasons[9]
    assert "JSON-Objekt" in reasons[10]
    assert "„Mondfahrt“" in reasons[11]
    assert "Online-Antrag" in reasons[12]
    assert "100 Zeichen" in reasons[13]
    assert "Kurztext ist leer" in reasons[14]
    assert "09999999" in reasons[15]
    assert set(Service.objects.values_list("external_id", flat=True)) == {"wohngeld", "hundesteuer"}


@pytest.mark.django_db
def test_command_imports_for_another_owner_and_prints_the_rejections(
    tmp_path: Path, kreis: Authority
) -> None:
    dülmen = MunicipalityFactory(short_name="Dülmen", ags="05558016")
    path = write_jsonl(tmp_path / "k.jsonl", WOHNGELD, '{"id": 1}')
    out = io.StringIO()

    call_command("import-catalogue", str(path), "--owner", "05558016", stdout=out)

    assert Service.objects.get(external_id="wohngeld").owner == dülmen
    assert "Leistungen: 1 neu, 0 geändert, 0 unverändert, 1 abgelehnt" in out.getvalue()
    assert "k.jsonl Zeile 2" in out.getvalue()


@pytest.mark.django_db
def test_unknown_owner_fails_with_a_clear_message(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "k.jsonl", WOHNGELD)

    with pytest.raises(
        CommandError, match="Die Behörde mit dem Amtlichen Gemeindeschlüssel 05558000 gibt es nicht"
    ):
        call_command("import-catalogue", str(path), stdout=io.StringIO())

    assert nothing_stored()


@pytest.mark.django_db
def test_dry_run_stores_nothing(tmp_path: Path, kreis: Authority) -> None:
    report = import_catalogue_jsonl(write_jsonl(tmp_path / "k.jsonl", WOHNGELD), dry_run=True)

    assert report.created == 1
    assert nothing_stored()


# Files rejected as a whole ---------------------------------------------------------------------


@pytest.mark.django_db
def test_latin1_file_is_rejected_and_nothing_is_stored(tmp_path: Path, kreis: Authority) -> None:
    path = tmp_path / "k.jsonl"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in (WOHNGELD, HUNDESTEUER))
    path.write_bytes(text.encode("latin-1"))

    with pytest.raises(ImportRejected, match=r"nicht UTF-8-kodiert \(Zeile 2 enthält das Byte 0xE4"):
        import_catalogue_jsonl(path)

    assert nothing_stored()


@pytest.mark.django_db
def test_utf16_file_is_rejected_and_nothing_is_stored(tmp_path: Path, kreis: Authority) -> None:
    path = tmp_path / "k.jsonl"
    path.write_text(json.dumps(WOHNGELD), encoding="utf-16")

    with pytest.raises(CommandError, match="nicht UTF-8-kodiert, sondern UTF-16"):
        call_command("import-catalogue", str(path), stdout=io.StringIO())

    assert nothing_stored()


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), [(b"", "ist leer"), (b"\n  \n\n", "enthält keine Zeilen")])
def test_empty_file_is_rejected(tmp_path: Path, kreis: Authority, content: bytes, message: str) -> None:
    path = tmp_path / "k.jsonl"
    path.write_bytes(content)

    with pytest.raises(ImportRejected, match=message):
        import_catalogue_jsonl(path)

    assert nothing_stored()


@pytest.mark.django_db
def test_missing_file_is_rejected(tmp_path: Path, kreis: Authority) -> None:
    with pytest.raises(ImportRejected, match="gibt es nicht"):
        import_catalogue_jsonl(tmp_path / "fehlt.jsonl")


FIFTY_MB = 50 * 1024 * 1024


@pytest.mark.django_db
def test_file_over_the_limit_is_rejected_by_its_size(
    tmp_path: Path, kreis: Authority, settings: Settings
) -> None:
    settings.AMTSWEG_IMPORT_MAX_BYTES = 1024
    path = write_jsonl(tmp_path / "k.jsonl", *[dict(WOHNGELD, id=f"w{i}") for i in range(20)])

    with pytest.raises(ImportRejected, match="größer als erlaubt"):
        import_catalogue_jsonl(path)

    assert nothing_stored()


@pytest.mark.django_db
def test_fifty_megabyte_file_is_processed_line_by_line(tmp_path: Path, kreis: Authority) -> None:
    """Many bad lines, one 5 MB junk line, and three good lines spread over 50 MB."""
    path = tmp_path / "gross.jsonl"
    bad = json.dumps({"id": "x", "name": "Falscher Schlüssel", "description": "Text " * 150, "leika": "123"})
    block = ((bad + "\n") * 1000).encode()
    lines = 0
    with path.open("wb") as handle:
        handle.write((json.dumps(WOHNGELD) + "\n").encode())
        handle.write(b'{"id": "' + b"x" * (5 * 1024 * 1024) + b'"}\n')
        lines += 2
        while handle.tell() < FIFTY_MB:
            handle.write(block)
            lines += 1000
            if lines == 2002:
                handle.write((json.dumps(HUNDESTEUER) + "\n").encode())
                lines += 1
        handle.write((json.dumps(dict(WOHNGELD, id="wohngeld-2")) + "\n").encode())
        lines += 1
    assert path.stat().st_size >= FIFTY_MB
    report = import_catalogue_jsonl(path)

    assert report.created == 3
    assert report.rejected == lines - 3
    assert "länger als 2 MB" in report.rejections()[0].reason
    assert report.rejections()[0].line == 2
    assert set(Service.objects.values_list("external_id", flat=True)) == {
        "wohngeld",
        "hundesteuer",
        "wohngeld-2",
    }


# Properties of the converters -------------------------------------------------------------------

_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")
html_fragments = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            ["<p>", "</p>", "<br>", "<li>", "</ul>", "<script>", "</script>", "<b onclick='x()'>",
             "&lt;script&gt;", "<style>p{}</style>", "<!-- x -->", "<scr<script>ipt>", "<", ">", "&amp;",
             "\r\n", "\x00"]
        ),
    ),
    max_size=25,
).map("".join)  # fmt: skip


@given(html_fragments)
def test_converted_text_has_no_markup_and_is_stable(value: str) -> None:
    text = html_to_text(value)

    assert not _TAG_LIKE.search(text)
    assert "\x00" not in text
    assert html_to_text(text) == text


@given(st.text(max_size=40))
def test_script_content_never_survives(payload: str) -> None:
    text = html_to_text(f"<p>Hallo</p><script>{payload.replace('<', '')}SECRET</script>")

    assert "SECRET" not in text


@given(st.text(max_size=2000))
def test_derived_short_text_is_short(value: str) -> None:
    short = derive_short_text(html_to_text(value))

    assert len(short) <= 300


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.sampled_from(["", " ", ".", "-"]))
def test_typed_leika_keys_are_normalised(digits: str, separator: str) -> None:
    key = "99" + digits
    typed = separator.join([key[:2], key[2:5], key[5:8], key[8:11], key[11:]])

    assert normalize_leika_key(typed) == key
    assert is_valid_leika_key(normalize_leika_key(typed))


@given(st.text(max_size=20))
def test_only_fourteen_digit_keys_starting_with_99_are_valid(value: str) -> None:
    assert is_valid_leika_key(value) == bool(re.fullmatch(r"99[0-9]{12}", value))


@pytest.mark.parametrize("value", ["99123456789012\n", "99" + "\u0661" * 12])
def test_keys_with_foreign_digits_or_a_line_break_are_invalid(value: str) -> None:
    assert not is_valid_leika_key(value)


@pytest.mark.django_db
def test_only_catalogue_editors_may_import(tmp_path: Path, kreis: Authority, django_user_model: Any) -> None:
    path = write_jsonl(tmp_path / "k.jsonl", WOHNGELD)
    citizen = django_user_model.objects.create_user(username="buergerin", password="ein-langes-passwort")
    admin = staff_create("fachadmin", kreis, "fachadministration")

    with pytest.raises(PermissionDenied):
        import_catalogue_jsonl(path, actor=citizen)
    assert nothing_stored()

    report = import_catalogue_jsonl(path, actor=admin)
    assert report.created == 1
    assert Service.objects.get().versions.get().created_by == "fachadmin"
