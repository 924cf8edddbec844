"""What case management plugs into the submissions app (registered in ``CasesConfig.ready``), and the
extension point through which other apps learn what happens to a case (:data:`case_event_hooks`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amtsweg.accounts.hooks import AccountNotice
from amtsweg.cases import states
from amtsweg.cases.models import Case, CaseMessage, DecisionLetter, Status
from amtsweg.cases.selectors import cases_of_applicant
from amtsweg.core.actors import Actor
from amtsweg.core.registry import Registry
from amtsweg.submissions.hooks import SubmissionStatus

if TYPE_CHECKING:
    from amtsweg.cases.models import CaseEvent
    from amtsweg.submissions.models import Submission

# Called with every new entry of a case's history (created, status change, message, letter …) inside the
# transaction of the action that wrote it. Apps that tell other systems about cases (the outbound events of
# :mod:`amtsweg.events`) register here instead of being imported by ``cases``; a handler that raises rolls
# the action back, so handlers only write rows and enqueue tasks.
CaseEventHandler = Callable[["CaseEvent"], None]
case_event_hooks: Registry[CaseEventHandler] = Registry("Handler für Vorgangsereignisse")


def case_event_hooks_run(event: CaseEvent) -> None:
    for _identifier, handler in case_event_hooks:
        handler(event)


def on_submission_received(submission: Submission, actor: Actor) -> None:
    """Create the case in the intake transaction (a failure here rolls the submission back); ``actor``
    is who submitted (the history names them as the one who started the case)."""
    from amtsweg.cases.services import case_create_for_submission

    case_create_for_submission(submission, new=True, actor=actor)


def applicant_status(
    case: Case,
    unread: int = 0,
    *,
    answered: bool = False,
    has_letter: bool = False,
    today: datetime.date | None = None,
    on_case_page: bool = False,
) -> SubmissionStatus:
    """The plain-German status of ``case`` for the applicant – only what is true: a Rückfrage the
    applicant has answered (``answered``: the newest message is theirs) asks for nothing any more, a letter
    is promised only when one was sent (``has_letter``), and a processing target in the past is called
    a delay. ``on_case_page``: the text is shown on the case page itself, where the letter is further down."""
    today = today or timezone.localdate()
    next_step = str(states.APPLICANT_NEXT_STEPS.get(case.status, ""))
    deadline = None
    needs_action = False
    delayed = False
    if case.status == Status.RUECKFRAGE and answered:
        next_step = _("Ihre Antwort ist eingegangen. Die zuständige Stelle prüft sie. Sie müssen nichts tun.")
    elif case.status == Status.RUECKFRAGE and case.reply_due:
        deadline = case.reply_due
        next_step = _("Bitte beantworten Sie die Rückfrage bis %(date)s.") % {
            "date": date_format(case.reply_due, "d.m.Y")
        }
        needs_action = True
    if case.status == Status.ENTSCHIEDEN:
        next_step = (
            _("Über Ihren Antrag ist entschieden. Den Bescheid finden Sie unten unter „Bescheide“.")
            if has_letter and on_case_page
            else _("Über Ihren Antrag ist entschieden. Den Bescheid finden Sie auf der Seite des Antrags.")
            if has_letter
            else _(
                "Über Ihren Antrag ist entschieden. Sobald der Bescheid versandt ist, finden Sie ihn hier."
            )
        )
    if case.is_open and case.due_date and not needs_action and case.status != Status.ENTSCHIEDEN:
        deadline = case.due_date
        delayed = case.due_date < today
    if unread:
        next_step = (next_step + " " if next_step else "") + _("Sie haben eine neue Nachricht.")
        needs_action = True
    label = str(states.APPLICANT_LABELS.get(case.status, case.get_status_display()))
    if case.status == Status.RUECKFRAGE and answered:
        label = _("Rückfrage beantwortet")
    if case.status == Status.ENTSCHIEDEN and case.decision:
        label = f"{label}: {case.get_decision_display()}"
    return SubmissionStatus(
        label=label,
        next_step=next_step,
        deadline=deadline,
        url=reverse("cases:applicant_case", args=[case.reference]),
        needs_action=needs_action,
        delayed=delayed,
    )


def _with_facts(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate what :func:`applicant_status` needs: unread messages, who wrote last, a sent letter."""
    newest = CaseMessage.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-id")
    return cases.annotate(
        unread=Count(
            "messages",
            filter=Q(messages__direction=CaseMessage.Direction.TO_APPLICANT, messages__read_at__isnull=True),
        ),
        last_direction=Subquery(newest.values("direction")[:1]),
        has_letter=Exists(
            DecisionLetter.objects.filter(case=OuterRef("pk"), sent_at__isnull=False).exclude(pdf="")
        ),
    )


def _status(case: Case, *, on_case_page: bool = False) -> SubmissionStatus:
    """:func:`applicant_status` of a case annotated by :func:`_with_facts`."""
    return applicant_status(
        case,
        getattr(case, "unread", 0),
        answered=getattr(case, "last_direction", "") == CaseMessage.Direction.FROM_APPLICANT,
        has_letter=bool(getattr(case, "has_letter", False)),
        on_case_page=on_case_page,
    )


def status_of(case: Case) -> SubmissionStatus:
    """The applicant's status of one case, for its own page (the letter is further down there)."""
    return _status(_with_facts(Case.objects.filter(pk=case.pk)).get(), on_case_page=True)


def submission_statuses(submissions: list[Submission]) -> dict[str, SubmissionStatus]:
    ids = [s.pk for s in submissions]
    return {
        str(case.submission_id): _status(case)
        for case in _with_facts(Case.objects.filter(submission_id__in=ids))
    }


def account_notices_for(user: Any) -> list[AccountNotice]:
    """ "Mein Konto": the applications of ``user`` that need them (new message, open Rückfrage)."""
    notices = []
    cases = _with_facts(cases_of_applicant(user)).select_related("submission__form_version__form")
    for case in cases.order_by("-received_at"):
        status = _status(case)
        if status.needs_action:
            title = f"{case.submission.form_version.form.title} ({case.reference})"
            notices.append(AccountNotice(title=title, text=status.next_step, url=status.url))
    return notices


@dataclass(frozen=True)
class ChannelDetail:
    """What a delivery channel (FIT-Connect) adds to the case page: lines under "Eingangsweg" and, for
    the messages, how the applicant is reached (the reply channel)."""

    lines: list[str] = field(default_factory=list)
    reply_note: str = ""


# A provider returns the details of the case's channel, or ``None`` when the case did not come through it.
case_channel_details: Registry[Callable[[Case], ChannelDetail | None]] = Registry("Angaben zum Eingangsweg")


def channel_details(case: Case) -> list[ChannelDetail]:
    details = []
    for _identifier, provider in case_channel_details:
        detail = provider(case)
        if detail is not None:
            details.append(detail)
    return details
