"""Retention: closed cases past their period are anonymised (personal data and files gone, skeleton kept)."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amtsweg.cases.models import Case, CaseDocument, CaseMessage, CaseNote, ServiceCaseSettings, Status
from amtsweg.cases.retention import retention_run
from amtsweg.cases.services import case_note_add, case_reply, case_transition
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.submissions.models import Attachment
from amtsweg.submissions.tests.test_intake_fixtures import pdf_bytes, upload

from .conftest import CaseWorld


def _closed(cw: CaseWorld, *, until: datetime.date) -> Case:
    case = cw.case()
    case_reply(actor=cw.applicant, case=case, text="Nachweis anbei.", files=[upload("n.pdf", pdf_bytes())])
    case_note_add(actor=cw.caseworker, case=case, text="Frau Bürger rief an.")
    case_transition(actor=cw.caseworker, case=case, to=Status.IN_PRUEFUNG)
    case_transition(actor=cw.caseworker, case=case, to=Status.ENTSCHIEDEN, decision="bewilligt")
    case_transition(actor=cw.caseworker, case=case, to=Status.ABGESCHLOSSEN)
    Case.objects.filter(pk=case.pk).update(retention_until=until)
    case.refresh_from_db()
    return case


@pytest.mark.django_db
def test_closing_sets_the_retention_end_from_the_service_or_the_default(cw: CaseWorld, settings: Any) -> None:
    settings.AMTSWEG_CASE_RETENTION_YEARS = 6
    ServiceCaseSettings.objects.create(service=cw.base.service, retention_years=2)
    case = cw.case()
    case = case_transition(actor=cw.applicant, case=case, to=Status.ZURUECKGEZOGEN)
    assert case.retention_until == datetime.date(case.closed_at.year + 2, 12, 31)


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(cw: CaseWorld, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    due = _closed(cw, until=datetime.date(2020, 12, 31))
    out = StringIO()
    call_command("cases-retention", "--dry-run", stdout=out)
    assert "1 Vorgänge wären zu anonymisieren" in out.getvalue()
    due.refresh_from_db()
    assert due.anonymised_at is None
    assert due.submission.data


@pytest.mark.django_db
def test_anonymises_due_cases_only_and_deletes_their_files(
    cw: CaseWorld, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    due = _closed(cw, until=datetime.date(2020, 12, 31))
    kept = _closed(cw, until=datetime.date(2999, 12, 31))
    open_case = cw.case()
    files_before = {p for p in tmp_path.rglob("*") if p.is_file()}
    audit_before = AuditEntry.objects.count()

    report = retention_run()

    # the reply's attachment and the decision letter issued with the decision
    assert report == {"faellig": 1, "anonymisiert": 1, "dateien_geloescht": 2}
    due.refresh_from_db()
    submission = due.submission
    assert due.anonymised_at is not None
    assert (submission.data, submission.applicant_name, submission.applicant_email) == ({}, "", "")
    assert submission.applicant is None
    assert due.applicant is None
    assert not CaseMessage.objects.filter(case=due).exists()
    assert not CaseNote.objects.filter(case=due).exists()
    assert not CaseDocument.objects.filter(case=due).exists()
    assert not due.events.exclude(text="").exists()
    # the statistics skeleton stays
    assert (due.status, due.decision, due.service, due.org_unit) == (
        Status.ABGESCHLOSSEN,
        "bewilligt",
        cw.base.service,
        cw.base.steueramt,
    )
    files_after = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert len(files_before - files_after) == 2
    for other in (kept, open_case):
        other.refresh_from_db()
        assert other.anonymised_at is None
        assert other.submission.data
    assert AuditEntry.objects.count() == audit_before + 2  # one per case, one for the run
    assert not list(audit_verify_chain())
    assert retention_run() == {"faellig": 0, "anonymisiert": 0, "dateien_geloescht": 0}


@pytest.mark.django_db
def test_submission_attachments_are_deleted_too(cw: CaseWorld, settings: Any, tmp_path: Path) -> None:
    from amtsweg.submissions.services import submission_submit
    from amtsweg.submissions.tests.test_intake_fixtures import valid_data
    from amtsweg.submissions.uploads import attachment_add

    settings.MEDIA_ROOT = tmp_path
    draft = cw.base.draft()
    attachment = attachment_add(
        draft=draft, field_path="nachweis", file=upload("v.pdf", pdf_bytes()), actor=None
    )
    draft.data = valid_data(nachweis=str(attachment.pk))
    draft.save()
    submission = submission_submit(draft=draft, actor=None)
    case = Case.objects.get(submission=submission)
    Case.objects.filter(pk=case.pk).update(
        status=Status.ZURUECKGEZOGEN, retention_until=datetime.date(2020, 1, 1)
    )
    out = StringIO()
    call_command("cases-retention", stdout=out)
    assert "1 von 1" in out.getvalue()
    assert not Attachment.objects.filter(submission=submission).exists()
    assert not (tmp_path / attachment.file.name).exists()


@pytest.mark.django_db
def test_a_run_reads_the_due_cases_batch_by_batch(cw: CaseWorld, settings: Any, tmp_path: Path) -> None:
    """A Land has millions of old cases: the run never asks for all due cases at once."""
    settings.MEDIA_ROOT = tmp_path
    due = [_closed(cw, until=datetime.date(2020, 12, 31)) for _ in range(3)]
    with CaptureQueriesContext(connection) as captured:
        report = retention_run(batch=2)
    assert report["faellig"] == report["anonymisiert"] == 3
    assert all(Case.objects.get(pk=case.pk).anonymised_at for case in due)
    listing = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "cases_case"' in q["sql"] and '"retention_until" <' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    assert len(listing) == 2  # two cases, then the last one
    assert all("LIMIT 2" in sql for sql in listing)
