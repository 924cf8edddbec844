"""Reminders before funding deadlines (submission, proof of use), sent once each.

For every application with a deadline ahead, the reminder due today is the one with the *smallest*
lead time whose day has come (``deadline − days ≤ today ≤ deadline``). It is recorded in
:class:`~amtsweg.strategy.models.ReminderSent` (unique per application, deadline kind, date and lead
time) in the same transaction as the e-mail is handed over, so a second run sends nothing and a run
after a missed day sends only the most urgent reminder, not all the missed ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.models import RoleAssignment
from amtsweg.access.roles import Perm
from amtsweg.core.audit import audit_record
from amtsweg.strategy.models import FundingApplication, ReminderSent

OPEN_FOR_SUBMISSION = (FundingApplication.Status.PLANNED,)
OPEN_FOR_PROOF = (FundingApplication.Status.GRANTED,)


@dataclass(frozen=True)
class Due:
    application: FundingApplication
    kind: str
    deadline: datetime.date
    days_before: int


def reminder_day(deadline: datetime.date, today: datetime.date, lead_days: Sequence[int]) -> int | None:
    """The lead time (days) whose reminder is due today, or None."""
    if today > deadline:
        return None
    passed = [days for days in lead_days if deadline - datetime.timedelta(days=days) <= today]
    return min(passed) if passed else None


def _deadlines(application: FundingApplication) -> list[tuple[str, datetime.date]]:
    found = []
    submission = application.submission_deadline or (application.call.deadline if application.call else None)
    if submission and application.status in OPEN_FOR_SUBMISSION:
        found.append((ReminderSent.Kind.SUBMISSION.value, submission))
    if application.proof_of_use_deadline and application.status in OPEN_FOR_PROOF:
        found.append((ReminderSent.Kind.PROOF_OF_USE.value, application.proof_of_use_deadline))
    return found


def reminders_due(today: datetime.date, lead_days: Sequence[int]) -> list[Due]:
    due = []
    applications = FundingApplication.objects.select_related(
        "project", "programme", "call", "project__strategy"
    )
    for application in applications:
        for kind, deadline in _deadlines(application):
            days = reminder_day(deadline, today, lead_days)
            if days is None:
                continue
            if ReminderSent.objects.filter(
                application=application, kind=kind, deadline=deadline, days_before=days
            ).exists():
                continue
            due.append(Due(application, kind, deadline, days))
    return due


def recipients(application: FundingApplication) -> list[str]:
    """The project's responsible people; without any, the strategy team of the owner authority."""
    emails = [u.email for u in application.project.responsible.filter(is_active=True) if u.email]
    if not emails:
        owner_id = application.project.strategy.owner_id
        emails = sorted(
            {
                a.user.email
                for a in RoleAssignment.objects.filter(
                    authority_id=owner_id, user__is_active=True
                ).select_related("user", "role")
                if Perm.STRATEGY_MANAGE in (a.role.permissions or []) and a.user.email
            }
        )
    return sorted(set(emails))


def reminders_send(*, today: datetime.date | None = None, lead_days: Sequence[int] | None = None) -> int:
    """Send the reminders due today; returns how many were sent. Idempotent."""
    today = today or timezone.localdate()
    lead_days = list(lead_days if lead_days is not None else settings.AMTSWEG_STRATEGY_REMINDER_DAYS)
    sent = 0
    for item in reminders_due(today, lead_days):
        to = recipients(item.application)
        if not to:
            continue
        label = ReminderSent.Kind(item.kind).label
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    application=item.application,
                    kind=item.kind,
                    deadline=item.deadline,
                    days_before=item.days_before,
                    sent_at=timezone.now(),
                    recipients=to,
                )
                audit_record(
                    actor=None,
                    action="strategy.reminder.sent",
                    obj=item.application,
                    changes={
                        "kind": item.kind,
                        "deadline": item.deadline.isoformat(),
                        "days_before": item.days_before,
                    },
                    authority_id=item.application.project.strategy.owner_id,
                    source="amtsweg strategy-reminders",
                )
                subject = _("Frist in %(days)s Tagen: %(kind)s – %(project)s") % {
                    "days": (item.deadline - today).days,
                    "kind": label,
                    "project": item.application.project.title,
                }
                body = _(
                    "Guten Tag,\n\nfür den Förderantrag „%(project)s“ (%(programme)s) endet die Frist "
                    "„%(kind)s“ am %(date)s.\n\nDiese Erinnerung wurde automatisch vom Strategie-Cockpit "
                    "verschickt."
                ) % {
                    "project": item.application.project.title,
                    "programme": item.application.programme.name,
                    "kind": label,
                    "date": item.deadline.strftime("%d.%m.%Y"),
                }
                send_mail(subject, body, None, to)
        except IntegrityError:
            continue  # another worker sent it at the same moment
        sent += 1
    return sent
