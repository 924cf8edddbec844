"""A service without legal remedy data cannot issue a decision letter – on no entry point. The caseworker
reads why in German (never a 500), and nothing is half-written: no decision, no letter, no notice."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from amtsweg.access.testing import login_verified
from amtsweg.cases.models import Case, CaseEvent, DecisionLetter, LegalRemedy, Status
from amtsweg.cases.services import case_transition
from amtsweg.cases.tests.conftest import CaseWorld

pytestmark = pytest.mark.django_db

MESSAGE = "keine Rechtsbehelfsbelehrung hinterlegt"


def _case(cw: CaseWorld) -> Case:
    cw.caseworker.is_verified = lambda: True
    case = case_transition(actor=cw.caseworker, case=cw.case(), to=Status.IN_PRUEFUNG)
    LegalRemedy.objects.all().delete()
    mail.outbox.clear()
    return case


def _nothing_written(case: Case) -> None:
    case.refresh_from_db()
    assert (case.status, case.decision) == (Status.IN_PRUEFUNG, "")
    assert not DecisionLetter.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, type=CaseEvent.Type.LETTER).exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("entscheidung", {"decision": "bewilligt", "reasons": "Alles vorhanden."}),
        ("status", {"to": "entschieden", "decision": "bewilligt", "text": "Alles vorhanden."}),
    ],
)
def test_the_api_refuses_with_a_german_4xx(cw: CaseWorld, path: str, body: dict[str, str]) -> None:
    case = _case(cw)
    client = login_verified(Client(), cw.caseworker)
    response = client.post(
        f"/api/v1/vorgaenge/{case.reference}/{path}", data=json.dumps(body), content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert MESSAGE in response.content.decode()
    _nothing_written(case)


def test_the_command_refuses_with_a_german_error(cw: CaseWorld) -> None:
    case = _case(cw)
    with pytest.raises(CommandError, match=MESSAGE):
        call_command(
            "case-transition", case.reference, "entschieden", "--as-user", "sb-steuern",
            "--decision", "bewilligt", stdout=StringIO(),
        )  # fmt: skip
    _nothing_written(case)


def test_the_web_page_refuses_with_a_german_message(cw: CaseWorld) -> None:
    case = _case(cw)
    client = login_verified(Client(), cw.caseworker)
    response = client.post(
        f"/vorgaenge/akte/{case.reference}/status/entschieden/",
        {"entscheidung": "bewilligt", "aktion": "senden", "bestaetigt": "on", "vorschau": "0" * 32},
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    _nothing_written(case)
