"""The JSON Schema compiler: a valid 2020-12 schema that says what the form says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from amtsweg.forms.definition import definition_load, definition_parse
from amtsweg.forms.schema import compile_json_schema, condition_schema
from amtsweg.forms.spec import FormSpec

DEFINITIONS = sorted((Path(__file__).parents[1] / "definitions").glob("*.yaml"))


@pytest.fixture(scope="module")
def spec() -> FormSpec:
    return definition_parse(
        {
            "key": "schema-test",
            "version": "2.1",
            "title": "Schema-Test",
            "description": "Ein Formular zum Prüfen.",
            "code_lists": {"art": {"name": "Art", "entries": {"01": "Eins", "02": "Zwei"}}},
            "fields": [
                {"key": "art", "label": "Art", "options": "art", "required": True, "help": "Bitte wählen."},
                {"key": "grund", "label": "Grund", "input": "textarea"},
                {"key": "hinweis", "type": "label", "content": "Nur ein Hinweis."},
                {"key": "datum", "label": "Datum", "type": "date", "min": "2020-01-01"},
                {"key": "betrag", "label": "Betrag", "type": "currency", "min": 0, "max": 100},
                {"key": "anzahl", "label": "Anzahl", "type": "integer"},
                {"key": "plz", "label": "PLZ", "pattern": "[0-9]{5}", "max_length": 5},
                {"key": "beleg", "label": "Beleg", "type": "file"},
                {"key": "ok", "label": "OK", "type": "bool", "required": True},
                {
                    "key": "kind",
                    "label": "Kind",
                    "repeat": {"min": 1, "max": 4},
                    "fields": [{"key": "name", "label": "Name", "required": True}],
                },
                {
                    "key": "adresse",
                    "label": "Adresse",
                    "required": False,
                    "fields": [{"key": "ort", "label": "Ort"}],
                },
            ],
            "rules": [
                {
                    "key": "grund",
                    "kind": "require",
                    "when": {"field": "art", "op": "eq", "value": "02"},
                    "targets": ["grund"],
                },
                {
                    "key": "vergleich",
                    "kind": "require",
                    "when": {"field": "betrag", "op": "gt", "value": 50},
                    "targets": ["grund"],
                },
            ],
        }
    )[0]


@pytest.fixture(scope="module")
def schema(spec: FormSpec) -> dict[str, Any]:
    return compile_json_schema(spec)


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:amtsweg:form:schema-test:2.1"
    assert schema["title"] == "Schema-Test"
    assert schema["description"] == "Ein Formular zum Prüfen."
    json.dumps(schema)  # storable as JSON


def test_groups_are_closed_objects_with_required_children(schema: dict[str, Any]) -> None:
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["art", "ok", "kind"]
    assert "hinweis" not in schema["properties"]  # static text has no data
    assert schema["properties"]["adresse"]["type"] == ["object", "null"]


def test_field_types_and_constraints(schema: dict[str, Any]) -> None:
    props = schema["properties"]
    assert props["art"] == {
        "title": "Art",
        "description": "Bitte wählen.",
        "type": "string",
        "minLength": 1,
        "maxLength": 1000,
        "enum": ["01", "02"],
    }
    assert props["grund"]["maxLength"] == 10000
    assert props["datum"] == {
        "title": "Datum",
        "type": "string",
        "format": "date",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "formatMinimum": "2020-01-01",
    }
    assert props["betrag"] == {
        "title": "Betrag",
        "type": "number",
        "minimum": 0,
        "maximum": 100,
        "multipleOf": 0.01,
    }
    assert props["anzahl"]["type"] == "integer"
    assert props["plz"]["pattern"] == "^(?:[0-9]{5})$"
    assert props["plz"]["maxLength"] == 5
    assert props["beleg"]["type"] == "string"
    assert props["ok"]["type"] == "boolean"


def test_repeating_group_is_an_array(schema: dict[str, Any]) -> None:
    kind = schema["properties"]["kind"]
    assert kind["type"] == "array"
    assert (kind["minItems"], kind["maxItems"]) == (1, 4)
    assert kind["items"]["required"] == ["name"]
    assert kind["items"]["additionalProperties"] is False


def test_require_rule_becomes_if_then_where_expressible(schema: dict[str, Any]) -> None:
    assert schema["allOf"] == [
        {
            "if": {"properties": {"art": {"const": "02"}}, "required": ["art"]},
            "then": {"required": ["grund"]},
        }
    ]  # the comparison rule is left to the Python validator
    validator = jsonschema.Draft202012Validator(schema)
    base = {"ok": True, "kind": [{"name": "A"}]}
    assert validator.is_valid(base | {"art": "01"})
    assert not validator.is_valid(base | {"art": "02"})
    assert validator.is_valid(base | {"art": "02", "grund": "weil"})


@pytest.mark.parametrize(
    ("condition", "data", "expected"),
    [
        ({"field": "art", "op": "ne", "value": "02"}, {}, True),
        ({"field": "art", "op": "in", "value": ["01", "02"]}, {"art": "02"}, True),
        ({"field": "art", "op": "not_in", "value": ["01"]}, {"art": "01"}, False),
        ({"field": "grund", "op": "filled"}, {"grund": ""}, False),
        ({"field": "grund", "op": "empty"}, {}, True),
        ({"field": "ok", "op": "false"}, {}, True),
        (
            {"all": [{"field": "ok", "op": "true"}, {"field": "art", "op": "eq", "value": "01"}]},
            {"ok": True},
            False,
        ),
        (
            {"any": [{"field": "ok", "op": "true"}, {"field": "art", "op": "eq", "value": "01"}]},
            {"ok": True},
            True,
        ),
        ({"not": {"field": "adresse.ort", "op": "filled"}}, {"adresse": {"ort": "Coesfeld"}}, False),
    ],
)
def test_conditions_compile_to_equivalent_schemas(
    spec: FormSpec, condition: dict[str, Any], data: dict[str, Any], expected: bool
) -> None:
    compiled = condition_schema(condition, spec.root)
    assert compiled is not None
    assert jsonschema.Draft202012Validator(compiled).is_valid(data) is expected


def test_conditions_through_repeating_groups_are_not_compiled(spec: FormSpec) -> None:
    assert condition_schema({"field": "kind.name", "op": "filled"}, spec.root) is None
    assert condition_schema({"field": "betrag", "op": "gt", "other": "anzahl"}, spec.root) is None


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_demo_form_compiles_to_a_valid_schema(path: Path) -> None:
    spec = definition_load(path).spec
    schema = compile_json_schema(spec)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:amtsweg:form:{spec.key}:{spec.version}"


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_demo_forms_round_trip_through_json(path: Path) -> None:
    spec = definition_load(path).spec
    stored = json.loads(json.dumps(spec.to_dict()))
    assert FormSpec.from_dict(stored) == spec
    assert compile_json_schema(FormSpec.from_dict(stored)) == compile_json_schema(spec)
