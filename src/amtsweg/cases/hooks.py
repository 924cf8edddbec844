"""What case management plugs into the submissions app (registered in ``CasesConfig.ready``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amtsweg.cases import states
from amtsweg.cases.models import Case, CaseMessage, Status
from amtsweg.submissions.hooks import SubmissionStatus

if TYPE_CHECKING:
    from amtsweg.submissions.models import Submission


def on_submission_received(submission: Submission) -> None:
    """Create the case in the intake transaction (a failure here rolls the submission back)."""
    from amtsweg.cases.services import case_create_for_submission

    case_create_for_submission(submission, new=True)


def applicant_status(case: Case, unread: int = 0) -> SubmissionStatus:
    """The plain-German status of ``case`` for the applicant."""
    next_step = str(states.APPLICANT_NEXT_STEPS.get(case.status, ""))
    deadline = None
    needs_action = False
    if case.status == Status.RUECKFRAGE and case.reply_due:
        deadline = case.reply_due
        next_step = _("Bitte beantworten Sie die Rückfrage bis %(date)s.") % {
            "date": date_format(case.reply_due, "d.m.Y")
        }
        needs_action = True
    elif case.is_open and case.due_date:
        deadline = case.due_date
    if unread:
        next_step = (next_step + " " if next_step else "") + _("Sie haben eine neue Nachricht.")
        needs_action = True
    label = str(states.APPLICANT_LABELS.get(case.status, case.get_status_display()))
    if case.status == Status.ENTSCHIEDEN and case.decision:
        label = f"{label}: {case.get_decision_display()}"
    return SubmissionStatus(
        label=label,
        next_step=next_step,
        deadline=deadline,
        url=reverse("cases:applicant_case", args=[case.reference]),
        needs_action=needs_action,
    )


def submission_statuses(submissions: list[Submission]) -> dict[str, SubmissionStatus]:
    ids = [s.pk for s in submissions]
    cases = list(Case.objects.filter(submission_id__in=ids))
    unread: dict[int, int] = {}
    for case_id in CaseMessage.objects.filter(
        case__in=cases, direction=CaseMessage.Direction.TO_APPLICANT, read_at__isnull=True
    ).values_list("case_id", flat=True):
        unread[case_id] = unread.get(case_id, 0) + 1
    return {str(case.submission_id): applicant_status(case, unread.get(case.pk, 0)) for case in cases}
