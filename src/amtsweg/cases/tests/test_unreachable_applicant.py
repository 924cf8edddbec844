"""An applicant of whom no e-mail address is known (no account; e.g. a FIT-Connect submission whose reply
channel Amtsweg cannot use) learns nothing from Amtsweg: the caseworker is told so when writing a message,
asking a Rückfrage or sending a decision – never a "gesendet" that reached nobody."""

from __future__ import annotations

import re
from typing import Any

import pytest

from amtsweg.cases.models import Case
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.cases.tests.test_entry_points import REASONS, _staff, reply_due
from amtsweg.submissions.models import Submission

pytestmark = pytest.mark.django_db


def _case_without_address(cw: CaseWorld) -> Case:
    case = cw.case(applicant=None)
    Submission.objects.filter(pk=case.submission_id).update(applicant_email="")
    return Case.objects.get(pk=case.pk)


def _page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_message_to_an_unreachable_applicant_is_not_reported_as_sent(cw: CaseWorld) -> None:
    case = _case_without_address(cw)
    client = _staff(cw)
    page = _page(
        client.post(
            f"/vorgaenge/akte/{case.reference}/nachricht/",
            {"nachricht-text": "Bitte reichen Sie den Nachweis nach."},
            follow=True,
        )
    )
    assert "erreicht die antragstellende Person aber nicht elektronisch" in page
    assert "Bitte senden Sie das Schreiben per Post." in page
    assert "Die Nachricht ist gesendet." not in page
    assert "Nicht elektronisch zugestellt – bitte per Post senden." in page

    # With an address the message goes out as before.
    reachable = cw.case()
    page = _page(
        client.post(
            f"/vorgaenge/akte/{reachable.reference}/nachricht/", {"nachricht-text": "Danke."}, follow=True
        )
    )
    assert "Die Nachricht ist gesendet." in page
    assert "Nicht elektronisch zugestellt" not in page


def test_a_rueckfrage_and_a_decision_for_an_unreachable_applicant_ask_for_post(cw: CaseWorld) -> None:
    case = _case_without_address(cw)
    client = _staff(cw)
    client.post(f"/vorgaenge/akte/{case.reference}/status/in_pruefung/")
    page = _page(
        client.post(
            f"/vorgaenge/akte/{case.reference}/status/rueckfrage/",
            {"text": "Welche Rasse?", "antwort_bis": reply_due().strftime("%d.%m.%Y")},
            follow=True,
        )
    )
    assert "Die Rückfrage ist gespeichert, erreicht die antragstellende Person aber nicht" in page

    client.post(f"/vorgaenge/akte/{case.reference}/status/in_pruefung/")
    url = f"/vorgaenge/akte/{case.reference}/status/entschieden/"
    form = {"entscheidung": "abgelehnt", "begruendung": REASONS, "vorlage": ""}
    preview = _page(client.post(url, {**form, "aktion": "vorschau"}))
    found = re.search(r'name="vorschau" value="([0-9a-f]+)"', preview)
    assert found
    page = _page(
        client.post(
            url, {**form, "aktion": "senden", "vorschau": found.group(1), "bestaetigt": "on"}, follow=True
        )
    )
    assert "der Bescheid erreicht die antragstellende Person aber nicht elektronisch" in page
    assert "und der Bescheid zugestellt" not in page
