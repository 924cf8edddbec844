"""The case API for specialist systems: API keys (hashed, scoped, revocable, rate-limited), reads and writes
through the same domain functions as the web, answers that match the published OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from openapi_schema_validator import OAS31Validator

from amtsweg.cases.models import Case, DecisionLetter
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.core.actors import Actor
from amtsweg.core.models import AuditEntry
from amtsweg.systemapi import services
from amtsweg.systemapi.models import ApiClient

BASE = "/api/v1/fachverfahren"


def _key(
    cw: CaseWorld, *, write: bool = False, rate: str = "", authorities: Any = None
) -> tuple[ApiClient, str]:
    client = ApiClient(owner=cw.base.town, name="Hundesteuer-Verfahren", may_write=write, rate=rate)
    return services.api_client_create(
        actor=Actor.system("test"), client=client, authorities=authorities or [cw.base.town]
    )


def _get(client: Client, path: str, key: str) -> Any:
    return client.get(BASE + path, HTTP_AUTHORIZATION=f"Bearer {key}")


def _post(client: Client, path: str, key: str, body: dict[str, Any]) -> Any:
    return client.post(
        BASE + path,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def _openapi_check(client: Client, path: str, method: str, answer: Any) -> None:
    """The answer matches the response schema of the API's own OpenAPI document."""
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][f"/api/v1/fachverfahren{path}"][method]
    schema = operation["responses"][str(answer.status_code)]["content"]["application/json"]["schema"]
    OAS31Validator({**schema, "components": document["components"]}).validate(answer.json())


def test_key_is_stored_hashed_and_reads_the_cases_of_its_authorities(
    cw: CaseWorld, client: Client, media: Any
) -> None:
    own = cw.case()
    client_record, key = _key(cw)
    assert key.startswith(client_record.key_prefix + "_")
    assert key not in str(ApiClient.objects.filter(pk=client_record.pk).values().get())
    answer = _get(client, "/vorgaenge", key)
    assert answer.status_code == 200, answer.content
    assert [c["aktenzeichen"] for c in answer.json()["ergebnisse"]] == [own.reference]
    _openapi_check(client, "/vorgaenge", "get", answer)
    detail = _get(client, f"/vorgaenge/{own.reference}", key)
    assert detail.status_code == 200
    assert detail.json()["status"] == "eingegangen"
    assert detail.json()["angaben"]
    _openapi_check(client, "/vorgaenge/{reference}", "get", detail)
    history = _get(client, f"/vorgaenge/{own.reference}/statusverlauf", key)
    assert [s["status"] for s in history.json()] == ["eingegangen"]
    _openapi_check(client, "/vorgaenge/{reference}/statusverlauf", "get", history)


def test_cases_of_other_authorities_do_not_exist_for_the_key(
    cw: CaseWorld, client: Client, media: Any
) -> None:
    own = cw.case()
    _client, key = _key(cw, authorities=[cw.other_town])
    assert _get(client, "/vorgaenge", key).json()["anzahl"] == 0
    answer = _get(client, f"/vorgaenge/{own.reference}", key)
    assert answer.status_code == 404
    assert "Vorgang" in answer.json()["detail"]


def test_missing_unknown_and_revoked_keys_get_401_in_german(cw: CaseWorld, client: Client) -> None:
    assert client.get(BASE + "/vorgaenge").json()["detail"].startswith("Bitte senden Sie Ihren API-Schlüssel")
    assert client.get(BASE + "/vorgaenge").status_code == 401
    record, key = _key(cw)
    assert _get(client, "/vorgaenge", key + "x").status_code == 401
    assert _get(client, "/vorgaenge", key).status_code == 200
    services.api_client_revoke(actor=Actor.system("test"), client=record)
    answer = _get(client, "/vorgaenge", key)
    assert answer.status_code == 401
    assert "gesperrt" in answer.json()["detail"]


def test_rate_limit_per_key(cw: CaseWorld, client: Client) -> None:
    _record, key = _key(cw, rate="2/m")
    assert _get(client, "/vorgaenge", key).status_code == 200
    assert _get(client, "/vorgaenge", key).status_code == 200
    answer = _get(client, "/vorgaenge", key)
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0
    _other, second = _key(cw, rate="2/m")
    assert _get(client, "/vorgaenge", second).status_code == 200  # counted per key


def test_read_only_key_cannot_write(cw: CaseWorld, client: Client, media: Any) -> None:
    case = cw.case()
    _record, key = _key(cw)
    answer = _post(client, f"/vorgaenge/{case.reference}/status", key, {"to": "in_pruefung"})
    assert answer.status_code == 403
    assert "nur lesen" in answer.json()["detail"]
    assert Case.objects.get(pk=case.pk).status == "eingegangen"


def test_system_decides_through_the_domain_function_and_the_audit_names_it(
    cw: CaseWorld, client: Client, media: Any
) -> None:
    case = cw.case()
    _record, key = _key(cw, write=True)
    assert _post(client, f"/vorgaenge/{case.reference}/status", key, {"to": "in_pruefung"}).status_code == 200
    skipped = _post(client, f"/vorgaenge/{case.reference}/status", key, {"to": "abgeschlossen"})
    assert skipped.status_code == 409
    bad = _post(client, f"/vorgaenge/{case.reference}/entscheidung", key, {"reasons": "x"})
    assert bad.status_code == 400
    assert "Entscheidung" in bad.json()["detail"]
    answer = _post(
        client,
        f"/vorgaenge/{case.reference}/entscheidung",
        key,
        {"decision": "bewilligt", "reasons": "Vollständig."},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "entschieden"
    letter = DecisionLetter.objects.get(case=case)
    assert letter.sent_at is not None  # issued and sent, as on the web
    entry = AuditEntry.objects.filter(action="case.transition").order_by("-id").first()
    assert entry is not None
    assert entry.actor_kind == "client"
    assert entry.actor_label == "Fachverfahren Hundesteuer-Verfahren"
    documents = _get(client, f"/vorgaenge/{case.reference}/dokumente", key).json()
    assert [d["art"] for d in documents] == ["bescheid"]
    content = _get(client, documents[0]["inhalt"].removeprefix(BASE), key)
    assert content.status_code == 200
    assert b"".join(content.streaming_content).startswith(b"%PDF")
    message = _post(
        client, f"/vorgaenge/{case.reference}/nachrichten", key, {"text": "Der Ausweis liegt bereit."}
    )
    assert message.status_code == 200
    texts = [m["text"] for m in _get(client, f"/vorgaenge/{case.reference}/nachrichten", key).json()]
    assert "Der Ausweis liegt bereit." in texts


def test_openapi_documents_the_api_key(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/fachverfahren/vorgaenge"]["get"]
    assert operation["security"]
    scheme = next(iter(operation["security"][0]))
    assert document["components"]["securitySchemes"][scheme]["scheme"] == "bearer"


@pytest.mark.parametrize("role", ["sachbearbeitung", None])
def test_only_the_fachadministration_makes_keys(cw: CaseWorld, role: str | None) -> None:
    from django.core.exceptions import PermissionDenied

    from amtsweg.access.testing import staff_create

    user = staff_create(f"u-{role}", cw.base.town, *([role] if role else []))
    with pytest.raises(PermissionDenied):
        services.api_client_create(
            actor=user, client=ApiClient(owner=cw.base.town, name="X"), authorities=[cw.base.town]
        )
    admin_user = staff_create("fa", cw.base.town, "fachadministration")
    with pytest.raises(PermissionDenied):  # not for another authority's cases
        services.api_client_create(
            actor=admin_user, client=ApiClient(owner=cw.base.town, name="X"), authorities=[cw.other_town]
        )
    _client, key = services.api_client_create(
        actor=admin_user, client=ApiClient(owner=cw.base.town, name="X"), authorities=[cw.base.town]
    )
    assert key
