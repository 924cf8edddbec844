"""Auskunft nach Art. 15 DSGVO: everything about one person, as JSON and PDF; nothing about others."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from amtsweg.cases.export import person_export
from amtsweg.cases.models import Status
from amtsweg.cases.services import case_message_send, case_note_add, case_transition
from amtsweg.core.models import AuditEntry
from amtsweg.submissions.drafts import draft_start
from amtsweg.submissions.tests.test_intake_fixtures import valid_data
from amtsweg.testing import pdf_accessibility_problems

from .conftest import CaseWorld


@pytest.mark.django_db
def test_export_contains_account_drafts_submissions_cases_and_messages(cw: CaseWorld) -> None:
    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    case_message_send(actor=cw.caseworker, case=case, text="Bitte Impfpass nachreichen.")
    case_note_add(actor=cw.caseworker, case=case, text="Interner Vermerk XYZ")
    _draft, _token = draft_start(form_version=cw.base.version, actor=cw.applicant, municipality=cw.base.town)
    anonymous = cw.case(
        applicant=None,
        data=valid_data(
            antragsteller={"vorname": "Berta", "familienname": "B", "email": "buergerin@example.org"}
        ),
    )
    someone_else = cw.case(applicant=None)  # juergen@example.org

    export = person_export("Buergerin@example.org")

    data = export.data
    assert [k["benutzername"] for k in data["konten"]] == ["buergerin"]
    assert len(data["entwuerfe"]) == 1
    references = {s["aktenzeichen"] for s in data["antraege"]}
    assert references == {case.reference, anonymous.reference}
    assert someone_else.reference not in export.json_text
    own = next(s for s in data["antraege"] if s["aktenzeichen"] == case.reference)
    assert own["angaben"]["hund"][0]["name"] == "Bello"
    assert own["vorgang"]["status"] == "In Prüfung"
    assert own["vorgang"]["nachrichten"][0]["text"] == "Bitte Impfpass nachreichen."
    assert "Interner Vermerk XYZ" not in export.json_text  # notes listed by date only
    assert len(own["vorgang"]["vermerke"]) == 1
    assert json.loads(export.json_text) == json.loads(json.dumps(data, default=str))
    assert export.counts == {"konten": 1, "entwuerfe": 1, "antraege": 2, "vorgaenge": 2}
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(export.pdf)).pages)
    assert "Auskunft nach Art. 15 DSGVO" in text
    assert case.reference in text
    assert pdf_accessibility_problems(export.pdf, title="Auskunft nach Art. 15 DSGVO") == []
    entry = AuditEntry.objects.filter(action="dsgvo.export").get()
    assert "buergerin" not in json.dumps(entry.changes)


@pytest.mark.django_db
def test_command_writes_json_and_pdf(cw: CaseWorld, tmp_path: Path) -> None:
    cw.case()
    out = StringIO()
    call_command("dsgvo-export", "--email", "buergerin@example.org", "--output", str(tmp_path), stdout=out)
    assert "1 Anträge" in out.getvalue()
    (json_file,) = tmp_path.glob("*.json")
    (pdf_file,) = tmp_path.glob("*.pdf")
    assert json.loads(json_file.read_text(encoding="utf-8"))["email"] == "buergerin@example.org"
    assert pdf_file.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError):
        call_command("dsgvo-export", "--email", "keine-adresse")
