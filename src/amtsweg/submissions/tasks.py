"""Follow-up work of a submission, run by ``amtsweg worker``: the receipt PDF and the confirmation e-mail.

``services._intake`` enqueues one of them in the transaction that stores the submission, so it exists
exactly when the submission does: ``send_confirmation`` when there is an e-mail address (it renders the PDF
first and attaches it), else ``render_receipt``. Both are idempotent: the PDF is rendered only while none
is stored, the e-mail is sent only while ``receipt_emailed_at`` is empty; running a task twice does nothing
the second time, and running both (staff may queue them again) in any order is fine too.

Retries: django-tasks-db does not retry a failed task by itself (it marks it failed). A transient error
(``OSError``: storage, SMTP – ``smtplib.SMTPException`` is one) therefore enqueues the next attempt with a
growing delay (``run_after``), up to :data:`MAX_ATTEMPTS`, and then re-raises, so the failed attempt is
visible in the task list. Other errors (a bug) are not retried.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task
from django.utils import timezone

from amtsweg.submissions.models import Submission

logger = logging.getLogger("amtsweg.submissions")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 600, 1800)


def _retry_later(task_function: object, submission_id: str, attempt: int, error: BaseException) -> None:
    if attempt >= MAX_ATTEMPTS:
        logger.error(
            "Antrag %s: %s nach %s Versuchen aufgegeben (%s)", submission_id, task_function, attempt, error
        )
        return
    delay = BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]
    run_after = timezone.now() + dt.timedelta(seconds=delay)
    task_function.using(run_after=run_after).enqueue(submission_id, attempt=attempt + 1)  # type: ignore[attr-defined]
    logger.warning(
        "Antrag %s: Versuch %s fehlgeschlagen (%s), nächster Versuch in %s s",
        submission_id,
        attempt,
        error,
        delay,
    )


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
    try:
        receipt_ensure(submission)
    except OSError as error:
        _retry_later(render_receipt, submission_id, attempt, error)
        raise
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
    try:
        submission = receipt_ensure(submission)
        sent = confirmation_send(submission)
    except OSError as error:
        _retry_later(send_confirmation, submission_id, attempt, error)
        raise
    return "gesendet" if sent else "schon gesendet"
