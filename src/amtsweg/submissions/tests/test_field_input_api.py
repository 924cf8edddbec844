"""What clients send in the fields of the submissions API (issue 11, field types): hostile numbers and texts
get a German message naming the field and a 4xx, and nothing is stored. The web form's side is in
``test_field_input.py``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from amtsweg.core.safeinput import forbidden_characters_message
from amtsweg.submissions.models import Submission
from amtsweg.submissions.tests.test_api import _fresh_caches as _fresh_caches  # fixtures: empty API caches,
from amtsweg.submissions.tests.test_api import _world_built as _world_built  # the intake world built once
from amtsweg.submissions.tests.test_api import world as world  # per module, and each test's copy of it
from amtsweg.submissions.tests.test_intake_fixtures import FORM_KEY, World, valid_data

URL = f"/api/v1/formulare/{FORM_KEY}/antraege"


def api_post(raw_body: str, key: str = "k-1") -> Any:
    return Client().post(URL, data=raw_body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def body(**changes: Any) -> str:
    return json.dumps({"municipality": "05558016", "data": valid_data(**changes)})


TOO_LARGE = "Die Zahl bei „Erwartete Steuer“ ist zu groß."


@pytest.mark.parametrize(
    ("raw", "path", "message"),
    [
        ('"steuerbetrag": 1e1000000', "data.steuerbetrag", TOO_LARGE),
        ('"steuerbetrag": 1e5000', "data.steuerbetrag", TOO_LARGE),
        ('"steuerbetrag": -1e5000', "data.steuerbetrag", TOO_LARGE),
        ('"steuerbetrag": ' + "9" * 4000, "data.steuerbetrag", TOO_LARGE),
        ('"steuerbetrag": ' + "9" * 5000, "data.steuerbetrag", TOO_LARGE),
        ('"steuerbetrag": 1000000000000000', "data.steuerbetrag", TOO_LARGE),
        ('"steuerbetrag": "1e1000000"', "data.steuerbetrag", "als Betrag in Euro"),
    ],
)
def test_api_hostile_numbers_get_422_naming_the_field(
    world: World, raw: str, path: str, message: str
) -> None:
    text = body(steuerbetrag=0).replace('"steuerbetrag": 0', raw)
    response = api_post(text)
    assert response.status_code == 422
    found = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert message in found[path]
    assert "„Erwartete Steuer“" in found[path]
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("name", ["Bel\u001blo", "Bel\u0000lo", "Bel\ud800lo", "\udfff"])
def test_api_texts_with_control_characters_or_lone_surrogates_get_a_german_4xx(
    world: World, name: str
) -> None:
    response = api_post(body(hund=[{"name": name, "rasse": "02"}]))
    assert response.status_code in (400, 422)
    problems = response.json().get("errors") or [{"path": "", "message": response.json()["detail"]}]
    assert problems[0]["message"] in (
        forbidden_characters_message(),
        "„Name des Hundes“ enthält Zeichen, die wir nicht speichern können "
        "(z. B. Steuerzeichen). Bitte geben Sie den Text erneut ein.",
    )
    if name == "Bel\u001blo":  # NUL and lone surrogates are refused for the whole request before
        assert problems == [
            {
                "path": "data.hund[0].name",
                "message": "„Name des Hundes“ enthält Zeichen, die wir nicht speichern können "
                "(z. B. Steuerzeichen). Bitte geben Sie den Text erneut ein.",
            }
        ]
    assert Submission.objects.count() == 0


def test_api_superscript_digits_in_repetitions_are_unknown_fields(world: World) -> None:
    response = api_post(body(hund={"¹": {"name": "Bello", "rasse": "02"}}))
    assert response.status_code == 422
    assert Submission.objects.count() == 0
