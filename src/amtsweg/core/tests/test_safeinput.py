"""Hostile input gets a 4xx with a German message, never a 500 (issue 12): NUL and lone surrogates in
paths, query strings and form fields, JSON nested too deep, API writes that are not declared as JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from amtsweg.core.safeinput import JsonRejected, json_loads, json_too_deep

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/formulare/a%00b/schema",
        "/vorgaenge/mein/a%00b/",
        "/vorgaenge/akte/a%00b/",
        "/antrag/a%00b/",
        "/suche/?q=a%00b",
        "/suche/?a%00=1",
        "/leistungen/?q=%00",
    ],
)
def test_nul_in_the_path_or_query_is_a_bad_request(path: str) -> None:
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 400
    assert "Nullzeichen" in response.content.decode()


def test_the_api_answers_400_in_json() -> None:
    response = Client().get("/api/v1/formulare/a%00b/schema")
    assert response.status_code == 400
    assert "Nullzeichen" in response.json()["detail"]


def test_nul_in_a_form_field_is_a_bad_request() -> None:
    response = Client().post("/konto/anmelden/", {"identifier": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert "Nullzeichen" in response.content.decode()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_api_writes_must_be_declared_as_json(content_type: str) -> None:
    # A foreign web page can make a browser send text/plain or form bodies without a CORS preflight.
    response = Client().generic(
        "POST", "/api/v1/formulare/x/antraege", b'{"municipality": "05558016", "data": {}}', content_type
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_deep_json_is_refused_in_linear_time() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(JsonRejected, match="zu tief verschachtelt"):
        json_loads(deep)
    assert json_too_deep(b'["[[[[\\"[[[", [1]]', 2) is False
    assert json_too_deep(b'["a\\\\", [[1]]]', 2) is True


@pytest.mark.parametrize("raw", [b'{"a": "\\u0000"}', b'{"a": "\\ud800"}', b'{"\\udfff": 1}', b"\xff"])
def test_json_strings_with_nul_or_lone_surrogates_are_refused(raw: bytes) -> None:
    with pytest.raises(JsonRejected):
        json_loads(raw)


def test_a_pair_of_surrogates_is_an_ordinary_character() -> None:
    assert json_loads(b'{"a": "\\ud83d\\ude00 M\\u00fcller"}') == {"a": "😀 Müller"}
