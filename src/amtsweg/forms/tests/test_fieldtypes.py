"""The field-type registry: one parser, one check, one display per datatype (issue 11)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from amtsweg.core.text import is_index
from amtsweg.forms.definition import definition_parse
from amtsweg.forms.fieldtypes import (
    DATATYPES_WITHOUT_INPUT,
    FieldValueError,
    display_value,
    field_type,
    field_types,
    parse_input,
)
from amtsweg.forms.schema import compile_json_schema
from amtsweg.forms.spec import DATATYPES, FieldSpec, FormSpec
from amtsweg.forms.validation import coerce, validate


def field(datatype: str, **kwargs: Any) -> FieldSpec:
    return FieldSpec(key="wert", name="wert", label="Betrag des Zuschusses", datatype=datatype, **kwargs)  # type: ignore[arg-type]


def test_every_datatype_of_the_form_model_has_a_registered_type() -> None:
    assert {identifier for identifier, _type in field_types} == set(DATATYPES)
    for datatype in DATATYPES:
        assert field_types[datatype].datatype == datatype


# ---- parsers (hypothesis) ---------------------------------------------------------------------


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_an_amount_reads_back_what_the_form_shows(amount: Decimal) -> None:
    currency = field("currency")
    value = parse_input(currency, format(amount, "f").replace(".", ","))
    assert Decimal(str(value)) == amount
    shown = field_type(currency).edit_text(value, currency)
    assert Decimal(str(parse_input(currency, shown))) == amount
    assert display_value(currency, value).endswith(" €")


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_a_date_reads_back_what_the_form_shows(day: datetime.date) -> None:
    date_field = field("date")
    shown = display_value(date_field, day.isoformat())
    assert shown == day.strftime("%d.%m.%Y")
    assert parse_input(date_field, shown) == day.isoformat()


@settings(max_examples=300)
@given(text=st.text(max_size=60), datatype=st.sampled_from(sorted(set(DATATYPES) - DATATYPES_WITHOUT_INPUT)))
@example(text="-", datatype="iban")  # was read as an empty IBAN and accepted
@example(text=" - ", datatype="iban")
def test_any_text_is_read_or_refused_with_a_message_naming_the_field(text: str, datatype: str) -> None:
    spec_field = field(datatype)
    problem = ""
    try:
        value = parse_input(spec_field, text)
    except FieldValueError as error:
        problem, value = error.message, None
    if problem:
        assert "„Betrag des Zuschusses“" in problem
    elif value is not None:
        assert field_type(spec_field).display(value, spec_field) != ""


@pytest.mark.parametrize("datatype", ["integer", "number", "currency"])
@pytest.mark.parametrize("text", ["1e1000000", "1e5000", "9" * 5000, "1" + "0" * 40, "١٢", "¹"])
def test_hostile_numbers_are_refused_with_a_german_message(datatype: str, text: str) -> None:
    with pytest.raises(FieldValueError) as refused:
        parse_input(field(datatype), text)
    assert "„Betrag des Zuschusses“" in refused.value.message


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.234,5", 1234.5), ("1234,56", 1234.56), ("1.234", 1234), ("1234.56", 1234.56), ("12 €", 12)],
)
def test_german_amounts_are_read_the_same_way_everywhere(text: str, value: float) -> None:
    currency = field("currency")
    assert parse_input(currency, text) == value
    spec = FormSpec(key="f", version="1", title="F", root=_root(currency))
    assert coerce(spec, {"wert": text}) == {"wert": value}


@pytest.mark.parametrize("text", ["1,234.56", "1.23,45", "12,345,6", "1.234.5", "12,345"])
def test_ambiguous_amounts_are_refused_not_guessed(text: str) -> None:
    currency = field("currency")
    if text == "12,345":  # three decimal places are no amount in euros
        with pytest.raises(FieldValueError, match="zwei Nachkommastellen"):
            parse_input(currency, text)
        return
    with pytest.raises(FieldValueError, match="Betrag in Euro"):
        parse_input(currency, text)


@pytest.mark.parametrize("datatype", ["text", "date", "integer", "iban"])
@pytest.mark.parametrize("text", ["Max\x00Mustermann", "Max\ud800", "A\x1bB", "\ufffe"])
def test_control_characters_and_lone_surrogates_are_refused(datatype: str, text: str) -> None:
    with pytest.raises(FieldValueError, match="Zeichen, die wir nicht speichern können"):
        parse_input(field(datatype), text)


def test_line_breaks_and_tabs_are_kept_in_a_text() -> None:
    assert parse_input(field("text"), "Zeile 1\r\nZeile\t2") == "Zeile 1\nZeile\t2"


@pytest.mark.parametrize(
    ("text", "ok"), [("3", True), ("12", True), ("¹", False), ("٣", False), ("-1", False)]
)
def test_only_ascii_digits_are_positions_of_repetitions(text: str, ok: bool) -> None:
    assert is_index(text) is ok


# ---- display: one text per value, wherever it is shown ----------------------------------------


@pytest.mark.parametrize(
    ("datatype", "value", "shown"),
    [
        ("date", "2026-12-24", "24.12.2026"),
        ("datetime", "2026-12-24T14:30", "24.12.2026, 14:30 Uhr"),
        ("time", "14:30", "14:30 Uhr"),
        ("currency", 1234.5, "1.234,50 €"),
        ("number", 12345.5, "12.345,5"),
        ("integer", 1990, "1990"),
        ("integer", 1234567, "1.234.567"),
        ("bool", True, "Ja"),
        ("iban", "DE02120300000000202051", "DE02 1203 0000 0000 2020 51"),
    ],
)
def test_values_are_shown_in_german(datatype: str, value: Any, shown: str) -> None:
    assert display_value(field(datatype), value) == shown


# ---- checks the JSON Schema cannot express ---------------------------------------------------

LIMITS = {
    "key": "grenzen",
    "version": "1",
    "title": "Grenzen",
    "fields": [
        {"key": "iban", "label": "IBAN", "type": "iban"},
        {"key": "seit", "label": "Gehalten seit", "type": "date", "max": "today"},
        {"key": "beginn", "label": "Beginn", "type": "date", "min": "heute"},
        {"key": "anzahl", "label": "Anzahl", "type": "integer"},
    ],
}


@pytest.fixture(scope="module")
def limits() -> FormSpec:
    return definition_parse(LIMITS, source="test")[0]


def messages(spec: FormSpec, data: dict[str, Any]) -> dict[str, str]:
    return {e.path: e.message for e in validate(spec, data)}


def test_an_iban_with_a_wrong_check_digit_is_refused(limits: FormSpec) -> None:
    assert messages(limits, {"iban": "DE02 1203 0000 0000 2020 51"}) == {}
    assert messages(limits, {"iban": "DE12 3456 7890 1234 5678 90"}) == {
        "iban": "Bitte prüfen Sie „IBAN“: Das ist keine gültige IBAN (z. B. DE02 1203 0000 0000 2020 51)."
    }
    assert coerce(limits, {"iban": "de02 1203 0000 0000 2020 51"}) == {"iban": "DE02120300000000202051"}


def test_a_date_bound_today_refuses_the_future_and_the_past(limits: FormSpec) -> None:
    today = timezone.localdate()
    future = (today + datetime.timedelta(days=1)).isoformat()
    past = (today - datetime.timedelta(days=1)).isoformat()
    assert messages(limits, {"seit": "2030-01-01"}) == {
        "seit": "„Gehalten seit“ darf nicht in der Zukunft liegen."
    }
    assert messages(limits, {"seit": today.isoformat(), "beginn": today.isoformat()}) == {}
    assert messages(limits, {"seit": past, "beginn": future}) == {}
    assert messages(limits, {"beginn": past}) == {
        "beginn": "„Beginn“ darf nicht in der Vergangenheit liegen."
    }
    schema = compile_json_schema(limits)["properties"]
    assert schema["seit"]["x-amtsweg-maxDate"] == "today"
    assert schema["beginn"]["x-amtsweg-minDate"] == "today"


@pytest.mark.parametrize("value", [10**15, -(10**16), 10**4000, 1e300])
def test_numbers_beyond_any_form_are_refused(limits: FormSpec, value: Any) -> None:
    assert messages(limits, {"anzahl": value}) == {"anzahl": "Die Zahl bei „Anzahl“ ist zu groß."}


@pytest.mark.parametrize("text", ["Max\x00", "Max\ud800Muster"])
def test_api_texts_with_control_characters_are_refused(text: str) -> None:
    spec = definition_parse({**LIMITS, "fields": [{"key": "name", "label": "Name"}]}, source="t")[0]
    assert messages(spec, {"name": text}) == {
        "name": "„Name“ enthält Zeichen, die wir nicht speichern können (z. B. Steuerzeichen). "
        "Bitte geben Sie den Text erneut ein."
    }


def test_limits_in_german_notation_from_fim_are_enforced() -> None:
    """FIM's praezisierung may carry dates as 01.01.2000; the type reads them like typed input."""
    date_field = FieldSpec(
        key="datum",
        name="datum",
        label="Datum",
        datatype="date",
        min_value="01.01.2000",
        max_value="31.12.2030",
    )
    spec = FormSpec(key="fim", version="1", title="FIM", root=_root(date_field))
    assert messages(spec, {"datum": "1999-12-31"}) == {
        "datum": "„Datum“ darf nicht vor dem 01.01.2000 liegen."
    }
    assert messages(spec, {"datum": "2031-01-01"}) == {
        "datum": "„Datum“ darf nicht nach dem 31.12.2030 liegen."
    }
    assert messages(spec, {"datum": "2020-06-01"}) == {}


def test_a_pattern_error_names_the_field_and_its_help() -> None:
    spec = definition_parse(
        {
            **LIMITS,
            "fields": [
                {"key": "plz", "label": "Postleitzahl", "pattern": "[0-9]{5}", "help": "Fünf Ziffern."}
            ],
        },
        source="t",
    )[0]
    assert messages(spec, {"plz": "4865"}) == {
        "plz": "„Postleitzahl“ hat nicht das erwartete Format: Fünf Ziffern."
    }


def _root(*fields: FieldSpec) -> Any:
    from amtsweg.forms.spec import ChildSpec, GroupSpec

    return GroupSpec(key="", name="root", label="", children=tuple(ChildSpec(element=f) for f in fields))
