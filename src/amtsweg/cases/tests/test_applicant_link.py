"""Applicants without an account: the personal access link in the notification e-mail opens their case."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from amtsweg.cases import guest
from amtsweg.cases.models import Case, CaseEvent, CaseMessage, DecisionLetter, Status
from amtsweg.cases.services import (
    case_message_send,
    case_transition,
)
from amtsweg.core.models import AuditEntry
from amtsweg.submissions.tests.test_intake_fixtures import pdf_bytes, upload

from .conftest import CaseWorld

LINK = re.compile(r"https?://\S+/vorgaenge/zugang/(\S+)/")


def _link_from_notice(cw: CaseWorld, case: Case, run_tasks: Any, text: str = "Bitte Nachweis senden.") -> str:
    mail.outbox.clear()
    case_message_send(actor=cw.caseworker, case=case, text=text)
    run_tasks()
    notices = [m for m in mail.outbox if " zu Ihrem Antrag " in m.subject]
    assert len(notices) == 1
    assert notices[0].to == ["juergen@example.org"]
    found = LINK.search(notices[0].body)
    assert found, notices[0].body
    return urlsplit(found.group(0)).path


@pytest.mark.django_db
def test_the_notice_carries_a_personal_link_without_personal_data(cw: CaseWorld, run_tasks: Any) -> None:
    case = cw.case(applicant=None)
    mail.outbox.clear()
    case_message_send(actor=cw.caseworker, case=case, text="Bitte senden Sie den Nachweis über Bello.")
    run_tasks()
    body = next(m.body for m in mail.outbox if " zu Ihrem Antrag " in m.subject)
    assert LINK.search(body)
    assert "Meine Anträge" not in body  # nothing to log in to
    assert f"„Hundesteuer anmelden“ (Aktenzeichen {case.reference})" in body  # which application
    for secret in ("Bello", "Jürgen", "Müller", "Nachweis", str(case.pk) + "/"):
        assert secret not in body


@pytest.mark.django_db
def test_the_link_opens_the_case_and_the_applicant_reads_replies_and_withdraws(
    cw: CaseWorld, run_tasks: Any, media: Any
) -> None:
    case = cw.case(applicant=None)
    case = case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    link = _link_from_notice(cw, case, run_tasks, "Bitte senden Sie den Nachweis über Bello.")
    client = Client()

    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"/vorgaenge/mein/{case.reference}/"
    page = client.get(response["Location"]).content.decode()
    assert "Bitte senden Sie den Nachweis über Bello." in page
    assert "persönlichen Link" in page
    assert CaseMessage.objects.get(case=case).read_at is not None

    reply = client.post(
        f"/vorgaenge/mein/{case.reference}/antworten/",
        {"nachricht": "Anbei der Nachweis.", "dateien": [upload("Nachweis.pdf", pdf_bytes())]},
    )
    assert reply.status_code == 302
    answer = CaseMessage.objects.get(case=case, direction=CaseMessage.Direction.FROM_APPLICANT)
    assert answer.text == "Anbei der Nachweis."
    assert answer.documents.count() == 1
    entry = AuditEntry.objects.filter(action="case.message_received").latest("id")
    assert entry.actor_label == "Antragsteller (Zugangslink)"

    assert client.post(f"/vorgaenge/mein/{case.reference}/zurueckziehen/").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ZURUECKGEZOGEN
    assert case.events.filter(type=CaseEvent.Type.TRANSITION, to_status=Status.ZURUECKGEZOGEN).exists()


@pytest.mark.django_db
def test_the_decision_letter_notice_links_to_the_letter(cw: CaseWorld, run_tasks: Any, media: Any) -> None:
    case = cw.case(applicant=None)
    case = case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    mail.outbox.clear()
    # Deciding issues the letter and sends its notice (case_decide).
    case = case_transition(actor=cw.caseworker, case=case, to=Status.ENTSCHIEDEN, decision="bewilligt")
    letter = DecisionLetter.objects.get(case=case)
    run_tasks()
    (body,) = [m.body for m in mail.outbox if " zu Ihrem Antrag " in m.subject]
    found = LINK.search(body)
    assert found
    # Seen in the demo: "… ist entschieden; der Bescheid liegt für Sie bereit. Über diesen persönlichen
    # Link können Sie sie lesen" – "sie" was the message of the other notice, not the letter.
    assert "können Sie den Bescheid lesen" in body
    assert "können Sie sie lesen" not in body
    client = Client()
    page = client.get(urlsplit(found.group(0)).path, follow=True)
    assert "Bescheid vom" in page.content.decode()
    pdf = client.get(f"/vorgaenge/mein/{case.reference}/bescheid/{letter.pk}/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_link_opens_only_its_own_case(cw: CaseWorld, run_tasks: Any) -> None:
    mine = cw.case(applicant=None)
    other = cw.case(applicant=None)
    client = Client()
    client.get(_link_from_notice(cw, mine, run_tasks))
    assert client.get(f"/vorgaenge/mein/{mine.reference}/").status_code == 200
    assert client.get(f"/vorgaenge/mein/{other.reference}/").status_code == 404
    assert client.post(f"/vorgaenge/mein/{other.reference}/antworten/", {"nachricht": "x"}).status_code == 404
    assert client.post(f"/vorgaenge/mein/{other.reference}/zurueckziehen/").status_code == 404
    assert not CaseMessage.objects.filter(case=other).exists()
    other.refresh_from_db()
    assert other.status == Status.EINGEGANGEN


@pytest.mark.django_db
def test_without_the_link_a_visitor_is_sent_to_the_login(cw: CaseWorld) -> None:
    case = cw.case(applicant=None)
    response = Client().get(f"/vorgaenge/mein/{case.reference}/")
    assert response.status_code == 302
    assert "/konto/anmelden/" in response["Location"]


@pytest.mark.django_db
def test_forged_changed_or_expired_links_are_refused_in_german(cw: CaseWorld, settings: Any) -> None:
    case = cw.case(applicant=None)
    token = guest.link_token(case)
    forged = Client().get(f"/vorgaenge/zugang/{token[:-2]}xx/")
    assert forged.status_code == 404
    assert "Dieser Link ist ungültig oder unvollständig." in forged.content.decode()
    other_signature = Client().get(f"/vorgaenge/zugang/{guest.signing.dumps(case.pk, salt='anderes')}/")
    assert other_signature.status_code == 404

    past = time.time() - (settings.AMTSWEG_APPLICANT_LINK_DAYS * 86400 + 3600)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(guest.signing, "time", SimpleNamespace(time=lambda: past))
        old_token = guest.link_token(case)
    expired = Client().get(f"/vorgaenge/zugang/{old_token}/")
    assert expired.status_code == 410
    assert "Dieser Link ist abgelaufen." in expired.content.decode()


@pytest.mark.django_db
def test_a_case_with_an_account_or_anonymised_cannot_be_opened_by_link(cw: CaseWorld) -> None:
    owned = cw.case()  # belongs to the applicant's account: the owner logs in
    assert Client().get(guest.link_path(owned)).status_code == 404
    case = cw.case(applicant=None)
    Case.objects.filter(pk=case.pk).update(anonymised_at=timezone.now())
    assert Client().get(guest.link_path(case)).status_code == 404


def _case_page(client: Client, case: Case) -> int:
    return int(client.get(f"/vorgaenge/mein/{case.reference}/").status_code)


@pytest.mark.django_db
def test_the_session_ends_when_the_link_expires(cw: CaseWorld, run_tasks: Any, settings: Any) -> None:
    """The session was valid for ever once the link had been opened."""
    case = cw.case(applicant=None)
    client = Client()
    client.get(_link_from_notice(cw, case, run_tasks))
    assert _case_page(client, case) == 200
    later = time.time() + settings.AMTSWEG_APPLICANT_LINK_DAYS * 86400 + 60
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(guest, "time", SimpleNamespace(time=lambda: later))
        response = client.get(f"/vorgaenge/mein/{case.reference}/")
    assert response.status_code == 302
    assert "/konto/anmelden/" in response["Location"]


@pytest.mark.django_db
def test_a_newer_link_revokes_the_older_one_and_its_session(cw: CaseWorld, run_tasks: Any) -> None:
    case = cw.case(applicant=None)
    first = _link_from_notice(cw, case, run_tasks, "Erste Rückfrage.")
    old_browser = Client()
    old_browser.get(first)
    assert _case_page(old_browser, case) == 200

    second = _link_from_notice(cw, case, run_tasks, "Zweite Rückfrage.")
    assert second != first
    revoked = old_browser.get(f"/vorgaenge/mein/{case.reference}/")
    assert revoked.status_code == 410  # the session of the old link no longer counts
    assert "Dieser Link gilt nicht mehr" in revoked.content.decode()
    refused = Client().get(first)
    assert refused.status_code == 410
    assert "Dieser Link gilt nicht mehr" in refused.content.decode()
    new_browser = Client()
    new_browser.get(second)
    assert _case_page(new_browser, case) == 200


@pytest.mark.django_db
def test_the_caseworker_blocks_the_links_of_a_case(cw: CaseWorld, run_tasks: Any) -> None:
    from amtsweg.access.testing import login_verified

    case = cw.case(applicant=None)
    link = _link_from_notice(cw, case, run_tasks)
    applicant = Client()
    applicant.get(link)
    assert _case_page(applicant, case) == 200

    # A caseworker of another town cannot, the responsible one can.
    stranger = login_verified(Client(), cw.stranger)
    assert stranger.post(f"/vorgaenge/akte/{case.reference}/zugangslinks-sperren/").status_code == 404
    assert _case_page(applicant, case) == 200
    staff = login_verified(Client(), cw.caseworker)
    page = staff.get(f"/vorgaenge/akte/{case.reference}/").content.decode()
    assert "Zugangslinks der antragstellenden Person sperren" in page
    blocked = staff.post(f"/vorgaenge/akte/{case.reference}/zugangslinks-sperren/", follow=True)
    assert "Die bisherigen Zugangslinks sind gesperrt." in blocked.content.decode()

    assert _case_page(applicant, case) == 410
    assert Client().get(link).status_code == 410
    entry = AuditEntry.objects.filter(action="case.applicant_links.revoked").get()
    assert entry.object_id == str(case.pk)
