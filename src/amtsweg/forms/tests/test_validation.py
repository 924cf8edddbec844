"""The one validator: German messages at the right paths, rules per group instance, hostile data."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amtsweg.forms.definition import definition_parse
from amtsweg.forms.spec import FormSpec
from amtsweg.forms.validation import (
    MAX_ERRORS,
    FieldError,
    coerce,
    prune_hidden,
    spec_path,
    validate,
)

FALLBACK = "Die Angaben konnten nicht geprüft werden"

DEFINITION: dict[str, Any] = {
    "key": "pruefformular",
    "version": "1",
    "title": "Prüfformular",
    "code_lists": {"art": {"name": "Art", "entries": {"01": "Erstantrag", "02": "Folgeantrag"}}},
    "fields": [
        {"key": "art", "label": "Antragsart", "options": "art", "required": True},
        {"key": "aktenzeichen", "label": "Bisheriges Aktenzeichen", "max_length": 20},
        {"key": "name", "label": "Name", "required": True, "min_length": 2, "max_length": 50},
        {"key": "plz", "label": "Postleitzahl", "pattern": "[0-9]{5}"},
        {"key": "geburtsdatum", "label": "Geburtsdatum", "type": "date", "min": "1900-01-01"},
        {"key": "personen", "label": "Personen im Haushalt", "type": "integer", "min": 1, "max": 20},
        {"key": "flaeche", "label": "Wohnfläche", "type": "number", "min": 5},
        {"key": "miete", "label": "Miete", "type": "currency", "max": 5000},
        {"key": "nachweis", "label": "Nachweis", "type": "file", "required": True},
        {
            "key": "einverstanden",
            "label": "Einverständnis",
            "type": "bool",
            "required": True,
            "confirm": True,
        },
        {"key": "newsletter", "label": "Newsletter", "type": "bool"},
        {"key": "telefon", "label": "Telefon", "repeat": {"max": 2}},
        {
            "key": "kinder",
            "label": "Kind",
            "repeat": {"min": 0, "max": 3},
            "fields": [
                {"key": "vorname", "label": "Vorname", "required": True},
                {"key": "geburtsdatum", "label": "Geburtsdatum", "type": "date"},
                {"key": "behinderung", "label": "Behinderung", "type": "bool"},
                {"key": "grad", "label": "Grad der Behinderung", "type": "integer", "required": True},
                {"key": "schule_seit", "label": "Schulbesuch seit", "type": "date"},
            ],
        },
    ],
    "rules": [
        {
            "key": "aktenzeichen_bei_folgeantrag",
            "kind": "require",
            "when": {"field": "art", "op": "eq", "value": "02"},
            "targets": ["aktenzeichen"],
            "message": "Bitte geben Sie bei einem Folgeantrag das bisherige Aktenzeichen an.",
        },
        {
            "key": "grad_zeigen",
            "kind": "show",
            "scope": "kinder",
            "when": {"field": "behinderung", "op": "true"},
            "targets": ["grad"],
        },
        {
            "key": "schule_nach_geburt",
            "kind": "check",
            "scope": "kinder",
            "when": {"field": "schule_seit", "op": "gt", "other": "geburtsdatum"},
            "targets": ["schule_seit"],
            "message": "Der Schulbesuch beginnt nach der Geburt.",
        },
        {"key": "hinweis", "kind": "info", "description": "Nur zur Information."},
    ],
}


@pytest.fixture(scope="module")
def spec() -> FormSpec:
    return definition_parse(DEFINITION, source="test")[0]


def valid() -> dict[str, Any]:
    return {
        "art": "01",
        "name": "Erika Mustermann",
        "nachweis": "b0f5a6b2-6a4e-4d6f-9f51-1d7c3c1f0a11",
        "einverstanden": True,
    }


def errors(spec: FormSpec, data: Any, **kwargs: Any) -> dict[str, str]:
    return {e.path: e.message for e in validate(spec, data, **kwargs)}


def test_valid_data_passes(spec: FormSpec) -> None:
    data = valid() | {
        "plz": "48653",
        "geburtsdatum": "1980-05-17",
        "personen": 3,
        "flaeche": 72.5,
        "miete": 650.4,
        "telefon": ["02541 123456"],
        "kinder": [{"vorname": "Mia", "behinderung": True, "grad": 50}],
    }
    assert validate(spec, data) == []


def test_missing_required_fields_are_named_in_german(spec: FormSpec) -> None:
    assert errors(spec, {}) == {
        "art": "Bitte wählen Sie „Antragsart“ aus.",
        "name": "Bitte geben Sie „Name“ an.",
        "nachweis": "Bitte laden Sie „Nachweis“ hoch.",
        "einverstanden": "Bitte bestätigen Sie „Einverständnis“.",
    }


INTEGER = "Bitte geben Sie bei „Personen im Haushalt“ eine ganze Zahl ohne Komma ein."
NUMBER = "Bitte geben Sie bei „Wohnfläche“ eine Zahl ein, z. B. 12 oder 3,5."


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"name": "x" * 51}, "name", "„Name“ darf höchstens 50 Zeichen lang sein."),
        ({"name": "E"}, "name", "„Name“ braucht mindestens 2 Zeichen."),
        ({"name": ""}, "name", "Bitte geben Sie „Name“ an."),
        ({"art": "99"}, "art", "Bitte wählen Sie bei „Antragsart“ einen Eintrag aus der Liste."),
        ({"plz": "4865"}, "plz", "„Postleitzahl“ hat nicht das erwartete Format."),
        ({"plz": "48653x"}, "plz", "„Postleitzahl“ hat nicht das erwartete Format."),
        (
            {"geburtsdatum": "24.12.2026"},
            "geburtsdatum",
            "Bitte geben Sie „Geburtsdatum“ als Datum im Format TT.MM.JJJJ ein, z. B. 24.12.2025.",
        ),
        (
            {"geburtsdatum": "2026-02-30"},
            "geburtsdatum",
            "Das Datum bei „Geburtsdatum“ gibt es nicht. Bitte prüfen Sie Tag und Monat.",
        ),
        (
            {"geburtsdatum": "1899-12-31"},
            "geburtsdatum",
            "„Geburtsdatum“ darf nicht vor dem 01.01.1900 liegen.",
        ),
        ({"personen": 0}, "personen", "„Personen im Haushalt“ muss mindestens 1 sein."),
        ({"personen": 21}, "personen", "„Personen im Haushalt“ darf höchstens 20 sein."),
        ({"personen": 2.5}, "personen", INTEGER),
        ({"personen": "drei"}, "personen", INTEGER),
        ({"flaeche": "groß"}, "flaeche", NUMBER),
        ({"flaeche": float("nan")}, "flaeche", NUMBER),
        ({"miete": 10.005}, "miete", "Bitte geben Sie „Miete“ mit höchstens zwei Nachkommastellen ein."),
        ({"miete": 5000.01}, "miete", "„Miete“ darf höchstens 5.000,00 € sein."),
        ({"einverstanden": "ja"}, "einverstanden", "Bitte wählen Sie bei „Einverständnis“ „Ja“ oder „Nein“."),
        ({"nachweis": ""}, "nachweis", "Bitte laden Sie „Nachweis“ hoch."),
        ({"telefon": ["1", "2", "3"]}, "telefon", "Höchstens 2 Einträge für „Telefon“."),
        ({"telefon": "02541 1"}, "telefon", "Die Angaben zu „Telefon“ haben nicht die erwartete Form."),
        ({"kinder": [{"vorname": "A"}] * 4}, "kinder", "Höchstens 3 Einträge für „Kind“."),
        ({"kinder": [{}]}, "kinder[0].vorname", "Bitte geben Sie „Vorname“ an."),
        ({"kinder": [{"vorname": 7}]}, "kinder[0].vorname", "Bitte geben Sie bei „Vorname“ einen Text ein."),
        ({"unbekannt": 1}, "unbekannt", "Dieses Feld gibt es im Formular nicht: „unbekannt“."),
        ({"art": None}, "art", "Bitte wählen Sie „Antragsart“ aus."),
    ],
)
def test_each_broken_constraint_gives_its_german_message(
    spec: FormSpec, change: dict[str, Any], path: str, message: str
) -> None:
    assert errors(spec, valid() | change) == {path: message}


def test_errors_come_in_form_order(spec: FormSpec) -> None:
    data = {"kinder": [{"vorname": 1}], "miete": "x", "name": "y" * 60}
    assert [e.path for e in validate(spec, data)] == [
        "art",
        "name",
        "miete",
        "nachweis",
        "einverstanden",
        "kinder[0].vorname",
    ]


def test_coerce_accepts_german_input_and_drops_blanks(spec: FormSpec) -> None:
    raw = {
        "art": " 02 ",
        "aktenzeichen": "",
        "name": "Erika",
        "geburtsdatum": "1.2.1980",
        "personen": "3",
        "flaeche": "1.234,5",
        "miete": "1.234,56 €",
        "einverstanden": "on",
        "telefon": ["", "02541 1"],
        "kinder": {"1": {"vorname": "Ben", "grad": ""}, "0": {"vorname": "", "grad": ""}},
        "csrfmiddlewaretoken": "abc",
    }
    assert coerce(spec, raw) == {
        "art": "02",
        "name": "Erika",
        "geburtsdatum": "1980-02-01",
        "personen": 3,
        "flaeche": 1234.5,
        "miete": 1234.56,
        "einverstanden": True,
        "newsletter": False,  # an unticked box is sent as nothing
        "telefon": ["02541 1"],
        "kinder": [{"vorname": "Ben", "behinderung": False}],
    }


def test_unticked_confirmation_is_reported_and_step_paths_limit_coercion(spec: FormSpec) -> None:
    raw = {"art": "01", "name": "Erika", "nachweis": "id-1"}
    data = coerce(spec, raw)
    assert data["einverstanden"] is False
    assert errors(spec, data) == {"einverstanden": "Bitte bestätigen Sie „Einverständnis“."}
    step = coerce(spec, {"kinder": [{"vorname": "Ben"}], "name": "Erika"}, paths={"kinder"})
    assert step == {"kinder": [{"vorname": "Ben", "behinderung": False}]}


def test_rows_with_only_unticked_boxes_count_as_empty(spec: FormSpec) -> None:
    assert "kinder" not in coerce(spec, {"kinder": [{"vorname": "", "behinderung": ""}, {}]})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.234", 1234), ("1234.5", 1234.5), ("12,5", 12.5), ("-3", -3), ("1,2,3", "1,2,3"), ("nan", "nan")],
)
def test_coerce_numbers(spec: FormSpec, raw: str, expected: Any) -> None:
    assert coerce(spec, {"flaeche": raw})["flaeche"] == expected


def test_values_that_cannot_be_converted_are_reported_not_guessed(spec: FormSpec) -> None:
    data = coerce(spec, {**valid(), "nachweis": "id-1", "einverstanden": "on", "geburtsdatum": "morgen"})
    assert errors(spec, data) == {
        "geburtsdatum": "Bitte geben Sie „Geburtsdatum“ als Datum im Format TT.MM.JJJJ ein, z. B. 24.12.2025."
    }


def test_require_rule_applies_only_when_its_condition_holds(spec: FormSpec) -> None:
    assert errors(spec, valid() | {"art": "02"}) == {
        "aktenzeichen": "Bitte geben Sie bei einem Folgeantrag das bisherige Aktenzeichen an."
    }
    assert errors(spec, valid() | {"art": "02", "aktenzeichen": "AZ-1"}) == {}


def test_show_rule_in_repeating_group_is_evaluated_per_child(spec: FormSpec) -> None:
    data = valid() | {
        "kinder": [
            {"vorname": "Mia", "behinderung": True},
            {"vorname": "Ben", "grad": 30},
            {"vorname": "Lea", "behinderung": True, "grad": 50},
        ]
    }
    # Ben's grade is hidden (no disability ticked): not required, and its data is dropped
    assert errors(spec, data) == {"kinder[0].grad": "Bitte geben Sie „Grad der Behinderung“ an."}
    pruned = prune_hidden(spec, data)
    assert pruned["kinder"][1] == {"vorname": "Ben"}
    assert pruned["kinder"][2]["grad"] == 50
    assert data["kinder"][1]["grad"] == 30  # the input is not changed


def test_errors_in_hidden_fields_are_ignored(spec: FormSpec) -> None:
    data = valid() | {"kinder": [{"vorname": "Ben", "grad": "viel"}]}
    assert errors(spec, data) == {}


def test_check_rule_compares_fields_of_the_same_repetition(spec: FormSpec) -> None:
    data = valid() | {
        "kinder": [
            {"vorname": "Mia", "geburtsdatum": "2015-03-01", "schule_seit": "2021-08-01"},
            {"vorname": "Ben", "geburtsdatum": "2018-03-01", "schule_seit": "2017-08-01"},
            {"vorname": "Lea", "schule_seit": "2017-08-01"},  # no birth date: nothing to compare
        ]
    }
    assert errors(spec, data) == {"kinder[1].schule_seit": "Der Schulbesuch beginnt nach der Geburt."}


def test_paths_limit_errors_to_one_step(spec: FormSpec) -> None:
    data = {"kinder": [{}]}
    assert set(errors(spec, data, paths={"kinder"})) == {"kinder[0].vorname"}
    assert set(errors(spec, data, paths={"art", "name"})) == {"art", "name"}
    assert errors(spec, "kein Objekt", paths={"art"}) == {"": "Die Angaben müssen ein Objekt sein."}


def test_spec_path_removes_positions() -> None:
    assert spec_path("kinder[12].adresse.plz") == "kinder.adresse.plz"


def test_stale_cache_is_never_used() -> None:
    first = definition_parse(
        {
            "key": "cache",
            "version": "1",
            "title": "A",
            "fields": [{"key": "a", "label": "A", "max_length": 3}],
        }
    )[0]
    second = definition_parse(
        {
            "key": "cache",
            "version": "1",
            "title": "A",
            "fields": [{"key": "a", "label": "A", "max_length": 5}],
        }
    )[0]
    assert errors(first, {"a": "abcd"}) == {"a": "„A“ darf höchstens 3 Zeichen lang sein."}
    assert errors(second, {"a": "abcd"}) == {}
    assert errors(first, {"a": "abcd"}) == {"a": "„A“ darf höchstens 3 Zeichen lang sein."}


def test_today_in_a_check_rule() -> None:
    spec = definition_parse(
        {
            "key": "heute",
            "version": "1",
            "title": "Heute",
            "fields": [{"key": "beginn", "label": "Beginn", "type": "date"}],
            "rules": [
                {
                    "key": "nicht_zukunft",
                    "kind": "check",
                    "when": {"field": "beginn", "op": "lte", "value": "today"},
                    "targets": ["beginn"],
                    "message": "Der Beginn darf nicht in der Zukunft liegen.",
                }
            ],
        }
    )[0]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert errors(spec, {"beginn": tomorrow}) == {"beginn": "Der Beginn darf nicht in der Zukunft liegen."}
    assert errors(spec, {"beginn": "2020-01-01"}) == {}


# ---- hostile data -----------------------------------------------------------------------------


def test_huge_strings_are_rejected_quickly(spec: FormSpec) -> None:
    found = errors(spec, valid() | {"name": "A" * 5_000_000, "plz": "1" * 5_000_000})
    assert found == {
        "name": "„Name“ darf höchstens 50 Zeichen lang sein.",
        "plz": "„Postleitzahl“ darf höchstens 1000 Zeichen lang sein.",
    }


def test_many_unknown_keys_give_a_bounded_list(spec: FormSpec) -> None:
    data = valid() | {f"x{i}": i for i in range(5000)}
    result = validate(spec, data)
    assert len(result) == MAX_ERRORS
    assert all(isinstance(e, FieldError) for e in result)


@pytest.mark.parametrize(
    "data", [None, [], "text", 3, [{"art": "01"}], {"kinder": {"0": "x"}}, {"kinder": [1, None]}]
)
def test_wrong_shapes_give_errors(spec: FormSpec, data: Any) -> None:
    result = validate(spec, data)
    assert result
    assert not any(FALLBACK in e.message for e in result)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(["art", "name", "kinder", "telefon", "miete", "geburtsdatum", "vorname", "grad", "x"])
junk = st.recursive(
    json_values,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=junk)
def test_validation_never_raises_on_arbitrary_json(spec: FormSpec, data: Any) -> None:
    for candidate in (data, coerce(spec, data), prune_hidden(spec, data)):
        result = validate(spec, candidate)
        assert all(isinstance(e, FieldError) and e.message for e in result)
        assert not any(FALLBACK in e.message for e in result)
