"""XDatenfelder 3.0: the shared fixtures are all invalid against the official XSD (they test a lenient
parser), so these tests write small valid xdf 3 schemas themselves — with inline values, a genericode list
beside the file, precisions, cardinalities and the rule patterns the importer recognises."""

from __future__ import annotations

from pathlib import Path

import pytest

from amtsweg.catalog.tests.factories import KreisFactory, ServiceFactory
from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import import_fim, parse_fim
from amtsweg.forms.fim.safe_xml import parse_bytes
from amtsweg.forms.fim.xdf3 import Xdf3Builder
from amtsweg.forms.validation import validate
from amtsweg.testing import shared_data

NS = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0"


def common(fim_id: str, name: str, *, version: str = "1.0.0") -> str:
    return f"""
      <xdf:identifikation><xdf:id>{fim_id}</xdf:id><xdf:version>{version}</xdf:version></xdf:identifikation>
      <xdf:name>{name}</xdf:name>
      <xdf:freigabestatus listVersionID="2020-03-19"><code>6</code></xdf:freigabestatus>
      <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>"""


def element(fim_id: str, name: str, label: str, *, help_text: str = "") -> str:
    hilfe = f"<xdf:hilfetextEingabe>{help_text}</xdf:hilfetextEingabe>" if help_text else ""
    return f"""{common(fim_id, name)}
      <xdf:bezeichnungEingabe>{label}</xdf:bezeichnungEingabe>
      <xdf:schemaelementart><code>HAR</code></xdf:schemaelementart>{hilfe}"""


def field(
    fim_id: str,
    label: str,
    *,
    datentyp: str = "text",
    feldart: str = "input",
    precision: str = "",
    extra: str = "",
    help_text: str = "",
    inhalt: str = "",
) -> str:
    content = f"<xdf:inhalt>{inhalt}</xdf:inhalt>" if inhalt else ""
    return f"""<xdf:datenfeld>{element(fim_id, label, label, help_text=help_text)}
      <xdf:feldart><code>{feldart}</code></xdf:feldart>
      <xdf:datentyp><code>{datentyp}</code></xdf:datentyp>{precision}{content}
      <xdf:vorbefuellung><code>keine</code></xdf:vorbefuellung>{extra}
    </xdf:datenfeld>"""


def group(fim_id: str, label: str, *children: tuple[str, str], rules: str = "") -> str:
    return f"""<xdf:datenfeldgruppe>{element(fim_id, label, label)}{rules}
      {"".join(struktur(anzahl, child) for anzahl, child in children)}
    </xdf:datenfeldgruppe>"""


def struktur(anzahl: str, child: str) -> str:
    return (
        f"<xdf:struktur><xdf:anzahl>{anzahl}</xdf:anzahl><xdf:enthaelt>{child}</xdf:enthaelt></xdf:struktur>"
    )


def rule(fim_id: str, name: str, text: str, *, error: str = "") -> str:
    fehler = f'<xdf:fehler code="1">{error}</xdf:fehler>' if error else ""
    return f"""<xdf:regel>
      <xdf:identifikation><xdf:id>{fim_id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
      <xdf:name>{name}</xdf:name>
      <xdf:freitextRegel>{text}</xdf:freitextRegel>
      <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:typ><code>V</code></xdf:typ>
      <xdf:skript>function script() {{}}</xdf:skript>{fehler}
    </xdf:regel>"""


def schema(*children: tuple[str, str], rules: str = "", bezug: str = "", version: str = "1.2.0") -> str:
    bezug_xml = f"<xdf:bezug>{bezug}</xdf:bezug>" if bezug else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="{NS}">
  <xdf:header>
    <xdf:nachrichtID>test</xdf:nachrichtID>
    <xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt>
  </xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation><xdf:id>S60000099</xdf:id><xdf:version>{version}</xdf:version></xdf:identifikation>
    <xdf:name>Anzeige Testleistung</xdf:name>
    <xdf:beschreibung>Ein Testschema</xdf:beschreibung>
    {bezug_xml}
    <xdf:freigabestatus listVersionID="2020-03-19"><code>6</code></xdf:freigabestatus>
    <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>
    <xdf:bezeichnung>Anzeige einer Testleistung</xdf:bezeichnung>
    <xdf:hilfetext>Hilfe zum Antrag</xdf:hilfetext>
    <xdf:ableitungsmodifikationenStruktur><code>0</code></xdf:ableitungsmodifikationenStruktur>
    <xdf:ableitungsmodifikationenRepraesentation><code>0</code></xdf:ableitungsmodifikationenRepraesentation>
    <xdf:dokumentsteckbrief><xdf:id>D60000001</xdf:id><xdf:version>1.0.0</xdf:version></xdf:dokumentsteckbrief>
    {rules}
    {"".join(struktur(anzahl, child) for anzahl, child in children)}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>
"""


GENERICODE = """<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification>
    <ShortName>anrede</ShortName><LongName>Anrede (Test)</LongName><Version>1</Version>
    <CanonicalUri>urn:de:test:codeliste:anrede</CanonicalUri>
    <CanonicalVersionUri>urn:de:test:codeliste:anrede_1</CanonicalVersionUri>
  </Identification>
  <ColumnSet>
    <Column Id="schluessel" Use="required"><ShortName>Schlüssel</ShortName><Data Type="string"/></Column>
    <Column Id="beschreibung" Use="required"><ShortName>Beschreibung</ShortName><Data Type="string"/></Column>
    <Key Id="k"><ShortName>K</ShortName><ColumnRef Ref="schluessel"/></Key>
  </ColumnSet>
  <SimpleCodeList>
    <Row><Value ColumnRef="schluessel"><SimpleValue>01</SimpleValue></Value>
         <Value ColumnRef="beschreibung"><SimpleValue>Frau</SimpleValue></Value></Row>
    <Row><Value ColumnRef="schluessel"><SimpleValue>02</SimpleValue></Value>
         <Value ColumnRef="beschreibung"><SimpleValue>Herr</SimpleValue></Value></Row>
  </SimpleCodeList>
</gc:CodeList>
"""

ANREDE_REF = """
      <xdf:codelisteReferenz>
        <xdf:canonicalIdentification>urn:de:test:codeliste:anrede</xdf:canonicalIdentification>
        <xdf:version>1</xdf:version>
        <xdf:canonicalVersionUri>urn:de:test:codeliste:anrede_1</xdf:canonicalVersionUri>
      </xdf:codelisteReferenz>"""

ART_VALUES = """
      <xdf:werte>
        <xdf:wert><xdf:code>01</xdf:code><xdf:name>Neuanmeldung</xdf:name></xdf:wert>
        <xdf:wert><xdf:code>02</xdf:code><xdf:name>Ummeldung</xdf:name>
          <xdf:hilfe>bei Umzug</xdf:hilfe></xdf:wert>
      </xdf:werte>"""


def full_schema(**kwargs: str) -> str:
    """Art (inline values) decides whether the former address is required; street or PO box address."""
    strasse = group(
        "G60000000086",
        "Straßenanschrift",
        (
            "1:1",
            field("F60000000243", "Straße", precision='<xdf:praezisierung minLength="1" maxLength="55"/>'),
        ),
    )
    postfach = group("G60000000087", "Postfachanschrift", ("1:1", field("F60000000244", "Postfach")))
    anschrift = group(
        "G60000000088",
        "Anschrift in Deutschland",
        ("0:1", strasse),
        ("0:1", postfach),
        rules=rule(
            "R60000000019",
            "Straße oder Postfach",
            'Es muss entweder Feldgruppe G60000086 "Anschrift Inland Straßenanschrift" oder Feldgruppe '
            'G60000087 "Anschrift Inland Postfachanschrift" befüllt werden.',
        ),
    )
    return schema(
        ("1:1", field("F60000000001", "Art der Anmeldung", feldart="select", extra=ART_VALUES)),
        ("1:1", field("F60000000002", "Anrede", feldart="select", extra=ANREDE_REF)),
        (
            "1:1",
            field(
                "F60000000003",
                "Anzahl Beschäftigte",
                datentyp="num_int",
                precision='<xdf:praezisierung minValue="0" maxValue="9999"/>',
                help_text="Ohne Inhaberin oder Inhaber",
            ),
        ),
        ("0:1", field("F60000000004", "Zustimmung", datentyp="bool")),
        ("0:3", field("F60000000005", "Nachweis", datentyp="file")),
        ("1:1", field("F60000000006", "PLZ", precision='<xdf:praezisierung pattern="\\d{5}"/>')),
        ("1:*", anschrift),
        ("0:1", group("G60000000090", "Frühere Anschrift", ("1:1", field("F60000000007", "Ort")))),
        ("0:1", field("F60000000008", "Hinweis", feldart="label", inhalt="Bitte vollständig ausfüllen.")),
        rules=rule(
            "R60000000020",
            "Frühere Anschrift",
            'Wenn bei F60000000001 "02 Ummeldung" ausgewählt wird, dann wird G60000000090 zur Pflichtangabe.',
        )
        + rule("R60000000021", "Prosa", "Die Angaben werden vertraulich behandelt."),
        **kwargs,
    )


def write(folder: Path, text: str, name: str = "schema.xml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def xsd_dir() -> Path:
    return shared_data("fim", "xsd")


def test_a_valid_xdf3_schema_becomes_a_form_model(tmp_path: Path, xsd_dir: Path) -> None:
    write(tmp_path, GENERICODE, "anrede_genericode.xml")
    spec = parse_fim(write(tmp_path, full_schema()), xsd_dir=xsd_dir).spec

    assert (spec.key, spec.version, spec.fim_standard) == ("S60000099", "1.2.0", "xdf3")
    assert spec.title == "Anzeige einer Testleistung"
    assert spec.fim.id == "S60000099"
    art = spec.element_at("F60000000001")
    assert art is not None
    assert art.min == 1
    assert art.max == 1
    assert art.element.input == "select"
    values = spec.code_lists[art.element.code_list]  # type: ignore[union-attr,index]
    assert [(e.code, e.label) for e in values.entries] == [("01", "Neuanmeldung"), ("02", "Ummeldung")]
    anrede = spec.element_at("F60000000002").element  # type: ignore[union-attr]
    anrede_list = spec.code_lists[anrede.code_list]  # type: ignore[union-attr,index]
    assert [(e.code, e.label) for e in anrede_list.entries] == [("01", "Frau"), ("02", "Herr")]
    assert anrede_list.version == "urn:de:test:codeliste:anrede_1"

    count = spec.element_at("F60000000003").element  # type: ignore[union-attr]
    assert (count.datatype, count.min_value, count.max_value) == ("integer", "0", "9999")  # type: ignore[union-attr]
    assert count.help == "Ohne Inhaberin oder Inhaber"
    consent = spec.element_at("F60000000004").element  # type: ignore[union-attr]
    assert (consent.datatype, consent.input) == ("bool", "checkbox")  # type: ignore[union-attr]
    proof = spec.element_at("F60000000005")
    assert proof is not None
    assert (proof.element.datatype, proof.min, proof.max) == ("file", 0, 3)
    assert spec.element_at("F60000000006").element.pattern == "\\d{5}"  # type: ignore[union-attr]
    street = spec.element_at("G60000000088.G60000000086.F60000000243")
    assert street is not None
    assert (street.element.min_length, street.element.max_length) == (1, 55)
    address = spec.element_at("G60000000088")
    assert address is not None
    assert (address.min, address.max) == (1, None)
    note = spec.element_at("F60000000008")
    assert note is not None
    assert note.element.datatype == "label"
    assert note.element.content == "Bitte vollständig ausfüllen."  # type: ignore[union-attr]


def test_xdf3_rules_are_recognised_in_their_scope(tmp_path: Path, xsd_dir: Path) -> None:
    write(tmp_path, GENERICODE, "anrede_genericode.xml")
    rules = {r.key: r for r in parse_fim(write(tmp_path, full_schema()), xsd_dir=xsd_dir).spec.rules}

    either = rules["R60000000019"]
    assert either.kind == "check"
    assert either.scope == "G60000000088"  # a rule of the repeating group: checked per address
    assert either.when == {
        "any": [
            {"field": "G60000000086", "op": "filled"},
            {"field": "G60000000087", "op": "filled"},
        ]
    }
    assert either.targets == ("G60000000086",)
    assert "Straßenanschrift" in either.message
    assert "Postfachanschrift" in either.message

    require = rules["R60000000020"]
    assert (require.kind, require.scope) == ("require", "")
    assert require.when == {"field": "F60000000001", "op": "eq", "value": "02"}
    assert require.targets == ("G60000000090",)
    assert require.fim.version == "1.0.0"

    prose = rules["R60000000021"]
    assert prose.kind == "info"
    assert prose.when is None
    assert prose.description == "Die Angaben werden vertraulich behandelt."


def test_inline_values_need_no_file_but_a_missing_genericode_is_an_error_when_strict(
    tmp_path: Path, xsd_dir: Path
) -> None:
    with pytest.raises(FimImportError) as caught:  # no anrede_genericode.xml beside it
        parse_fim(write(tmp_path, full_schema()), xsd_dir=xsd_dir, allow_missing_code_lists=False)

    assert "urn:de:test:codeliste:anrede_1" in str(caught.value)
    assert "schema.xml, Zeile" in str(caught.value)


def test_duplicate_inline_values_are_rejected(tmp_path: Path, xsd_dir: Path) -> None:
    doubled = ART_VALUES.replace("<xdf:code>02</xdf:code>", "<xdf:code>01</xdf:code>")
    text = schema(("1:1", field("F60000000001", "Art", feldart="select", extra=doubled)))

    with pytest.raises(FimImportError, match="„01“ steht zweimal in der Werteliste"):
        parse_fim(write(tmp_path, text), xsd_dir=xsd_dir)


def test_an_unknown_feldart_becomes_a_text_input_with_a_note(tmp_path: Path, xsd_dir: Path) -> None:
    text = schema(("0:1", field("F60000000001", "Aktenzeichen", feldart="hidden")))

    document = parse_fim(write(tmp_path, text), xsd_dir=xsd_dir)

    found = document.spec.element_at("F60000000001")
    assert found is not None
    assert found.element.input == "input"
    assert any("hidden" in w for w in document.warnings)


def test_the_same_element_twice_among_siblings_gets_a_suffix(tmp_path: Path, xsd_dir: Path) -> None:
    text = schema(("1:1", field("F60000000001", "Name")), ("0:1", field("F60000000001", "Name")))

    spec = parse_fim(write(tmp_path, text), xsd_dir=xsd_dir).spec

    assert [c.key for c in spec.root.children] == ["F60000000001", "F60000000001_2"]
    assert [c.min for c in spec.root.children] == [1, 0]


def test_a_cardinality_the_xsd_allows_but_that_makes_no_sense_is_rejected(
    tmp_path: Path, xsd_dir: Path
) -> None:
    text = schema(("3:1", field("F60000000001", "Name")))

    with pytest.raises(FimImportError, match="Ungültige Anzahl „3:1“") as caught:
        parse_fim(write(tmp_path, text), xsd_dir=xsd_dir)
    assert caught.value.line is not None


def test_a_datenfeldgruppe_message_imports_as_a_form(tmp_path: Path, xsd_dir: Path) -> None:
    body = group("G60000000088", "Anschrift", ("1:1", field("F60000000243", "Straße")))
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.datenfeldgruppe.0103 xmlns:xdf="{NS}">
  <xdf:header><xdf:nachrichtID>x</xdf:nachrichtID>
  <xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  {body}
</xdf:xdatenfelder.datenfeldgruppe.0103>"""

    spec = parse_fim(write(tmp_path, text), xsd_dir=xsd_dir).spec

    assert (spec.key, spec.version, spec.title) == ("G60000000088", "1.0.0", "Anschrift")
    assert [p for p, _f in spec.fields()] == ["F60000000243"]


def test_an_invalid_freigabestatus_is_rejected(tmp_path: Path, xsd_dir: Path) -> None:
    text = schema(("1:1", field("F60000000001", "Name"))).replace("<code>6</code>", "<code>10</code>", 1)

    with pytest.raises(FimImportError, match="Ungültiger Freigabestatus „10“") as caught:
        parse_fim(write(tmp_path, text), xsd_dir=xsd_dir)
    assert caught.value.line is not None


def test_an_empty_id_is_rejected_with_its_line(tmp_path: Path, xsd_dir: Path) -> None:
    text = schema(("1:1", field("F60000000001", "Name"))).replace(
        "<xdf:id>F60000000001</xdf:id>", "<xdf:id></xdf:id>"
    )

    with pytest.raises(FimImportError, match="keine Kennung") as caught:
        parse_fim(write(tmp_path, text), xsd_dir=xsd_dir)
    line = text.splitlines().index(next(x for x in text.splitlines() if "<xdf:id></xdf:id>" in x)) + 1
    assert caught.value.line == line


def test_a_leika_key_in_the_legal_reference_is_recorded(tmp_path: Path, xsd_dir: Path) -> None:
    text = schema(("1:1", field("F60000000001", "Name")), bezug="Leistung 99 050 012 104 000, GewO § 14")

    spec = parse_fim(write(tmp_path, text), xsd_dir=xsd_dir).spec

    assert spec.leika_keys == ("99050012104000",)
    assert "GewO § 14" in spec.legal_basis


def test_an_unknown_datatype_becomes_text_with_a_note_never_a_crash(tmp_path: Path) -> None:
    # A newer standard may add data types the XSD we have does not know; the builder must cope.
    text = schema(("1:1", field("F60000000001", "Koordinate", datentyp="geo")))
    tree = parse_bytes(text.encode(), "neu.xml")

    result = Xdf3Builder(tree, name="neu.xml", folder=None).build()

    found = result.spec.element_at("F60000000001")
    assert found is not None
    assert found.element.datatype == "text"
    assert any("unbekannter Datentyp „geo“" in w for w in result.warnings)


def test_a_datenfeld_message_imports_as_a_form_with_one_field(tmp_path: Path, xsd_dir: Path) -> None:
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.datenfeld.0104 xmlns:xdf="{NS}">
  <xdf:header><xdf:nachrichtID>x</xdf:nachrichtID>
  <xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  {field("F60000000243", "Straße")}
</xdf:xdatenfelder.datenfeld.0104>"""

    spec = parse_fim(write(tmp_path, text), xsd_dir=xsd_dir).spec

    assert (spec.key, spec.title) == ("F60000000243", "Straße")
    only = spec.element_at("F60000000243")
    assert only is not None
    assert (only.min, only.max, only.element.datatype) == (1, 1, "text")


def test_the_imported_rules_are_enforced_by_the_form_validator(tmp_path: Path, xsd_dir: Path) -> None:
    write(tmp_path, GENERICODE, "anrede_genericode.xml")
    spec = parse_fim(write(tmp_path, full_schema()), xsd_dir=xsd_dir).spec
    base = {
        "F60000000001": "01",
        "F60000000002": "02",
        "F60000000003": 3,
        "F60000000006": "48653",
        "G60000000088": [{"G60000000086": {"F60000000243": "Markt 1"}}],
    }

    assert validate(spec, base) == []
    no_address = {**base, "G60000000088": [{}]}
    assert any("mindestens eine dieser Angaben" in e.message for e in validate(spec, no_address))
    moved = {**base, "F60000000001": "02"}  # "Ummeldung": the former address becomes required
    assert [e.path for e in validate(spec, moved)] == ["G60000000090"]
    assert validate(spec, {**moved, "G60000000090": {"F60000000007": "Dülmen"}}) == []


@pytest.mark.django_db
def test_without_service_option_the_form_is_linked_by_the_leika_key_in_the_schema(
    tmp_path: Path, xsd_dir: Path
) -> None:
    kreis = KreisFactory()
    ServiceFactory(owner=kreis, name="Andere Leistung", leika_key="99050012099000")
    service = ServiceFactory(owner=kreis, name="Gewerbeanmeldung", leika_key="99050012104000")
    text = schema(("1:1", field("F60000000001", "Name")), bezug="LeiKa 99050012104000")

    result = import_fim(write(tmp_path, text), xsd_dir=xsd_dir)

    assert result.service == service
    assert result.version.form.service == service
    assert result.version.fim_standard == "xdf3"


@pytest.mark.django_db
def test_a_schema_without_a_known_leika_key_stays_unlinked(tmp_path: Path, xsd_dir: Path) -> None:
    KreisFactory()
    text = schema(("1:1", field("F60000000001", "Name")), bezug="LeiKa 99050012104000")

    result = import_fim(write(tmp_path, text), xsd_dir=xsd_dir)

    assert result.version.form.service is None


def test_inhalt_preselects_a_code_or_prefills_an_input(tmp_path: Path, xsd_dir: Path) -> None:
    text = schema(
        ("1:1", field("F60000000001", "Art", feldart="select", extra=ART_VALUES, inhalt="02")),
        ("1:1", field("F60000000002", "Anzahl", datentyp="num_int", inhalt="3")),
        ("1:1", field("F60000000003", "Zustimmung", datentyp="bool", inhalt="true")),
        ("1:1", field("F60000000004", "Betrag", datentyp="num_currency", inhalt="zehn")),
    )

    document = parse_fim(write(tmp_path, text), xsd_dir=xsd_dir)

    defaults = [c.element.default for c in document.spec.root.children]  # type: ignore[union-attr]
    assert defaults == ["02", 3, True, None]
    assert any("„zehn“ passt nicht zum Datentyp" in w for w in document.warnings)
