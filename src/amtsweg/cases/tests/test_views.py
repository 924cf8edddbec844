"""The caseworker's back office: who gets in, what the case page shows, and the actions on a case."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.cases.models import Case, CaseEvent, CaseMessage, CaseNote, DecisionLetter, Forward, Status
from amtsweg.cases.tests.conftest import CaseWorld

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return login_verified(Client(), user)


def _url(case: Case, suffix: str = "") -> str:
    return f"/vorgaenge/akte/{case.reference}/{suffix}"


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---- access ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    response = client.get("/vorgaenge/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/") or "next=/vorgaenge/" in response["Location"]


def test_staff_without_second_factor_in_this_session_are_refused(cw: CaseWorld) -> None:
    client = Client()
    client.force_login(cw.caseworker)
    assert client.get("/vorgaenge/").status_code == 403


def test_citizens_and_staff_without_case_role_are_refused(cw: CaseWorld) -> None:
    citizen = Client()
    citizen.force_login(cw.applicant)
    assert citizen.get("/vorgaenge/").status_code == 403
    admin = staff_create("fachadmin-x", cw.base.town, "fachadministration")
    assert _client(admin).get("/vorgaenge/").status_code == 403


def test_a_case_of_another_town_is_not_found(cw: CaseWorld) -> None:
    case = cw.case()
    assert _client(cw.stranger).get(_url(case)).status_code == 404
    assert case.reference not in _text(_client(cw.stranger).get("/vorgaenge/"))


# ---- case page --------------------------------------------------------------------------------------


def test_case_page_shows_answers_with_the_labels_and_groups_of_the_form_version(cw: CaseWorld) -> None:
    case = cw.case()
    response = _client(cw.caseworker).get(_url(case))
    assert response.status_code == 200
    text = _text(response)
    spec = case.submission.form_version.spec()
    hund = spec.root.child("hund")
    assert hund is not None
    # The repeating group "hund" is shown as "<label> 1" with the dog's name inside it.
    assert f"{hund.element.label} 1" in text
    assert "Bello" in text
    assert "Müller-Lüdenscheidt" in text
    assert "1.234,50 €" in text or "1.234,5" in text
    assert "Prüfung beginnen" in text


def test_caseworker_starts_asks_back_and_the_question_reaches_the_thread(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.caseworker)
    assert client.post(_url(case, "status/in_pruefung/")).status_code == 302
    page = client.get(_url(case, "status/rueckfrage/"))
    assert page.status_code == 200
    empty = client.post(_url(case, "status/rueckfrage/"), {"text": " "})
    assert empty.status_code == 400
    assert "Bitte schreiben Sie Ihre Rückfrage." in _text(empty)
    done = client.post(_url(case, "status/rueckfrage/"), {"text": "Bitte reichen Sie den Impfpass nach."})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RUECKFRAGE
    assert CaseMessage.objects.filter(case=case, text__contains="Impfpass").exists()
    assert "Bitte reichen Sie den Impfpass nach." in _text(client.get(_url(case)))


def test_a_step_the_status_model_does_not_allow_is_not_found(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.caseworker)
    assert client.post(_url(case, "status/abgeschlossen/")).status_code == 404
    assert client.post(_url(case, "status/unsinn/")).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.EINGEGANGEN


def test_notes_are_stored_and_empty_notes_get_a_german_error(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.caseworker)
    bad = client.post(_url(case, "vermerk/"), {"vermerk-text": ""})
    assert bad.status_code == 400
    assert "Bitte schreiben Sie den Vermerk." in _text(bad)
    assert client.post(_url(case, "vermerk/"), {"vermerk-text": "Rückruf vereinbart."}).status_code == 302
    assert CaseNote.objects.get(case=case).text == "Rückruf vereinbart."
    assert "Rückruf vereinbart." in _text(client.get(_url(case)))


def test_assign_to_me_and_forward_with_reason(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.caseworker)
    client.post(_url(case, "zuweisung/"), {"aktion": "mir"})
    case.refresh_from_db()
    assert case.assignee == cw.caseworker
    assert case.reference in _text(client.get("/vorgaenge/meine/"))
    no_reason = client.post(_url(case, "weiterleiten/"), {"weiterleiten-stelle": cw.ordnungsamt.pk})
    assert no_reason.status_code == 400
    assert "Bitte nennen Sie den Grund der Weiterleitung." in _text(no_reason)
    done = client.post(
        _url(case, "weiterleiten/"),
        {"weiterleiten-stelle": cw.ordnungsamt.pk, "weiterleiten-grund": "Betrifft die Gefahrenabwehr."},
    )
    assert done.status_code == 302
    forward = Forward.objects.get(case=case)
    assert forward.to_org_unit == cw.ordnungsamt
    # The sending unit no longer sees it.
    assert client.get(_url(case)).status_code == 404


def test_decision_issues_a_letter_the_caseworker_can_open(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.caseworker)
    client.post(_url(case, "status/in_pruefung/"))
    decision = {"entscheidung": "bewilligt", "begruendung": "Alle Voraussetzungen liegen vor."}
    preview = client.post(_url(case, "status/entschieden/"), {**decision, "aktion": "vorschau"})
    assert preview.status_code == 200
    fingerprint = re.search(r'name="vorschau" value="(\w+)"', _text(preview))
    assert fingerprint
    unconfirmed = client.post(
        _url(case, "status/entschieden/"), {**decision, "aktion": "senden", "vorschau": fingerprint.group(1)}
    )
    assert unconfirmed.status_code == 400
    assert "Bitte bestätigen Sie die Entscheidung." in _text(unconfirmed)
    assert not DecisionLetter.objects.filter(case=case).exists()
    done = client.post(
        _url(case, "status/entschieden/"),
        {**decision, "aktion": "senden", "vorschau": fingerprint.group(1), "bestaetigt": "on"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.decision) == (Status.ENTSCHIEDEN, "bewilligt")
    letter = DecisionLetter.objects.get(case=case)
    assert letter.sent_at is not None
    pdf = client.get(_url(case, f"bescheid/{letter.pk}/"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    download = client.get(_url(case, f"bescheid/{letter.pk}/") + "?herunterladen=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert CaseEvent.objects.filter(case=case, type=CaseEvent.Type.LETTER).exists()


def test_bulk_assign_is_for_team_leads_only(cw: CaseWorld) -> None:
    first, second = cw.case(), cw.case()
    lead = _client(cw.lead)
    page = _text(lead.get("/vorgaenge/"))
    assert 'name="vorgang"' in page
    assert 'name="vorgang"' not in _text(_client(cw.caseworker).get("/vorgaenge/"))
    response = lead.post(
        "/vorgaenge/zuweisen/",
        {
            "vorgang": [first.reference, second.reference],
            "bearbeitung": cw.caseworker.pk,
            "zurueck": "/vorgaenge/",
        },
    )
    assert response.status_code == 302
    assert set(Case.objects.filter(assignee=cw.caseworker).values_list("reference", flat=True)) == {
        first.reference,
        second.reference,
    }
    assert (
        _client(cw.caseworker)
        .post("/vorgaenge/zuweisen/", {"vorgang": [first.reference], "bearbeitung": cw.caseworker.pk})
        .status_code
        == 403
    )


def test_staff_see_the_inbox_link_only_with_a_case_role(cw: CaseWorld) -> None:
    with_role = _text(_client(cw.caseworker).get("/"))
    assert 'href="/vorgaenge/"' in with_role
    admin = staff_create("fachadmin-y", cw.base.town, "fachadministration")
    assert 'href="/vorgaenge/"' not in _text(_client(admin).get("/"))
    unverified = Client()
    unverified.force_login(cw.caseworker)
    assert 'href="/vorgaenge/"' not in _text(unverified.get("/"))
    admin_index = _client(cw.caseworker).get("/admin/")
    assert admin_index.status_code == 200
    assert 'href="/vorgaenge/"' in _text(admin_index)
    assert "Arbeitsbereiche" in _text(admin_index)


def test_documents_open_inline_for_the_unit_and_not_for_others(cw: CaseWorld) -> None:
    from amtsweg.cases.services import case_reply
    from amtsweg.submissions.tests.test_intake_fixtures import image_bytes, pdf_bytes, upload

    case = cw.case()
    case_reply(
        actor=cw.applicant,
        case=case,
        text="Anbei Foto und Nachweis.",
        files=[upload("Hund.png", image_bytes()), upload("Nachweis.pdf", pdf_bytes())],
    )
    client = _client(cw.caseworker)
    page = _text(client.get(_url(case)))
    assert 'alt="Vorschau von Hund.png"' in page
    for name, mime in (("Hund.png", "image/png"), ("Nachweis.pdf", "application/pdf")):
        document = case.documents.get(original_name=name)
        inline = client.get(_url(case, f"datei/{document.pk}/"))
        assert inline.status_code == 200
        assert inline["Content-Type"] == mime
        assert inline["Content-Disposition"].startswith("inline")
        download = client.get(_url(case, f"datei/{document.pk}/") + "?herunterladen=1")
        assert download["Content-Disposition"].startswith("attachment")
        assert _client(cw.stranger).get(_url(case, f"datei/{document.pk}/")).status_code == 404
    other = cw.case()
    foreign = case.documents.first()
    assert foreign is not None
    # A document id of one case under the reference of another is not found either.
    assert client.get(_url(other, f"datei/{foreign.pk}/")).status_code == 404


def test_messages_to_the_applicant_are_sent_and_shown_in_the_thread(cw: CaseWorld) -> None:
    case = cw.case()
    client = _client(cw.caseworker)
    assert client.post(_url(case, "nachricht/"), {"nachricht-text": ""}).status_code == 400
    assert (
        client.post(_url(case, "nachricht/"), {"nachricht-text": "Wir melden uns bis Freitag."}).status_code
        == 302
    )
    message = CaseMessage.objects.get(case=case)
    assert message.direction == CaseMessage.Direction.TO_APPLICANT
    assert "Wir melden uns bis Freitag." in _text(client.get(_url(case)))


def test_team_lead_assigns_a_colleague_on_the_case_page(cw: CaseWorld) -> None:
    case = cw.case()
    lead = _client(cw.lead)
    assert "Einer Kollegin oder einem Kollegen zuweisen" in _text(lead.get(_url(case)))
    assert "Einer Kollegin oder einem Kollegen zuweisen" not in _text(_client(cw.caseworker).get(_url(case)))
    assert lead.post(_url(case, "zuweisung/"), {"bearbeitung": cw.stranger.pk}).status_code == 400
    assert lead.post(_url(case, "zuweisung/"), {"bearbeitung": cw.caseworker.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assignee == cw.caseworker
