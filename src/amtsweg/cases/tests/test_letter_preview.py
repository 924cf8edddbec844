"""A caseworker sees the decision letter – page and PDF – before it is sent, and sends what was seen."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from amtsweg.access.testing import login_verified
from amtsweg.cases.models import Case, DecisionLetter, LegalRemedy, LetterTemplate, Status
from amtsweg.cases.services import case_transition
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.testing import pdf_accessibility_problems

pytestmark = pytest.mark.django_db

DECISION = {"entscheidung": "abgelehnt", "begruendung": "Der Hund ist nicht gemeldet."}


def _ready(cw: CaseWorld) -> tuple[Case, Client]:
    cw.caseworker.first_name, cw.caseworker.last_name = "Erika", "Möller"
    cw.caseworker.save()
    cw.caseworker.is_verified = lambda: True
    case = case_transition(actor=cw.caseworker, case=cw.case(), to=Status.IN_PRUEFUNG)
    client = Client()
    login_verified(client, cw.caseworker)
    return case, client


def _post(client: Client, case: Case, **data: Any) -> Any:
    return client.post(f"/vorgaenge/akte/{case.reference}/status/entschieden/", {**DECISION, **data})


def _fingerprint(response: Any) -> str:
    found = re.search(r'name="vorschau" value="(\w+)"', response.content.decode())
    assert found, "Die Vorschau trägt keinen Fingerabdruck des Bescheids."
    return found.group(1)


def _undecided(case: Case) -> bool:
    case.refresh_from_db()
    return case.status == Status.IN_PRUEFUNG and not DecisionLetter.objects.filter(case=case).exists()


def test_the_decision_form_offers_a_preview_not_a_send(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    page = client.get(f"/vorgaenge/akte/{case.reference}/status/entschieden/").content.decode()
    assert "Vorschau des Bescheids anzeigen" in page
    assert 'value="senden"' not in page


def test_the_preview_shows_the_letter_as_it_will_be_sent_and_stores_nothing(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    response = _post(client, case, aktion="vorschau")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vorschau des Bescheids" in page
    assert "Bescheid über Ihren Antrag – Hundesteuer anmelden" in page
    assert "Der Hund ist nicht gemeldet." in page
    assert "Erika Möller" in page
    assert "Verwaltungsgericht Münster" in page
    assert "Rechtsbehelfsbelehrung" in page
    assert _undecided(case)


def test_the_pdf_preview_is_the_letter_marked_as_preview(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    response = _post(client, case, aktion="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Vorschau" in text
    assert "Der Hund ist nicht gemeldet." in text
    assert "Piusallee 38" in text
    assert pdf_accessibility_problems(response.content, title="Vorschau") == []
    assert _undecided(case)


def test_send_without_a_preview_shows_the_preview_instead(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    response = _post(client, case, aktion="senden", bestaetigt="on")
    assert response.status_code == 409
    assert "Der Bescheid hat sich seit Ihrer Vorschau geändert" in response.content.decode()
    assert _undecided(case)


def test_send_after_the_preview_stores_exactly_the_previewed_letter(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    preview = _post(client, case, aktion="vorschau")
    sent = _post(client, case, aktion="senden", bestaetigt="on", vorschau=_fingerprint(preview))
    assert sent.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.decision) == (Status.ENTSCHIEDEN, "abgelehnt")
    letter = DecisionLetter.objects.get(case=case)
    assert letter.sent_at is not None
    assert "Der Hund ist nicht gemeldet." in letter.body
    assert "Erika Möller" in letter.body


def test_a_template_changed_after_the_preview_is_not_sent_unseen(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    template = LetterTemplate.objects.create(
        authority=case.authority,
        name="Ablehnung",
        subject="Ablehnung {{ aktenzeichen }}",
        body="Alte Fassung.",
    )
    preview = _post(client, case, aktion="vorschau", vorlage=str(template.pk))
    assert "Alte Fassung." in preview.content.decode()
    template.body = "Neue Fassung."
    template.save()
    response = _post(
        client,
        case,
        aktion="senden",
        bestaetigt="on",
        vorlage=str(template.pk),
        vorschau=_fingerprint(preview),
    )
    assert response.status_code == 409
    assert "Neue Fassung." in response.content.decode()
    assert _undecided(case)


def test_without_legal_remedy_the_preview_explains_in_german_and_nothing_is_stored(cw: CaseWorld) -> None:
    case, client = _ready(cw)
    LegalRemedy.objects.all().delete()
    response = _post(client, case, aktion="vorschau")
    assert response.status_code == 400
    assert "keine Rechtsbehelfsbelehrung hinterlegt" in response.content.decode()
    response = _post(client, case, aktion="senden", bestaetigt="on", vorschau="0" * 32)
    assert response.status_code == 400
    assert _undecided(case)
