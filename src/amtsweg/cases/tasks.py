"""Background work of case management, run by ``amtsweg worker``.

* :func:`notify_applicant` / :func:`notify_applicant_letter`: an e-mail to the applicant whose subject says
  what happened ("Bescheid zu Ihrem Antrag …", "Rückfrage zu Ihrem Antrag …" with the reply deadline in
  the text, else "Neue Nachricht zu Ihrem Antrag …") and names the case (reference) and the service, so
  that the applicant knows which application it is about, but carries no personal data (no names, no
  answers) and no content; the
  applicant reads it after logging in, or – without an account – through the personal access link.
  Enqueued in the transaction that stores the message (decision 0002).
* :func:`deadline_summary_task`: daily summary of overdue and soon-due cases to team leads (counts per
  org unit only).
* :func:`retention_task`: daily retention run (:mod:`amtsweg.cases.retention`).

Every task may run twice (retried, taken back from a dead worker, queued again by staff,
:mod:`amtsweg.core.task_recovery`): each e-mail goes out through ``send_once`` with a key of the message,
letter or (team lead, day), so it is sent once.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amtsweg.cases.models import CaseMessage, DecisionLetter
from amtsweg.cases.services import case_applicant_link_issue
from amtsweg.core.task_recovery import send_once

logger = logging.getLogger("amtsweg.cases")


def _recipient(case: Any) -> str:
    from amtsweg.cases.selectors import applicant_email

    return applicant_email(case)


def _notice(
    case: Any, to: str, *, key: str, letter: bool = False, reply_due: datetime.date | None = None
) -> bool:
    """What arrived (the decision letter, a Rückfrage – with its deadline ``reply_due`` –, a message), for
    which application (reference and service, in the subject too) and the way to read it: "Meine Anträge"
    for an account, else a personal access link (:mod:`amtsweg.cases.guest`). Never a name, an answer or
    the content."""
    which = {
        "service": case.service.name if case.service else case.submission.form_version.form.title,
        "reference": case.reference,
    }
    if letter:
        subject = _("Bescheid zu Ihrem Antrag %(reference)s (%(service)s)") % which
    elif reply_due is not None:
        subject = _("Rückfrage zu Ihrem Antrag %(reference)s (%(service)s)") % which
    else:
        subject = _("Neue Nachricht zu Ihrem Antrag %(reference)s (%(service)s)") % which

    def compose() -> str:
        # Composed only when the mail really goes out (inside send_once's transaction): a new access link
        # revokes the previous one, which must not happen for a mail that is skipped or fails.
        if case.applicant_id is None and letter:
            way = _(
                "Über diesen persönlichen Link können Sie den Bescheid lesen und herunterladen "
                "(er gilt %(days)s Tage, geben Sie ihn nicht weiter):\n%(link)s"
            ) % {
                "days": settings.AMTSWEG_APPLICANT_LINK_DAYS,
                "link": settings.AMTSWEG_PUBLIC_URL + case_applicant_link_issue(case=case),
            }
        elif case.applicant_id is None:
            way = _(
                "Über diesen persönlichen Link können Sie sie lesen und antworten "
                "(er gilt %(days)s Tage, geben Sie ihn nicht weiter):\n%(link)s"
            ) % {
                "days": settings.AMTSWEG_APPLICANT_LINK_DAYS,
                "link": settings.AMTSWEG_PUBLIC_URL + case_applicant_link_issue(case=case),
            }
        elif letter:
            way = _(
                "Bitte melden Sie sich bei %(site)s an und öffnen Sie „Meine Anträge“, um den Bescheid zu "
                "lesen."
            ) % {"site": settings.AMTSWEG_SITE_NAME}
        else:
            way = _(
                "Bitte melden Sie sich bei %(site)s an und öffnen Sie „Meine Anträge“, um sie zu lesen."
            ) % {"site": settings.AMTSWEG_SITE_NAME}
        if letter:
            what = _(
                "Guten Tag,\n\nüber Ihren Antrag „%(service)s“ (Aktenzeichen %(reference)s) ist entschieden; "
                "der Bescheid liegt für Sie bereit."
            )
        elif reply_due is not None:
            what = _(
                "Guten Tag,\n\nzu Ihrem Antrag „%(service)s“ (Aktenzeichen %(reference)s) hat die zuständige "
                "Stelle eine Rückfrage. Bitte antworten Sie bis %(date)s."
            )
            what = what.replace("%(date)s", date_format(reply_due, "d.m.Y"))
        else:
            what = _(
                "Guten Tag,\n\nzu Ihrem Antrag „%(service)s“ (Aktenzeichen %(reference)s) gibt es eine neue "
                "Nachricht der zuständigen Stelle."
            )
        return (
            what % which
            + "\n"
            + way
            + "\n\n"
            + _("Aus Datenschutzgründen steht der Inhalt nicht in dieser E-Mail.")
            + "\n\n"
            + _("Diese E-Mail wurde automatisch erstellt.")
        )

    return send_once(key, lambda: send_mail(subject, compose(), None, [to]))


@task()
def notify_applicant(message_id: int, reply_due: str = "") -> str:
    """The e-mail about a message to the applicant; ``reply_due`` (ISO date): it is a Rückfrage."""
    message = (
        CaseMessage.objects.select_related("case__submission", "case__applicant", "case__service")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.direction != CaseMessage.Direction.TO_APPLICANT:
        return "nichts zu tun"
    to = _recipient(message.case)
    if not to:
        return "keine E-Mail-Adresse"
    due = datetime.date.fromisoformat(reply_due) if reply_due else None
    sent = _notice(message.case, to, key=f"case-message:{message.pk}", reply_due=due)
    return "gesendet" if sent else "schon gesendet"


@task()
def notify_applicant_letter(letter_id: str) -> str:
    letter = (
        DecisionLetter.objects.select_related("case__submission", "case__applicant", "case__service")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None or letter.sent_at is None:
        return "nichts zu tun"
    to = _recipient(letter.case)
    if not to:
        return "keine E-Mail-Adresse"
    sent = _notice(letter.case, to, key=f"decision-letter:{letter.pk}", letter=True)
    return "gesendet" if sent else "schon gesendet"


def deadline_summary_send() -> int:
    """E-mail every team lead (role with ``case.assign``) the number of overdue and soon-due cases of the
    units they lead. Only counts and unit names, no personal data. Returns the number of e-mails.

    Once per team lead and day: a second run (the task retried or reclaimed) sends nothing again."""
    from amtsweg.access.models import RoleAssignment
    from amtsweg.access.roles import Perm
    from amtsweg.cases.selectors import cases_overdue, cases_soon_due, cases_visible

    today = timezone.localdate()
    leads = {
        assignment.user
        for assignment in RoleAssignment.objects.select_related("role", "user")
        if Perm.CASE_ASSIGN in assignment.role.permissions
        and assignment.user.is_active
        and assignment.user.email
    }
    sent = 0
    for lead in sorted(leads, key=lambda u: u.pk):
        visible = cases_visible(lead)
        overdue = Counter(str(c.org_unit or c.authority) for c in cases_overdue(visible, today))
        soon = Counter(str(c.org_unit or c.authority) for c in cases_soon_due(visible, today))
        if not overdue and not soon:
            continue
        lines = [
            _("%(unit)s: %(overdue)s überfällig, %(soon)s bald fällig")
            % {"unit": unit, "overdue": overdue[unit], "soon": soon[unit]}
            for unit in sorted(set(overdue) | set(soon))
        ]
        body = _(
            "Guten Tag,\n\nStand %(date)s:\n\n%(lines)s\n\n"
            "Die Vorgänge finden Sie im Posteingang von %(site)s.\n\nDiese E-Mail wurde automatisch erstellt."
        ) % {
            "date": today.strftime("%d.%m.%Y"),
            "lines": "\n".join(lines),
            "site": settings.AMTSWEG_SITE_NAME,
        }
        key = f"deadline-summary:{today.isoformat()}:{lead.pk}"
        if send_once(key, functools.partial(send_mail, _("Fällige Vorgänge"), body, None, [lead.email])):
            sent += 1
    return sent


@task()
def deadline_summary_task() -> int:
    count = deadline_summary_send()
    logger.info("Fristenübersicht an %s Teamleitungen verschickt", count)
    return count


@task()
def retention_task() -> dict[str, int]:
    from amtsweg.cases.retention import retention_run

    report = retention_run(dry_run=False)
    logger.info("Aufbewahrung: %s", report)
    return report
