"""Broken JSON and YAML files are explained in German, never in the parser's English."""

from __future__ import annotations

import pytest

from amtsweg.forms.definition import DefinitionError, definition_loads

ENGLISH = ("Expecting", "delimiter", "mapping values", "found character", "expected", "alias", "constructor")


@pytest.mark.parametrize(
    ("name", "text", "german"),
    [
        ("a.json", '{"key" "x"}', "Zeile 1, Spalte 8): nach dem Namen fehlt ein Doppelpunkt"),
        ("a.json", '{"key": "x" "fields": []}', "zwischen zwei Einträgen fehlt ein Komma"),
        ("a.json", "{key: 1}", "ein Name muss in doppelten Anführungszeichen stehen"),
        ("a.json", '{"key": "x",}', "nach dem letzten Eintrag steht ein Komma zu viel"),
        ("a.json", '{"key": "x', "ein Text wird nicht mit einem Anführungszeichen beendet"),
        ("a.json", '{"key": "x"} und mehr', "nach dem Ende der Daten folgt weiterer Text"),
        ("a.yaml", "key: a: b", "ein Doppelpunkt steht an einer Stelle, an der kein Name erwartet wird"),
        (
            "a.yaml",
            "key: x\nfields:\n\t- a",
            "ein Tabulator rückt ein; YAML erlaubt zum Einrücken nur Leerzeichen",
        ),
        ("a.yaml", "key: @x", "das Zeichen „@“ darf hier keinen Wert beginnen"),
        ("a.yaml", "key: x\nfields: [a, b", "eine Liste oder Zuordnung in Klammern wird nicht geschlossen"),
        ("a.yaml", "key: 'x", "die Datei endet, bevor ein Text oder eine Liste geschlossen ist"),
        ("a.yaml", "- a\nkey: 1", "die Einrückung passt nicht zur Zeile darüber"),
        ("a.yaml", "key: !!python/object/apply:os.system ['true']", "Typangaben mit „!“"),
    ],
)
def test_a_broken_definition_file_says_in_german_what_is_wrong(name: str, text: str, german: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        definition_loads(text, name=name, json_format=name.endswith(".json"))
    message = caught.value.message
    assert german in message
    assert not [word for word in ENGLISH if word in message], message
