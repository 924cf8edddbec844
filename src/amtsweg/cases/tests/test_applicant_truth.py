"""What the citizen reads is true: "Mein Konto" names new messages and open questions, an answered
Rückfrage asks for nothing more, a letter is promised only when there is one, and a processing target in
the past is called a delay."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amtsweg.cases.models import Case, Status
from amtsweg.cases.services import case_reply, case_transition, decision_letter_save, decision_letter_send
from amtsweg.submissions.tests.test_intake_fixtures import pdf_bytes

from .conftest import CaseWorld

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _case_page(cw: CaseWorld, case: Case) -> str:
    return _client(cw.applicant).get(f"/vorgaenge/mein/{case.reference}/").text


def _meine_antraege(cw: CaseWorld) -> str:
    return _client(cw.applicant).get("/antrag/meine/").text


def _question(cw: CaseWorld) -> Case:
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    return case_transition(
        actor=cw.caseworker, case=case, to=Status.RUECKFRAGE, text="Bitte Impfpass senden."
    )


def test_mein_konto_names_the_new_message_and_the_open_question(cw: CaseWorld) -> None:
    quiet = _client(cw.applicant).get("/konto/").text
    assert "Sie haben keine neuen Nachrichten und keine offenen Rückfragen." in quiet

    case = _question(cw)
    page = _client(cw.applicant).get("/konto/").text

    assert "keine neuen Nachrichten" not in page
    assert "keine Nachrichten" not in page
    assert f"/vorgaenge/mein/{case.reference}/" in page
    assert f"Bitte beantworten Sie die Rückfrage bis {case.reply_due:%d.%m.%Y}." in page
    assert "Sie haben eine neue Nachricht." in page


def test_after_the_answer_nobody_asks_to_answer_any_more(cw: CaseWorld) -> None:
    case = _question(cw)
    assert "Bitte beantworten Sie die Rückfrage bis" in _case_page(cw, case)

    case_reply(actor=cw.applicant, case=case, text="Der Impfpass liegt bei.")

    for page in (_case_page(cw, case), _meine_antraege(cw), _client(cw.applicant).get("/konto/").text):
        assert "Bitte beantworten Sie die Rückfrage" not in page
        assert "Antwort bis" not in page
    # The answer ends the Rückfrage (services.case_reply): the case is back in the review.
    case.refresh_from_db()
    assert (case.status, case.reply_due) == (Status.IN_PRUEFUNG, None)
    assert "Die zuständige Stelle prüft Ihren Antrag. Sie müssen nichts tun." in _case_page(cw, case)
    assert "Sie müssen nichts tun." in _meine_antraege(cw)
    assert "Rückfrage beantworten" not in _case_page(cw, case)  # the form is a plain message form now


def test_a_letter_is_promised_only_when_it_was_sent(cw: CaseWorld, media: Any) -> None:
    case = cw.case()
    # Deciding issues and sends the letter at once (services.case_decide); a decided case without a sent
    # letter is one decided before that, or whose letter was withdrawn.
    Case.objects.filter(pk=case.pk).update(status=Status.ENTSCHIEDEN, decision="bewilligt")

    for page in (_case_page(cw, case), _meine_antraege(cw)):
        assert "Den Bescheid finden Sie" not in page
        assert "Sobald der Bescheid versandt ist, finden Sie ihn hier." in page

    letter = decision_letter_save(
        actor=cw.caseworker, case=case, subject="Bescheid", body="Bewilligt.", pdf=pdf_bytes()
    )
    decision_letter_send(actor=cw.caseworker, letter=letter)
    assert "Den Bescheid finden Sie auf der Seite des Antrags." in _meine_antraege(cw)
    # On the case page itself the letter is further down: no pointer to "the page of the application".
    page = _case_page(cw, case)
    assert "Den Bescheid finden Sie unten unter „Bescheide“." in page
    assert "Seite des Antrags" not in page
    assert page.index("unten unter „Bescheide“") < page.index('id="bescheide"')


def test_a_processing_target_in_the_past_is_called_a_delay(cw: CaseWorld) -> None:
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    past = timezone.localdate() - datetime.timedelta(days=2)
    Case.objects.filter(pk=case.pk).update(due_date=past)

    for page in (_case_page(cw, case), _meine_antraege(cw)):
        assert "voraussichtlich bearbeitet bis" not in page.lower()
        assert f"Die Bearbeitung dauert länger als vorgesehen (geplant war der {past:%d.%m.%Y})." in page

    future = timezone.localdate() + datetime.timedelta(days=9)
    Case.objects.filter(pk=case.pk).update(due_date=future)
    assert f"Voraussichtlich bearbeitet bis {future:%d.%m.%Y}" in _meine_antraege(cw)
    assert "länger als vorgesehen" not in _case_page(cw, case)
