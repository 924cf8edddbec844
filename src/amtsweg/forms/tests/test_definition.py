"""Hand-written definitions: precise German errors, steps, conditions, and the import command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from amtsweg.catalog.services import service_create
from amtsweg.core.models import AuditEntry
from amtsweg.forms.conditions import condition_errors, evaluate
from amtsweg.forms.definition import DefinitionError, definition_load, definition_loads, definition_parse
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.spec import FormSpec, StepSpec
from amtsweg.forms.steps import step_field_paths, step_of, step_paths, steps_for
from amtsweg.tenants.models import Authority

MINIMAL = """
key: antrag
version: "1"
title: Antrag
fields:
  - {key: name, label: Name, required: true}
"""


def problems(data: Any) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        definition_parse(data, source="antrag.yaml")
    return [f"{p.path}: {p.reason}" for p in caught.value.problems]


def base(**changes: Any) -> dict[str, Any]:
    return {
        "key": "antrag",
        "version": "1",
        "title": "Antrag",
        "fields": [{"key": "name", "label": "Name"}],
    } | changes


def test_minimal_definition() -> None:
    loaded = definition_loads(MINIMAL, name="antrag.yaml")
    spec = loaded.spec
    assert (spec.key, spec.version, spec.title) == ("antrag", "1", "Antrag")
    child = spec.root.child("name")
    assert child is not None
    assert child.required
    assert child.element.label == "Name"
    assert loaded.source_name == "antrag.yaml"
    assert len(loaded.sha256) == 64


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(DefinitionError) as caught:
        definition_loads("key: a\nfields: [\n  - x", name="kaputt.yaml")
    assert caught.value.message.startswith("kaputt.yaml: (Datei): Kein gültiges YAML (Zeile 3")


def test_yaml_tags_are_not_executed() -> None:
    with pytest.raises(DefinitionError) as caught:
        definition_loads("key: !!python/object/apply:os.system ['true']", name="boese.yaml")
    assert "Kein gültiges YAML" in caught.value.message


def test_json_files_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "antrag.json"
    path.write_text(json.dumps(base()), encoding="utf-8")
    assert definition_load(path).spec.key == "antrag"
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(DefinitionError, match="nicht in UTF-8"):
        definition_load(path)
    with pytest.raises(DefinitionError, match="lässt sich nicht lesen"):
        definition_load(tmp_path / "fehlt.yaml")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], [": Die Definition muss ein Objekt"]),
        (base(version=1.0), ['version: Die Version bitte in Anführungszeichen schreiben (z. B. "1.0")']),
        (base(key="Mein Antrag"), ["key: Nur Kleinbuchstaben"]),
        (base(title=None), ["title: Angabe fehlt."]),
        (base(farbe="rot"), ["farbe: Unbekannte Angabe „farbe“"]),
        (base(fields=[{"key": "name"}]), ["fields[0].label: Angabe fehlt."]),
        (base(fields=[{"key": "Name", "label": "N"}]), ["fields[0].key: „Name“: nur Kleinbuchstaben"]),
        (
            base(fields=[{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]),
            ["fields[1].key: Das Kürzel „a“ gibt es auf dieser Ebene zweimal."],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "type": "farbe"}]),
            ["fields[0].type: Unbekannter Typ „farbe“"],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "options": "fehlt"}]),
            ["fields[0].options: Die Liste „fehlt“"],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "options": {1: "Eins"}}]),
            ['fields[0].options.1: Der Code 1 muss in Anführungszeichen stehen (z. B. "01")'],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "pattern": "[0-9"}]),
            ["fields[0].pattern: Das Muster ist kein"],
        ),
        (base(fields=[{"key": "a", "label": "A", "input": "select"}]), ["fields[0].options: Eine Auswahl"]),
        (
            base(fields=[{"key": "a", "label": "A", "type": "integer", "min": 5, "max": 1}]),
            ["fields[0].max: max ist kleiner als min."],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "type": "date", "min": "1.1.2020"}]),
            ["fields[0].min: Erwartet"],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "repeat": {"min": 3, "max": 2}}]),
            ["fields[0].repeat.max: max ist kleiner als min."],
        ),
        (
            base(fields=[{"key": "a", "label": "A", "confirm": True}]),
            ["fields[0].confirm: confirm gibt es nur"],
        ),
        (base(fields=[{"key": "g", "label": "G", "fields": []}]), ["fields[0].fields: Eine Gruppe braucht"]),
        (
            base(
                rules=[
                    {"key": "r", "when": {"field": "name", "op": "gleich", "value": "x"}, "targets": ["name"]}
                ]
            ),
            ["rules[0].when: when: Unbekannter Vergleich „gleich“"],
        ),
        (
            base(rules=[{"key": "r", "when": {"field": "alter", "op": "filled"}, "targets": ["name"]}]),
            ["rules[0].when: when: Das Feld „alter“ gibt es in der Gruppe „Antrag“ nicht."],
        ),
        (
            base(rules=[{"key": "r", "when": {"field": "name", "op": "filled"}, "targets": ["alter"]}]),
            ["rules[0].targets: Das Ziel „alter“ gibt es in der Gruppe „Antrag“ nicht."],
        ),
        (
            base(rules=[{"key": "r", "kind": "check", "when": {"field": "name", "op": "filled"}}]),
            ["rules[0].message: Eine Prüfregel braucht eine Meldung"],
        ),
        (
            base(rules=[{"key": "r", "kind": "vielleicht"}]),
            ["rules[0].kind: Unbekannte Regelart „vielleicht“"],
        ),
        (
            base(
                rules=[
                    {
                        "key": "r",
                        "scope": "kinder",
                        "when": {"field": "name", "op": "filled"},
                        "targets": ["x"],
                    }
                ]
            ),
            ["rules[0].scope: Die Gruppe „kinder“ gibt es nicht."],
        ),
        (
            base(steps=[{"key": "s", "title": "S", "fields": ["alter", "name"]}]),
            ["steps[0].fields: „alter“ ist kein Feld"],
        ),
        (
            base(
                fields=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
                steps=[{"key": "s", "title": "S", "fields": ["a"]}],
            ),
            ["steps: Diese Felder oder Gruppen stehen in keinem Schritt: b."],
        ),
    ],
)
def test_errors_name_path_and_reason(data: Any, expected: list[str]) -> None:
    found = problems(data)
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start) or start in line, (line, start)


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(DefinitionError) as caught:
        definition_parse(base(key="A B", title="", fields=[{"key": "x"}]), source="antrag.yaml")
    lines = caught.value.message.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("antrag.yaml: ") for line in lines)


def test_readable_definition_features() -> None:
    spec = definition_parse(
        base(
            fields=[
                {"key": "art", "label": "Art", "options": ["Neu", "Änderung"]},
                {
                    "key": "stufe",
                    "label": "Stufe",
                    "options": [{"code": "1", "label": "eins"}],
                    "input": "radio",
                },
                {"key": "ok", "label": "OK", "type": "bool"},
                {"key": "datei", "label": "Datei", "type": "file"},
                {"key": "info", "type": "label", "content": "Hinweis"},
                {"key": "kinder", "label": "Kind", "repeat": True, "fields": [{"key": "n", "label": "N"}]},
                {
                    "key": "adresse",
                    "label": "Adresse",
                    "fields": [{"key": "ort", "label": "Ort", "required": True}],
                },
                {
                    "key": "optional",
                    "label": "Opt",
                    "required": False,
                    "fields": [{"key": "o", "label": "O", "required": True}],
                },
            ],
            leika="99107023037000",
        )
    )[0]
    fields = dict(spec.fields())
    assert fields["art"].input == "select"
    assert [e.code for e in spec.code_lists["art"].entries] == ["Neu", "Änderung"]
    assert fields["stufe"].input == "radio"
    assert (fields["ok"].input, fields["datei"].input, fields["info"].input) == ("checkbox", "file", "label")
    kinder = spec.root.child("kinder")
    assert kinder is not None
    assert (kinder.min, kinder.max) == (0, None)
    adresse = spec.root.child("adresse")
    optional = spec.root.child("optional")
    assert adresse is not None
    assert adresse.required
    assert optional is not None
    assert not optional.required
    assert spec.leika_keys == ("99107023037000",)


def test_spec_round_trip() -> None:
    spec = definition_loads(MINIMAL, name="a.yaml").spec
    assert FormSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


# ---- conditions -----------------------------------------------------------------------------------


def test_condition_checks() -> None:
    spec = definition_parse(
        base(
            code_lists={"art": {"name": "Art", "entries": {"01": "a"}}},
            fields=[
                {"key": "art", "label": "Art", "options": "art"},
                {"key": "betrag", "label": "Betrag", "type": "number"},
                {"key": "kinder", "label": "K", "repeat": True, "fields": [{"key": "n", "label": "N"}]},
            ],
        )
    )[0]
    root = spec.root
    assert condition_errors({"field": "art", "op": "eq", "value": "01"}, root, spec.code_lists) == []
    assert condition_errors({"field": "art", "op": "eq", "value": "09"}, root, spec.code_lists) == [
        "when: „09“ ist kein Code der Liste „Art“."
    ]
    assert condition_errors({"field": "betrag", "op": "gt"}, root) == [
        "when: „gt“ braucht genau eines von „value“ oder „other“."
    ]
    assert "wiederholbaren Gruppe" in condition_errors({"field": "kinder.n", "op": "filled"}, root)[0]
    assert condition_errors({"all": []}, root) == [
        "when: „all“ braucht eine nicht leere Liste von Bedingungen."
    ]
    assert condition_errors("art", root) == ["when: Eine Bedingung muss ein Objekt sein."]
    deep: dict[str, Any] = {"field": "art", "op": "filled"}
    for _ in range(30):
        deep = {"not": deep}
    assert "zu tief" in condition_errors(deep, root)[0]


@pytest.mark.parametrize(
    ("condition", "data", "expected"),
    [
        ({"field": "a", "op": "eq", "value": "x"}, {"a": "x"}, True),
        ({"field": "a", "op": "eq", "value": 1}, {"a": True}, False),
        ({"field": "a", "op": "in", "value": ["x", "y"]}, {"a": ["z", "y"]}, True),
        ({"field": "a", "op": "gt", "value": 5}, {"a": 7}, True),
        ({"field": "a", "op": "gt", "value": 5}, {}, None),
        ({"field": "a", "op": "lt", "other": "b"}, {"a": "2020-01-01", "b": "2021-01-01"}, True),
        ({"field": "a", "op": "lt", "other": "b"}, {"a": 3, "b": "x"}, None),
        ({"all": [{"field": "a", "op": "filled"}, {"field": "b", "op": "gt", "value": 1}]}, {"a": 1}, None),
        ({"any": [{"field": "a", "op": "filled"}, {"field": "b", "op": "gt", "value": 1}]}, {"a": 1}, True),
        ({"not": {"field": "a", "op": "gt", "value": 1}}, {}, None),
        ({"field": "g.a", "op": "true"}, {"g": {"a": True}}, True),
        ({"field": "a", "op": "filled"}, {"a": "  "}, False),
        ({"field": "a", "op": "weird"}, {"a": 1}, None),
    ],
)
def test_condition_evaluation_is_three_valued(
    condition: dict[str, Any], data: Any, expected: bool | None
) -> None:
    assert evaluate(condition, data) is expected


# ---- steps ------------------------------------------------------------------------------------------


def test_derived_steps() -> None:
    spec = definition_parse(
        base(
            fields=[
                {"key": "a", "label": "A"},
                {"key": "b", "label": "B"},
                {"key": "g", "label": "Gruppe G", "fields": [{"key": "x", "label": "X"}]},
                {"key": "c", "label": "Feld C"},
                {"key": "h", "label": "Gruppe H", "fields": [{"key": "y", "label": "Y"}]},
            ]
        )
    )[0]
    steps = steps_for(spec)
    assert [(s.key, s.title, s.children) for s in steps] == [
        ("angaben", "Allgemeine Angaben", ("a", "b")),
        ("g", "Gruppe G", ("g",)),
        ("angaben-2", "Feld C", ("c",)),
        ("h", "Gruppe H", ("h",)),
    ]
    assert step_paths(steps[1]) == {"g"}
    assert step_field_paths(spec, steps[1]) == ["g.x"]
    assert step_of(spec, "h[0].y") == steps[3]


def test_configured_steps_keep_their_order() -> None:
    spec = definition_parse(
        base(
            fields=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
            steps=[
                {"key": "zwei", "title": "Zwei", "fields": ["b"]},
                {"key": "eins", "title": "Eins", "fields": ["a"]},
            ],
        )
    )[0]
    assert steps_for(spec) == [StepSpec("zwei", "Zwei", ("b",)), StepSpec("eins", "Eins", ("a",))]


# ---- the command ------------------------------------------------------------------------------------


@pytest.fixture
def kreis(db: None) -> Authority:
    from django.conf import settings

    return Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags=settings.AMTSWEG_KREIS_AGS,
    )


def test_command_imports_publishes_and_refuses_the_same_version_twice(
    kreis: Authority, tmp_path: Path
) -> None:
    service = service_create(
        actor=None,
        data={"owner": kreis, "name": "Wohngeld", "short_text": "Zuschuss.", "leika_key": "99107023037000"},
    )
    path = tmp_path / "antrag.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    out = StringIO()
    call_command("import-form-definition", str(path), "--service", "99107023037000", "--publish", stdout=out)
    assert "Formular „Antrag“ (antrag) Version 1 gespeichert: 1 Felder" in out.getvalue()
    version = FormVersion.objects.get(form__key="antrag")
    assert version.status == FormVersion.Status.PUBLISHED
    assert version.form.service == service
    assert version.form.source == Form.Source.DEFINITION
    assert version.json_schema["$id"] == "urn:amtsweg:form:antrag:1"
    assert AuditEntry.objects.filter(action="form.version_published").count() == 1
    with pytest.raises(CommandError, match="gibt es in Version 1 schon"):
        call_command("import-form-definition", str(path), stdout=StringIO())
    assert FormVersion.objects.count() == 1


def test_command_rejects_a_broken_file_and_stores_nothing(kreis: Authority, tmp_path: Path) -> None:
    path = tmp_path / "kaputt.yaml"
    path.write_text(MINIMAL.replace("label: Name", "label: Name, farbe: rot"), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import-form-definition", str(path), stdout=StringIO())
    assert "kaputt.yaml: fields[0].farbe: Unbekannte Angabe „farbe“" in str(caught.value)
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(CommandError, match="Leistung „gibt-es-nicht“"):
        call_command("import-form-definition", str(path), "--service", "gibt-es-nicht", stdout=StringIO())
    assert not Form.objects.exists()
