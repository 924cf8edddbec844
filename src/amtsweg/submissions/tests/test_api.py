"""The submissions API: idempotent POST, German 422/409/404, JSON Schema, CSRF for sessions, rate limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from amtsweg.accounts.models import User
from amtsweg.submissions.api import caches_clear
from amtsweg.submissions.models import Submission
from amtsweg.submissions.tests.test_intake_fixtures import (
    FORM_KEY,
    World,
    build_world,
    hundesteuer_spec,
    valid_data,
)
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db
URL = f"/api/v1/formulare/{FORM_KEY}/antraege"


@module_world
def _world_built() -> World:
    return build_world()


@pytest.fixture
def world(_world_built: World, db: None) -> World:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    caches_clear()


def _post(client: Client, body: Any, key: str | None = "schluessel-1", **headers: str) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def _body(**data_changes: Any) -> dict[str, Any]:
    return {"municipality": "05558016", "data": valid_data(**data_changes)}


def test_post_creates_a_submission_and_a_retry_returns_it(world: World) -> None:
    client = Client()
    first = _post(client, _body())
    assert first.status_code == 201, first.content
    payload = first.json()
    assert payload["reference"].startswith("AW-")
    assert payload["authority"] == "Stadt Dülmen"
    assert payload["org_unit"] == "Steueramt"
    assert first["Location"] == f"{URL}/{payload['reference']}"
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.API
    assert submission.applicant_email == "juergen@example.org"
    assert list(
        DBTaskResult.objects.filter(task_path__startswith="amtsweg.submissions.tasks").values_list(
            "task_path", flat=True
        )
    ) == ["amtsweg.submissions.tasks.send_confirmation"]

    again = _post(Client(), _body())
    assert again.status_code == 200
    assert again.json()["reference"] == payload["reference"]
    assert again["Location"] == first["Location"]
    assert Submission.objects.count() == 1


def test_same_key_with_another_body_is_a_conflict(world: World) -> None:
    assert _post(Client(), _body()).status_code == 201
    other = _post(Client(), _body(zustimmung=True, steuerbetrag=99))
    assert other.status_code == 409
    assert "schon für einen anderen Antrag verwendet" in other.json()["detail"]
    assert Submission.objects.count() == 1


def test_invalid_data_get_422_with_german_messages_per_path(world: World) -> None:
    data = valid_data()
    del data["antragsteller"]["vorname"]
    data["hund"][0]["geburtsdatum"] = "gestern"
    response = _post(Client(), {"municipality": "05558016", "data": data})
    assert response.status_code == 422
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert "data.antragsteller.vorname" in errors
    assert any(path.startswith("data.hund") for path in errors)
    assert all(message[0].isupper() for message in errors.values())
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("body", "path", "text"),
    [
        ({"municipality": "99999999", "data": valid_data()}, "municipality", "kennen wir nicht"),
        ({"municipality": "05558000", "data": valid_data()}, "municipality", "kennen wir nicht"),
        ({"data": valid_data()}, "municipality", "Gemeindeschlüssel"),
        ({"municipality": "05558016", "data": [1, 2]}, "data", "JSON-Objekt"),
        ([], "", "JSON-Objekt"),
    ],
)
def test_malformed_requests_get_422(world: World, body: Any, path: str, text: str) -> None:
    response = _post(Client(), body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["path"] == path
    assert text in errors[0]["message"]


def test_broken_json_and_missing_key(world: World) -> None:
    broken = Client().post(URL, data="{kaputt", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert broken.status_code == 422
    assert "kein gültiges JSON" in broken.json()["errors"][0]["message"]
    missing = _post(Client(), _body(), key=None)
    assert missing.status_code == 400
    assert "Idempotency-Key" in missing.json()["detail"]


def test_unknown_form_is_404_in_german(world: World) -> None:
    response = Client().post(
        "/api/v1/formulare/gibt-es-nicht/antraege",
        data=json.dumps(_body()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert response.status_code == 404
    assert "gibt es nicht" in response.json()["detail"]
    assert Client().get("/api/v1/formulare/gibt-es-nicht/schema").status_code == 404


def test_schema_of_the_published_version(world: World) -> None:
    response = Client().get(f"/api/v1/formulare/{FORM_KEY}/schema")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    assert schema == world.version.json_schema
    assert "antragsteller" in schema["properties"]


def test_session_users_need_the_csrf_token_and_submit_as_their_account(world: World) -> None:
    user = User.objects.create_user(username="erika", email="erika@example.org", first_name="Erika")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = _post(client, _body())
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    token = get_random_string(32)
    client.cookies["csrftoken"] = token  # as the browser holds it after any page with a form
    accepted = _post(client, _body(), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
    submission = Submission.objects.get()
    assert submission.applicant == user
    own = client.get(accepted["Location"])
    assert own.status_code == 200
    assert own.json()["reference"] == submission.reference
    assert Client().get(accepted["Location"]).status_code == 404


def test_anonymous_clients_are_rate_limited(world: World, settings: Any) -> None:
    settings.AMTSWEG_API_ANON_RATE = "2/m"
    client = Client()
    assert _post(client, _body(), key="a").status_code == 201
    assert _post(client, _body(), key="b").status_code == 201
    limited = _post(client, _body(), key="c")
    assert limited.status_code == 429
    assert "Zu viele Anträge" in limited.json()["detail"]
    assert int(limited["Retry-After"]) > 0


def test_a_newly_published_version_is_used_and_old_submissions_keep_theirs(world: World) -> None:
    from amtsweg.forms.services import form_version_create

    assert _post(Client(), _body(), key="alt").status_code == 201
    form_version_create(
        actor=None, spec=hundesteuer_spec("2.0"), owner=world.kreis, source="definition", publish=True
    )
    caches_clear()
    assert _post(Client(), _body(), key="neu").status_code == 201
    versions = dict(Submission.objects.values_list("idempotency_key", "form_version__version"))
    assert versions == {"api:anonym:alt": "1.0", "api:anonym:neu": "2.0"}


# ---- hostile input (issue 12) ---------------------------------------------------------------------


def test_json_nested_100000_levels_deep_is_a_422(world: World) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = Client().post(
        URL,
        data='{"municipality": "05558016", "data": ' + deep + "}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tief",
    )
    assert response.status_code == 422
    assert "zu tief verschachtelt" in response.json()["errors"][0]["message"]
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("bad", ["Jürgen\x00", "\ud800", "\udfff Jürgen"])
def test_nul_or_lone_surrogates_in_a_field_or_the_municipality_are_a_422(world: World, bad: str) -> None:
    data = valid_data()
    data["antragsteller"]["vorname"] = bad
    in_field = _post(Client(), {"municipality": "05558016", "data": data}, key="feld")
    in_municipality = _post(Client(), {"municipality": bad, "data": valid_data()}, key="gemeinde")
    for response in (in_field, in_municipality):
        assert response.status_code == 422, response.content
        assert "Nullzeichen" in response.json()["errors"][0]["message"]
    assert Submission.objects.count() == 0


def test_a_text_plain_body_is_refused(world: World) -> None:
    # Without this a foreign web page could submit through a visitor's browser (no CORS preflight).
    response = Client().post(
        URL, data=json.dumps(_body()), content_type="text/plain", HTTP_IDEMPOTENCY_KEY="einfach"
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert Submission.objects.count() == 0


def test_distinct_long_municipality_values_are_not_kept_in_memory(world: World) -> None:
    from amtsweg.submissions import api as submissions_api

    for number in range(5):
        response = _post(Client(), {"municipality": str(number) * 100_000, "data": {}}, key=f"lang-{number}")
        assert response.status_code == 422
    assert len(submissions_api._municipalities) == 0
