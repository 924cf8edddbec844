"""The synthetic flxbe fixtures, one decision per file.

They were written for a lenient parser; the importer validates against the official XSD first, so a file
whose element order the XSD forbids is refused with the XSD's reason and line even where the fixture
meant it as valid (``simple.xml``, ``select.xml``, ``data-field-rule.xml``; ``minimal.xml`` has an empty
``freigabedatum``, which ``xs:date`` does not allow). The xdf 3 fixtures all violate the 3.0.0 XSD.
"""

from __future__ import annotations

import pytest

from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import parse_fim
from amtsweg.testing import shared_data

REFUSED = {
    # file: (line, words of the message)
    ("flxbe_v2", "data-field-rule.xml"): (
        60,
        "unerwartetes Element „xdf:regel“ in „xdf:datenfeld“, erwartet wurde „xdf:praezisierung“",
    ),
    ("flxbe_v2", "duplicate-optional-value.xml"): (
        15,
        "unerwartetes Element „xdf:beschreibung“ in „xdf:stammdatenschema“",
    ),
    ("flxbe_v2", "duplicate-required-value.xml"): (
        13,
        "unerwartetes Element „xdf:name“ in „xdf:stammdatenschema“",
    ),
    ("flxbe_v2", "minimal.xml"): (22, "„“ in „xdf:freigabedatum“ ist kein gültiges Datum"),
    ("flxbe_v2", "select.xml"): (60, "unerwartetes Element „xdf:codelisteReferenz“ in „xdf:datenfeld“"),
    ("flxbe_v2", "simple.xml"): (100, "unerwartetes Element „xdf:gueltigAb“ in „xdf:datenfeld“"),
    ("flxbe_v2", "unknown-namespace.xml"): (
        2,
        "Unbekannter Namensraum „urn:xoev-de:fim:standard:xdatenfelder_unknown“",
    ),
    ("flxbe_v3", "duplicate-id-node.xml"): (11, "unerwartetes Element „xdf:id“ in „xdf:identifikation“"),
    ("flxbe_v3", "empty-id-node.xml"): (
        8,
        "in „xdf:datenfeldgruppe“ fehlt das Pflichtelement „xdf:struktur“",
    ),
    ("flxbe_v3", "input.xml"): (55, "unerwartetes Element „xdf:codelisteReferenz“ in „xdf:datenfeld“"),
    ("flxbe_v3", "invalid-freigabestatus.xml"): (8, "fehlt das Pflichtelement „xdf:struktur“"),
    ("flxbe_v3", "missing-id-node.xml"): (
        10,
        "unerwartetes Element „xdf:version“ in „xdf:identifikation“, erwartet wurde „xdf:id“",
    ),
    ("flxbe_v3", "simple.xml"): (41, "an „xdf:praedikat“ fehlt das Pflichtattribut „listVersionID“"),
    ("flxbe_v3", "unexpected-node.xml"): (11, "unerwartetes Element „xdf:unknown“ in „xdf:identifikation“"),
    ("flxbe_v3", "unknown-namespace.xml"): (
        3,
        "Unbekannter Namensraum „urn:xoev-de:fim:standard:xdatenfelder_unknown“",
    ),
}


@pytest.mark.parametrize(("folder", "name"), sorted(REFUSED))
def test_invalid_fixtures_are_refused_with_file_line_and_reason(folder: str, name: str) -> None:
    line, words = REFUSED[(folder, name)]

    with pytest.raises(FimImportError) as caught:
        parse_fim(shared_data("fim", "synthetic", folder, name))

    assert caught.value.file == name
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{name}, Zeile {line}: ")


def test_label_fixture_imports_a_static_text() -> None:
    spec = parse_fim(shared_data("fim", "synthetic", "flxbe_v2", "label.xml")).spec

    assert (spec.key, spec.version, spec.fim_standard, spec.description) == (
        "T1234",
        "1.0",
        "xdf2",
        "Eine Beschreibung",
    )
    child = spec.element_at("F123")
    assert child is not None
    assert child.min == 0
    assert (child.element.datatype, child.element.content) == ("label", "Hinweis Inhalt")  # type: ignore[union-attr]


def test_rule_fixture_keeps_the_schema_rule_as_a_note() -> None:
    spec = parse_fim(shared_data("fim", "synthetic", "flxbe_v2", "rule.xml")).spec

    (rule,) = spec.rules
    assert (rule.key, rule.name, rule.kind, rule.scope) == ("R60000037", "MindestEineAngabe", "info", "")
    assert (rule.fim.id, rule.fim.version) == ("R60000037", "1.2")
    assert rule.description == "Eine Definition"  # the empty script stub is not kept


def test_group_rule_fixture_scopes_the_rule_to_its_group() -> None:
    spec = parse_fim(shared_data("fim", "synthetic", "flxbe_v2", "data-group-rule.xml")).spec

    group = spec.element_at("G00000082")
    assert group is not None
    assert group.element.label == "Natürliche Person"
    assert [r.scope for r in spec.rules] == ["G00000082"]
