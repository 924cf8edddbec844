"""The applicant's side: status on "Meine Anträge", the case page, reply with files, withdrawal, letters."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from amtsweg.accounts.models import User
from amtsweg.cases.models import Case, CaseDocument, CaseMessage, Status
from amtsweg.cases.services import (
    case_message_send,
    case_transition,
    decision_letter_save,
    decision_letter_send,
)
from amtsweg.submissions.hooks import submission_statuses
from amtsweg.submissions.tests.test_intake_fixtures import EXE_BYTES, pdf_bytes, upload

from .conftest import CaseWorld


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(case: Case, suffix: str = "") -> str:
    return f"/vorgaenge/mein/{case.reference}/{suffix}"


@pytest.mark.django_db
def test_meine_antraege_gets_a_plain_german_status_with_deadline(cw: CaseWorld) -> None:
    case = cw.case()
    status = submission_statuses([case.submission])[str(case.submission_id)]
    assert status.label == "Eingegangen"
    assert status.url == _url(case)
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    case = case_transition(
        actor=cw.caseworker, case=case, to=Status.RUECKFRAGE, text="Bitte Impfpass senden."
    )
    status = submission_statuses([case.submission])[str(case.submission_id)]
    assert status.label == "Rückfrage an Sie"
    assert status.needs_action
    assert status.deadline == case.reply_due
    assert case.reply_due.strftime("%d.%m.%Y") in status.next_step
    assert "neue Nachricht" in status.next_step


@pytest.mark.django_db
def test_meine_antraege_page_shows_the_status_next_step_and_links_the_case(cw: CaseWorld) -> None:
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    case = case_transition(
        actor=cw.caseworker, case=case, to=Status.RUECKFRAGE, text="Bitte Nachweis senden."
    )

    page = _client(cw.applicant).get("/antrag/meine/").content.decode()

    assert "Rückfrage an Sie" in page
    assert f"Bitte beantworten Sie die Rückfrage bis {case.reply_due:%d.%m.%Y}." in page
    assert f'href="{_url(case)}"' in page


@pytest.mark.django_db
def test_only_the_owner_sees_the_case_page(cw: CaseWorld) -> None:
    case = cw.case()
    other = User.objects.create_user("anderer", "anderer@example.org", "pw-pw-pw-pw-1")
    assert _client(other).get(_url(case)).status_code == 404
    assert _client(cw.caseworker).get(_url(case)).status_code == 404
    anonymous = Client().get(_url(case))
    assert anonymous.status_code == 302
    assert "/konto/" in anonymous["Location"]
    page = _client(cw.applicant).get(_url(case))
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert _client(cw.applicant).get("/vorgaenge/mein/AW-0000-NICHTDA/").status_code == 404


@pytest.mark.django_db
def test_message_from_the_caseworker_is_mailed_without_personal_data_and_shown(
    cw: CaseWorld, run_tasks: Any
) -> None:
    case = cw.case()
    mail.outbox.clear()
    case_message_send(actor=cw.caseworker, case=case, text="Bitte senden Sie den Nachweis über Bello.")
    run_tasks()
    notices = [m for m in mail.outbox if m.subject.startswith("Neue Nachricht zu Ihrem Antrag")]
    assert len(notices) == 1
    assert notices[0].subject == f"Neue Nachricht zu Ihrem Antrag {case.reference} (Hundesteuer anmelden)"
    assert notices[0].to == ["buergerin@example.org"]
    body = notices[0].body
    # Which application: reference and service. Never a name, an answer or the message itself.
    assert f"„Hundesteuer anmelden“ (Aktenzeichen {case.reference})" in body
    for secret in ("Bello", "Berta", "Bürger", "Nachweis"):
        assert secret not in body
    page = _client(cw.applicant).get(_url(case)).content.decode()
    assert "Bitte senden Sie den Nachweis über Bello." in page
    assert CaseMessage.objects.get(case=case).read_at is not None  # opened: read


@pytest.mark.django_db
def test_the_letter_notice_names_case_and_service_but_no_personal_data(cw: CaseWorld, run_tasks: Any) -> None:
    from amtsweg.cases.letters import letter_issue

    cw.caseworker.is_verified = lambda: True
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    mail.outbox.clear()
    letter_issue(actor=cw.caseworker, case=case, decision="abgelehnt", reasons="Bello ist zu groß.")
    run_tasks()
    (notice,) = [m for m in mail.outbox if " zu Ihrem Antrag " in m.subject]
    assert notice.to == ["buergerin@example.org"]
    # The subject says what happened and for which application, without personal data.
    assert notice.subject == f"Bescheid zu Ihrem Antrag {case.reference} (Hundesteuer anmelden)"
    assert f"über Ihren Antrag „Hundesteuer anmelden“ (Aktenzeichen {case.reference}) ist entschieden" in (
        notice.body
    )
    for secret in ("Bello", "Berta", "Bürger", "abgelehnt", "zu groß"):
        assert secret not in notice.body
    assert not notice.attachments


@pytest.mark.django_db
def test_the_rueckfrage_notice_says_so_in_the_subject_and_names_the_reply_deadline(
    cw: CaseWorld, run_tasks: Any
) -> None:
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    mail.outbox.clear()
    case = case_transition(
        actor=cw.caseworker,
        case=case,
        to=Status.RUECKFRAGE,
        text="Wie heißt Bello mit Nachnamen?",
    )
    assert case.reply_due is not None
    run_tasks()
    (notice,) = [m for m in mail.outbox if " zu Ihrem Antrag " in m.subject]
    assert notice.subject == f"Rückfrage zu Ihrem Antrag {case.reference} (Hundesteuer anmelden)"
    assert f"Bitte antworten Sie bis {case.reply_due:%d.%m.%Y}." in notice.body
    for secret in ("Bello", "Berta", "Bürger", "Nachnamen"):
        assert secret not in notice.subject + notice.body


@pytest.mark.django_db
def test_reply_with_a_pdf_is_stored_and_a_program_is_refused(cw: CaseWorld, media: Any) -> None:
    case = cw.case()
    client = _client(cw.applicant)
    response = client.post(
        _url(case, "antworten/"),
        {"nachricht": "Anbei der Nachweis.", "dateien": [upload("Nachweis.pdf", pdf_bytes())]},
    )
    assert response.status_code == 302
    message = CaseMessage.objects.get(case=case)
    assert (message.direction, message.text) == (CaseMessage.Direction.FROM_APPLICANT, "Anbei der Nachweis.")
    document = CaseDocument.objects.get(message=message)
    assert (document.original_name, document.content_type) == ("Nachweis.pdf", "application/pdf")
    download = client.get(_url(case, f"datei/{document.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    refused = client.post(
        _url(case, "antworten/"), {"nachricht": "Noch eine.", "dateien": [upload("Nachweis.pdf", EXE_BYTES)]}
    )
    assert refused.status_code == 400
    assert "keine PDF" in refused.content.decode()
    assert CaseMessage.objects.filter(case=case).count() == 1
    empty = client.post(_url(case, "antworten/"), {"nachricht": "  "})
    assert empty.status_code == 400
    assert "Bitte schreiben Sie eine Nachricht." in empty.content.decode()


@pytest.mark.django_db
def test_withdrawal_needs_confirmation_and_only_while_open(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.applicant)
    confirm = client.get(_url(case, "zurueckziehen/"))
    assert confirm.status_code == 200
    assert "Ja, Antrag zurückziehen" in confirm.content.decode()
    case.refresh_from_db()
    assert case.status == Status.EINGEGANGEN  # GET changes nothing
    assert client.post(_url(case, "zurueckziehen/")).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ZURUECKGEZOGEN
    again = client.post(_url(case, "zurueckziehen/"), follow=True)
    assert "kann nicht mehr zurückgezogen werden" in again.content.decode()
    # closed: no more replies
    refused = client.post(_url(case, "antworten/"), {"nachricht": "Hallo?"})
    assert refused.status_code == 400


@pytest.mark.django_db
def test_a_stranger_cannot_withdraw_or_reply(cw: CaseWorld) -> None:
    case = cw.case()
    other = _client(User.objects.create_user("fremd", "fremd@example.org", "pw-pw-pw-pw-1"))
    assert other.post(_url(case, "zurueckziehen/")).status_code == 404
    assert other.post(_url(case, "antworten/"), {"nachricht": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.EINGEGANGEN
    assert not CaseMessage.objects.exists()


@pytest.mark.django_db
def test_decision_letter_download_only_after_it_was_sent(cw: CaseWorld, media: Any) -> None:
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    case_transition(actor=cw.caseworker, case=case, to=Status.ENTSCHIEDEN, decision="bewilligt")
    letter = decision_letter_save(
        actor=cw.caseworker, case=case, subject="Bescheid", body="Bewilligt.", pdf=pdf_bytes()
    )
    client = _client(cw.applicant)
    assert client.get(_url(case, f"bescheid/{letter.pk}/")).status_code == 404
    decision_letter_send(actor=cw.caseworker, letter=letter)
    page = client.get(_url(case)).content.decode()
    assert f"bescheid/{letter.pk}/" in page
    assert "Entschieden: bewilligt" in page
    response = client.get(_url(case, f"bescheid/{letter.pk}/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_reply_with_a_too_large_file_is_stopped_with_a_german_413(
    cw: CaseWorld, media: Any, settings: Any
) -> None:
    settings.AMTSWEG_UPLOAD_MAX_MB = 1
    case = cw.case()
    client = _client(cw.applicant)
    big = upload("Nachweis.pdf", pdf_bytes() + b"0" * (3 * 1024 * 1024))
    response = client.post(_url(case, "antworten/"), {"nachricht": "Anbei.", "dateien": [big]})
    assert response.status_code == 413
    assert "Die Datei ist zu groß" in response.content.decode()
    assert not CaseMessage.objects.filter(case=case, text="Anbei.").exists()
