"""Recognition of FIM rule prose: the common patterns become conditions, everything else stays a note."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtsweg.forms.fim.resolve import match_code
from amtsweg.forms.fim.rules import Condition, ProseRule, is_trivial_script, parse_prose


def test_a_value_makes_a_group_required() -> None:
    text = (
        'Wenn bei F05001047 "02 Das Fahrzeug ist auf einen anderen Halter zugelassen." angegeben wird, dann\n'
        "        wird G05000499 zur Pflichtangabe."
    )
    assert parse_prose(text) == ProseRule(
        kind="require",
        targets=("G05000499",),
        condition=Condition(
            ref="F05001047", op="eq", value_text="02 Das Fahrzeug ist auf einen anderen Halter zugelassen."
        ),
    )


def test_a_comma_inside_the_quoted_value_does_not_split_the_sentence() -> None:
    rule = parse_prose(
        "Wenn bei F05001347 „02 Verlängerung, Erneuerung“ angegeben wird, ist G05000599 anzugeben."
    )

    assert rule is not None
    assert rule.kind == "require"
    assert rule.condition == Condition(ref="F05001347", op="eq", value_text="02 Verlängerung, Erneuerung")
    assert rule.targets == ("G05000599",)


@pytest.mark.parametrize(
    ("text", "kind", "op", "negate"),
    [
        ("Wenn F60000001 befüllt ist, dann ist F60000002 verpflichtend.", "require", "filled", False),
        ("Wenn F60000001 nicht befüllt ist, dann ist F60000002 auszufüllen.", "require", "empty", False),
        ("Wenn F60000001 angekreuzt ist, wird G60000002 angezeigt.", "show", "true", False),
        (
            "Wenn F60000001 mit nein beantwortet wird, dann wird G60000002 eingeblendet.",
            "show",
            "false",
            False,
        ),
        ('Wenn bei F60000001 "01" gewählt wird, dann wird G60000002 ausgeblendet.', "show", "eq", True),
        (
            'Wenn bei F60000001 nicht "01" gewählt wird, dann muss F60000002 angegeben werden.',
            "require",
            "ne",
            False,
        ),
    ],
)
def test_conditional_patterns(text: str, kind: str, op: str, negate: bool) -> None:
    rule = parse_prose(text)

    assert rule is not None
    assert (rule.kind, rule.condition.op if rule.condition else None, rule.negate) == (kind, op, negate)
    assert rule.condition is not None
    assert rule.condition.ref == "F60000001"


def test_one_of_several_groups_must_be_filled() -> None:
    text = (
        'Es muss entweder Feldgruppe G60000086 "Anschrift Inland Straßenanschrift" oder Feldgruppe '
        'G60000087 "Anschrift Inland Postfachanschrift" befüllt werden.'
    )
    assert parse_prose(text) == ProseRule(
        kind="check", targets=("G60000086",), any_filled=("G60000086", "G60000087")
    )
    other = parse_prose(
        "Mindestens eines der Felder F60000001, F60000002 und F60000003 muss angegeben werden."
    )
    assert other is not None
    assert other.any_filled == ("F60000001", "F60000002", "F60000003")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Eine Definition",
        "Das Datum F60000001 darf nicht in der Zukunft liegen.",
        "Wenn F60000001 befüllt ist, dann ist F60000002 keine Pflichtangabe.",
        "Wenn F60000001 und F60000003 befüllt sind, dann ist F60000002 Pflicht.",  # two conditions
        "Wenn bei F60000001 etwas steht, dann irgendwas mit F60000002.",
    ],
)
def test_other_text_is_not_guessed(text: str) -> None:
    assert parse_prose(text) is None


def test_uuid_like_ids_are_element_references() -> None:
    rule = parse_prose(
        "Wenn F00-4cb0dd14-629c-4661-9435-4e9eadc43e07 angekreuzt ist, dann ist G05000499 Pflicht."
    )

    assert rule is not None
    assert rule.condition is not None
    assert rule.condition.ref == "F00-4cb0dd14-629c-4661-9435-4e9eadc43e07"


def test_quoted_values_are_matched_to_codes() -> None:
    entries = [("01", "Neuantrag"), ("02", "Verlängerung"), ("021", "Verlängerung mit Änderung")]

    assert match_code("02 Verlängerung", entries) == "02"
    assert match_code("021 Verlängerung mit Änderung", entries) == "021"
    assert match_code("verlängerung.", entries) == "02"
    assert match_code("01", entries) == "01"
    assert match_code("Widerspruch", entries) is None


def test_empty_script_stubs_are_not_kept() -> None:
    assert is_trivial_script("function script() {\r\n        \r\n        }")
    assert not is_trivial_script("function script() { return feld('F1') > 0; }")


@given(st.text(max_size=300))
def test_any_text_is_either_recognised_or_left_alone(text: str) -> None:
    rule = parse_prose(text)
    assert rule is None or (rule.kind in {"require", "show", "check"} and rule.targets)
