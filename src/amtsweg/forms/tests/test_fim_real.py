"""The real FIM schemas in the reference data: nothing dropped, code lists resolved, rules represented.

Expected numbers are counted independently from the XML with lxml, so a test fails when the importer
loses an element; the documented numbers (README of the reference data) are asserted as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import parse_fim
from amtsweg.forms.spec import FieldSpec, FormSpec
from amtsweg.testing import shared_data

XDF2 = {"x": "urn:xoev-de:fim:standard:xdatenfelder_2"}


@pytest.fixture
def gewerbe() -> Path:
    return shared_data("fim", "real", "gewerbeanmeldung_S00000009", "S00000009_xdatenfelder.xml")


@pytest.fixture
def bewohnerparken() -> Path:
    return shared_data("fim", "real", "bewohnerparken_S05000058", "S05000058V1.0_xdf2.xml")


def distinct_ids(path: Path, tag: str) -> set[str]:
    tree = etree.parse(str(path))
    return {
        (e.findtext("x:identifikation/x:id", namespaces=XDF2) or "").strip()
        for e in tree.iterfind(f".//x:{tag}", XDF2)
    }


def occurrences(path: Path, tag: str) -> int:
    return sum(1 for _e in etree.parse(str(path)).iterfind(f".//x:{tag}", XDF2))


def spec_ids(spec: FormSpec, kind: str) -> set[str]:
    items = spec.fields() if kind == "field" else spec.groups()
    return {element.fim.id for _path, element in items}


def test_gewerbeanmeldung_keeps_every_field_group_and_code_list_reference(gewerbe: Path) -> None:
    document = parse_fim(gewerbe, allow_missing_code_lists=True)
    spec = document.spec

    xml_fields, xml_groups = distinct_ids(gewerbe, "datenfeld"), distinct_ids(gewerbe, "datenfeldgruppe")
    xml_lists = distinct_ids(gewerbe, "codelisteReferenz")
    assert spec_ids(spec, "field") == xml_fields
    assert spec_ids(spec, "group") == xml_groups
    assert set(spec.code_lists) == xml_lists
    # every occurrence is in the tree, too (the schema reuses groups, e.g. the person for each partner)
    assert len(spec.fields()) == occurrences(gewerbe, "datenfeld")
    assert len(spec.groups()) == occurrences(gewerbe, "datenfeldgruppe")
    referencing = {
        (e.getparent().findtext("x:identifikation/x:id", namespaces=XDF2) or "").strip()
        for e in etree.parse(str(gewerbe)).iterfind(".//x:codelisteReferenz", XDF2)
    }
    assert sum(1 for _p, f in spec.fields() if f.fim.id in referencing) == occurrences(
        gewerbe, "codelisteReferenz"
    )

    # the numbers documented for this schema: 53 fields, 26 groups, 15 code list references (9 lists)
    assert (len(xml_fields), len(xml_groups)) == (53, 26)
    assert occurrences(gewerbe, "codelisteReferenz") == 15
    assert len(spec.code_lists) == 9

    assert (spec.key, spec.fim.id, spec.fim_standard, spec.title) == (
        "S00000009",
        "S00000009",
        "xdf2",
        "Gewerbe Anmeldung",
    )
    assert spec.fim.version == ""  # the file has no version; the stored version says so
    assert spec.version == "0-2018-12-06"


def test_gewerbeanmeldung_maps_types_and_precisions(gewerbe: Path) -> None:
    spec = parse_fim(gewerbe, allow_missing_code_lists=True).spec
    by_id: dict[str, FieldSpec] = {f.fim.id: f for _p, f in spec.fields()}

    day = by_id["F00000440"]  # num_int with praezisierung "1..31"
    assert (day.datatype, day.min_value, day.max_value) == ("integer", "1", "31")
    year = by_id["F00000204"]  # {"minValue":"1850","maxValue":"2025"}
    assert (year.min_value, year.max_value) == ("1850", "2025")
    postcode = by_id["F00000054"]  # text with the bare length "5"
    assert postcode.max_length == 5
    community = by_id["F00000152"]
    assert (community.min_length, community.max_length) == (1, 50)
    assert community.label == "Name der entgegennehmenden Gemeinde"
    assert community.help.startswith("Hier ist der Name der entgegennehmenden Gemeinde")
    assert community.fim.version == "1.0"
    notice = by_id["F00000148"]
    assert (notice.datatype, notice.input) == ("label", "label")
    assert notice.content == "Gewerbe-Anmeldung nach § 14 GewO oder § 55 c GewO"
    assert by_id["F00000457"].pattern is None  # "Codeliste Regionalschlüssel" is prose, not a pattern
    assert {f.datatype for f in by_id.values()} >= {"text", "integer", "bool", "date", "number", "label"}
    # a repeating group: "1:*" and "0:*" become max None
    assert any(c.max is None for _p, c in spec.iter_elements())


def test_gewerbeanmeldung_without_its_code_lists_names_the_missing_list(gewerbe: Path) -> None:
    with pytest.raises(FimImportError) as caught:
        parse_fim(gewerbe, allow_missing_code_lists=False)

    message = str(caught.value)
    assert "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags_2018-01-31" in message
    assert message.startswith("S00000009_xdatenfelder.xml, Zeile 115:")


def test_bewohnerparken_resolves_its_genericode_lists_with_their_entries(bewohnerparken: Path) -> None:
    spec = parse_fim(bewohnerparken).spec

    xml_lists = distinct_ids(bewohnerparken, "codelisteReferenz")
    assert (
        set(spec.code_lists)
        == xml_lists
        == {
            "C05000073",
            "C05000103",
            "C05000108",
            "C05000112",
            "C05000125",
            "C60000016",
        }
    )
    assert spec_ids(spec, "field") == distinct_ids(bewohnerparken, "datenfeld")
    assert spec_ids(spec, "group") == distinct_ids(bewohnerparken, "datenfeldgruppe")
    holder = spec.code_lists["C05000103"]
    assert [(e.code, e.label) for e in holder.entries] == [
        ("01", "Das Fahrzeug ist auf meinen Namen zugelassen."),
        ("02", "Das Fahrzeug ist auf einen anderen Halter zugelassen."),
    ]
    assert holder.version == "Halterdaten_0.1"
    states = spec.code_lists["C60000016"]
    assert states.uri == "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat"
    assert states.entries[0].code == "000"
    assert states.entries[0].label
    assert len(states.entries) == etree.parse(
        str(bewohnerparken.parent / "C60000016_genericode.xml")
    ).getroot().xpath("count(//*[local-name()='Row'])")
    selects = [f for _p, f in spec.fields() if f.code_list]
    assert selects
    assert all(f.input == "select" for f in selects)
    # the postcode pattern with a Unicode letter class (\p{L}) is kept in a form Python can check
    assert all(f.pattern is None or "\\p" not in f.pattern for _p, f in spec.fields())


def test_bewohnerparken_rules_become_require_rules(bewohnerparken: Path) -> None:
    spec = parse_fim(bewohnerparken).spec

    rules = {r.fim.id: r for r in spec.rules}
    assert set(rules) == distinct_ids(bewohnerparken, "regel") == {"R05000281", "R05000334"}
    holder = rules["R05000281"]
    assert holder.kind == "require"
    assert holder.when is not None
    assert holder.when["op"] == "eq"
    assert holder.when["value"] == "02"
    condition = spec.element_at(f"{holder.scope}.{holder.when['field']}".strip("."))
    assert condition is not None
    assert condition.element.fim.id == "F05001047"
    target = spec.element_at(f"{holder.scope}.{holder.targets[0]}".strip("."))
    assert target is not None
    assert target.element.fim.id == "G05000499"
    assert "zur Pflichtangabe" in holder.description
    renewal = rules["R05000334"]
    assert renewal.kind == "require"
    assert renewal.when == {"field": "F05001347", "op": "eq", "value": "02"}
    scope_group = spec.element_at(renewal.scope)
    assert scope_group is not None
    assert scope_group.element.fim.id == "G05000493"
