"""Retention: closed cases are **anonymised**, not deleted, when their retention period has passed.

A case that is closed (abgeschlossen or zurückgezogen) gets ``retention_until`` = 31 December of the year
of closing plus the service's retention period (``ServiceCaseSettings.retention_years``, default
``AMTSWEG_CASE_RETENTION_YEARS``). After that date :func:`retention_run` (daily task, and
``amtsweg cases-retention [--dry-run]``)

* deletes everything personal: the submission's answers, name, e-mail and account link, its
  attachments and receipt PDF, the case's messages, documents, notes and decision letters (with their
  files), the texts and data of its history entries and the reasons of its forwards;
* keeps a statistics skeleton: reference, service, authority, org unit, status, decision and the dates –
  the numbers of the maturity dashboard and of processing times stay right, and the audit chain (which
  names the case by its reference) keeps pointing at an existing row;
* writes one audit entry per case (``case.anonymised``) and one for the run with the counts.

Why anonymise instead of delete: the audit log is append-only and refers to cases; statistics of
processing times must not change when old cases disappear. Nothing of the skeleton relates to a person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from amtsweg.cases import states
from amtsweg.cases.models import Case, CaseDocument, CaseEvent, CaseMessage, CaseNote, DecisionLetter, Forward
from amtsweg.core.actors import Actor
from amtsweg.core.audit import audit_record
from amtsweg.submissions.models import Attachment, Submission

RETENTION_BATCH = 500  # cases read at a time


def cases_due_for_retention(today: datetime.date | None = None) -> Any:
    today = today or timezone.localdate()
    return Case.objects.filter(
        status__in=states.CLOSED,
        anonymised_at__isnull=True,
        retention_until__isnull=False,
        retention_until__lt=today,
    ).order_by("retention_until", "id")


def _in_batches(due: Any, size: int) -> Iterator[Case]:
    """The cases of ``due`` (ordered by retention date and id) in batches of ``size``, each batch read
    after the one before it (keyset): a run over a whole Land's old cases never holds them all in memory."""
    after: tuple[datetime.date, int] | None = None
    while True:
        batch = due.only("pk", "retention_until")
        if after is not None:
            day, pk = after
            batch = batch.filter(retention_until__gte=day).filter(Q(retention_until__gt=day) | Q(pk__gt=pk))
        cases = list(batch[:size])
        yield from cases
        if len(cases) < size:
            return
        after = (cases[-1].retention_until, cases[-1].pk)


def _delete_file(name: str | None, files: list[str]) -> None:
    if name:
        files.append(name)


def case_anonymise(case: Case, *, actor: Any = None, source: str = "retention") -> int:
    """Anonymise one case (see the module docstring); returns the number of files deleted."""
    files: list[str] = []
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.anonymised_at is not None:
            return 0
        submission = Submission.objects.select_for_update().get(pk=case.submission_id)
        for attachment in Attachment.objects.filter(submission=submission):
            _delete_file(attachment.file.name, files)
        Attachment.objects.filter(submission=submission).delete()
        _delete_file(submission.receipt_pdf.name, files)
        Submission.objects.filter(pk=submission.pk).update(
            data={}, applicant=None, applicant_name="", applicant_email="", receipt_pdf=""
        )
        for document in CaseDocument.objects.filter(case=case):
            _delete_file(document.file.name, files)
        for letter in DecisionLetter.objects.filter(case=case):
            _delete_file(letter.pdf.name, files)
        CaseDocument.objects.filter(case=case).delete()
        DecisionLetter.objects.filter(case=case).delete()
        CaseMessage.objects.filter(case=case).delete()
        CaseNote.objects.filter(case=case).delete()
        CaseEvent.objects.filter(case=case).update(text="", data={})
        Forward.objects.filter(case=case).update(reason="")
        # The request's text also lives on as a training example of the AI router: it goes too.
        from amtsweg.assistant.services import router_examples_forget

        router_examples_forget(case_reference=case.reference)
        now = timezone.now()
        case.applicant = None
        case.anonymised_at = now
        case.save(update_fields=["applicant", "anonymised_at", "updated_at"])
        CaseEvent.objects.create(case=case, type=CaseEvent.Type.ANONYMISED, actor_label="System", at=now)
        audit_record(
            actor=actor,
            action="case.anonymised",
            obj=case,
            changes={"files": len(files)},
            authority_id=case.authority_id,
            source=source,
        )
    # Files go after the commit: a rolled-back anonymisation must not lose files.
    for name in files:
        default_storage.delete(name)
    return len(files)


def retention_run(
    *,
    dry_run: bool = False,
    today: datetime.date | None = None,
    actor: Any = None,
    batch: int = RETENTION_BATCH,
) -> dict[str, int]:
    """Anonymise every case past its retention period; returns the counts (``dry_run``: count only)."""
    due = cases_due_for_retention(today)
    report = {"faellig": due.count(), "anonymisiert": 0, "dateien_geloescht": 0}
    if dry_run or not report["faellig"]:
        return report
    for case in _in_batches(due, batch):
        report["dateien_geloescht"] += case_anonymise(case, actor=actor or Actor.system("cases.retention"))
        report["anonymisiert"] += 1
    if report["anonymisiert"]:
        audit_record(
            actor=actor or Actor.system("cases.retention"),
            action="cases.retention_run",
            changes=report,
            source="retention",
        )
    return report
