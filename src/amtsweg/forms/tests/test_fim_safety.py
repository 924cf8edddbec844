"""Hostile or broken input: a clear German message with file and line, and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from amtsweg.catalog.tests.factories import KreisFactory
from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import import_fim, parse_fim
from amtsweg.forms.fim.safe_xml import parse_bytes
from amtsweg.forms.models import Form, FormVersion
from amtsweg.testing import shared_data

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xdf:s xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">&lol4;</xdf:s>
"""
XXE_FILE = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xdf:s xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">&xxe;</xdf:s>
"""
XXE_HTTP = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>
<xdf:s xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">&xxe;</xdf:s>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE xdf SYSTEM "http://127.0.0.1:9/xdatenfelder.dtd">
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"/>
"""
WRONG_NAMESPACE = """<?xml version="1.0"?>
<x:xdatenfelder.stammdatenschema.0102 xmlns:x="urn:example:not-fim"/>
"""

CASES = {
    "billion_laughs": (BILLION_LAUGHS, "DTD oder Entity-Deklaration", 2),
    "xxe_file": (XXE_FILE, "DTD oder Entity-Deklaration", 2),
    "xxe_http": (XXE_HTTP, "DTD oder Entity-Deklaration", 2),
    "external_dtd": (EXTERNAL_DTD, "DTD oder Entity-Deklaration", 2),
    "not_xml": ("Dies ist keine XML-Datei.\n", "kein wohlgeformtes XML", 1),
    "broken_xml": ('<?xml version="1.0"?>\n<a>\n<b></a>\n', "kein wohlgeformtes XML", 3),
    "empty": ("", "Die Datei ist leer", None),
    "wrong_namespace": (WRONG_NAMESPACE, "Unbekannter Namensraum „urn:example:not-fim“", 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_or_broken_files_are_rejected_with_a_german_message(case: str, tmp_path: Path) -> None:
    text, expected, line = CASES[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FimImportError) as caught:
        parse_fim(path, xsd_dir=shared_data("fim", "xsd"))

    assert expected in str(caught.value)
    assert str(caught.value).startswith(f"{case}.xml")
    assert caught.value.line == line
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into the message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'<?xml version="1.0"?>\n<a>\n<b></a>\n',
            "das Element <b> aus Zeile 3 wird mit </a> geschlossen, Spalte 8",
        ),
        (b"<xdf:nicht-zu", "das Namensraum-Präfix „xdf“ von <xdf:nicht-zu> ist nicht deklariert"),
        (b"<a><b>", "die Datei endet, bevor das Element <b> aus Zeile 1 geschlossen ist"),
        (b"<a>Bauen & Wohnen</a>", "ein einzelnes „&“ muss als „&amp;“ geschrieben werden"),
        (b"<a>&nbsp;</a>", "unbekannte Entity „&nbsp;“"),
        (b"Dies ist keine XML-Datei.", "am Anfang steht kein XML-Element"),
        (b"<a></a><b/>", "nach dem Ende des Wurzelelements folgt weiterer Inhalt"),
        (b"<a x=1/>", "ein Attributwert steht nicht in Anführungszeichen"),
        (b"<a>\xff\xfe</a>", "Bytes, die in ihrer Zeichenkodierung ungültig sind"),
    ],
)
def test_a_broken_file_is_explained_in_german_not_in_the_parsers_english(data: bytes, expected: str) -> None:
    """Seen in the admin: "kein wohlgeformtes XML (Opening and ending tag mismatch: b line 3 and a …)"."""
    with pytest.raises(FimImportError) as caught:
        parse_bytes(data, "kaputt.xml")
    message = str(caught.value)
    assert "kein wohlgeformtes XML" in message
    assert expected in message
    for english in ("mismatch", "expected", "not defined", "Premature", "Extra content", "Invalid", "line"):
        assert english not in message


def test_a_file_over_the_limit_is_rejected_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gross.xml"
    with path.open("wb") as handle:  # 20 MB of valid-looking XML
        handle.write(b'<?xml version="1.0"?><a>')
        handle.write(b"<b>x</b>" * (20 * 1024 * 1024 // 8))
        handle.write(b"</a>")

    with pytest.raises(FimImportError, match=r"größer als erlaubt \(höchstens 10 MB\)"):
        parse_fim(path)


def test_the_limit_can_be_set_per_import(tmp_path: Path) -> None:
    path = shared_data("fim", "synthetic", "flxbe_v2", "label.xml")

    with pytest.raises(FimImportError, match="größer als erlaubt"):
        parse_fim(path, max_bytes=1000)


def test_a_missing_xsd_folder_stops_the_import_and_names_the_setting(tmp_path: Path) -> None:
    path = shared_data("fim", "synthetic", "flxbe_v2", "label.xml")

    with pytest.raises(FimImportError, match="AMTSWEG_FIM_XSD_DIR") as caught:
        parse_fim(path, xsd_dir=tmp_path / "keine-xsd")

    assert "2.0/xdatenfelder.xsd" in str(caught.value)


def test_an_xsd_folder_without_the_included_files_is_reported(tmp_path: Path) -> None:
    source = shared_data("fim", "xsd", "2.0", "xdatenfelder.xsd")
    (tmp_path / "2.0").mkdir()
    (tmp_path / "2.0" / "xdatenfelder.xsd").write_bytes(source.read_bytes())  # without the baukasten

    with pytest.raises(FimImportError, match=r"xdatenfelder-baukasten\.xsd ein, die fehlt"):
        parse_fim(shared_data("fim", "synthetic", "flxbe_v2", "label.xml"), xsd_dir=tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["billion_laughs", "xxe_file", "not_xml", "empty", "wrong_namespace"])
def test_the_command_fails_and_stores_nothing(case: str, tmp_path: Path) -> None:
    KreisFactory()
    path = tmp_path / f"{case}.xml"
    path.write_text(CASES[case][0], encoding="utf-8")

    with pytest.raises(CommandError, match="Import abgelehnt, nichts gespeichert"):
        call_command("import-fim", str(path), xsd_dir=shared_data("fim", "xsd"))

    assert not Form.objects.exists()
    assert not FormVersion.objects.exists()


@pytest.mark.django_db
def test_a_missing_code_list_in_strict_mode_stores_nothing(tmp_path: Path) -> None:
    KreisFactory()
    with pytest.raises(FimImportError, match="ags_2018-01-31"):
        import_fim(
            shared_data("fim", "real", "gewerbeanmeldung_S00000009", "S00000009_xdatenfelder.xml"),
            allow_missing_code_lists=False,
        )

    assert not Form.objects.exists()


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(alphabet=st.sampled_from(list('<>/!?="&;[]xdf: -ENTITYDOCTYPE\n')), max_size=200).map(
            str.encode
        ),
    )
)
def test_arbitrary_bytes_parse_or_give_a_german_error(data: bytes) -> None:
    problem: FimImportError | None = None
    try:
        parse_bytes(data, "zufall.xml")
    except FimImportError as error:  # anything else (a crash) fails the test
        problem = error
    assert problem is None or (problem.file == "zufall.xml" and problem.reason)


def test_schema_location_hints_in_the_file_are_not_followed(tmp_path: Path) -> None:
    original = shared_data("fim", "synthetic", "flxbe_v2", "label.xml").read_text(encoding="utf-8")
    hinted = original.replace(
        'xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"',
        'xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:xoev-de:fim:standard:xdatenfelder_2 http://127.0.0.1:9/boese.xsd"',
        1,
    )
    path = tmp_path / "label.xml"
    path.write_text(hinted, encoding="utf-8")

    spec = parse_fim(path, xsd_dir=shared_data("fim", "xsd")).spec  # validated with our local XSD only

    assert spec.key == "T1234"


def test_xsds_are_never_fetched_from_the_network(tmp_path: Path) -> None:
    (tmp_path / "2.0").mkdir()
    (tmp_path / "2.0" / "xdatenfelder.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="urn:xoev-de:fim:standard:xdatenfelder_2">'
        '<xs:import namespace="urn:x" schemaLocation="http://127.0.0.1:9/fremd.xsd"/></xs:schema>',
        encoding="utf-8",
    )

    with pytest.raises(FimImportError, match="nur aus lokalen Dateien"):
        parse_fim(shared_data("fim", "synthetic", "flxbe_v2", "label.xml"), xsd_dir=tmp_path)


def test_a_dtd_hidden_in_utf16_is_rejected_too(tmp_path: Path) -> None:
    path = tmp_path / "utf16.xml"
    path.write_bytes(XXE_FILE.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"))

    with pytest.raises(FimImportError, match="enthält eine DTD"):
        parse_fim(path, xsd_dir=shared_data("fim", "xsd"))
