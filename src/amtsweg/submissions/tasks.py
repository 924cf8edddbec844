"""Follow-up work of a submission, run by ``amtsweg worker``: the receipt PDF and the confirmation e-mail.

``services._intake`` enqueues one of them in the transaction that stores the submission, so it exists
exactly when the submission does: ``send_confirmation`` when there is an e-mail address (it renders the PDF
first; the e-mail links to the receipt and attaches nothing), else ``render_receipt``. Both are
idempotent: the PDF is rendered only while none
is stored (a second rendering is thrown away), the e-mail is sent only while ``receipt_emailed_at`` is
empty; running a task twice does nothing the second time, and running both (staff may queue them again)
in any order is fine too.

Retries: a failed attempt (storage or SMTP unreachable, a database hiccup) is queued again by the worker
with a growing pause, and a task whose worker died goes back on the queue
(:mod:`amtsweg.core.task_recovery`). The ``attempt`` argument is no longer used; it stays so that tasks
queued by an older release still run.
"""

from __future__ import annotations

import logging

from django.tasks import task

from amtsweg.submissions.models import Submission

logger = logging.getLogger("amtsweg.submissions")


@task()
def render_receipt(submission_id: str, attempt: int = 1) -> str:
    """Render and store the receipt PDF of a submission (nothing to do when it is stored already)."""
    from amtsweg.submissions.receipts import receipt_ensure

    submission = (
        Submission.objects.select_related("form_version__form", "service").filter(pk=submission_id).first()
    )
    if submission is None:
        return "gelöscht"
    if submission.receipt_pdf:
        return "schon vorhanden"
    receipt_ensure(submission)
    return "erstellt"


@task()
def send_confirmation(submission_id: str, attempt: int = 1) -> str:
    """Send the confirmation e-mail with the receipt PDF, once."""
    from amtsweg.submissions.receipts import confirmation_send, receipt_ensure

    submission = (
        Submission.objects.select_related("form_version__form", "service").filter(pk=submission_id).first()
    )
    if submission is None:
        return "gelöscht"
    if submission.receipt_emailed_at is not None:
        return "schon gesendet"
    if not submission.applicant_email:
        return "keine E-Mail-Adresse"
    submission = receipt_ensure(submission)
    sent = confirmation_send(submission)
    return "gesendet" if sent else "schon gesendet"
