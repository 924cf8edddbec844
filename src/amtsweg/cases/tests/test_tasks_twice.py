"""Every e-mail task of case management may run twice (retried, taken back from a dead worker, queued
again by staff) and still sends its e-mail once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from amtsweg.cases.models import Case, CaseMessage
from amtsweg.cases.services import case_message_send
from amtsweg.cases.tasks import deadline_summary_send, deadline_summary_task, notify_applicant
from amtsweg.core.models import SentMark

from .conftest import CaseWorld

NOTICE = "Neue Nachricht zu Ihrem Antrag"


@pytest.mark.django_db
def test_the_message_notice_task_run_twice_mails_the_applicant_once(cw: CaseWorld) -> None:
    case = cw.case()
    case_message_send(actor=cw.caseworker, case=case, text="Bitte senden Sie den Nachweis.")
    message = CaseMessage.objects.get(case=case)
    mail.outbox.clear()

    assert notify_applicant.call(message.pk) == "gesendet"
    assert notify_applicant.call(message.pk) == "schon gesendet"

    assert [m.to for m in mail.outbox if m.subject.startswith(NOTICE)] == [["buergerin@example.org"]]


@pytest.mark.django_db
def test_the_daily_summary_run_twice_mails_each_team_lead_once(cw: CaseWorld) -> None:
    case = cw.case()
    Case.objects.filter(pk=case.pk).update(due_date=datetime.date(2020, 1, 2))
    mail.outbox.clear()

    assert deadline_summary_task.call() == 1
    assert deadline_summary_task.call() == 0

    assert [m.to for m in mail.outbox] == [[cw.lead.email]]


@pytest.mark.django_db
def test_the_summary_of_the_next_day_is_sent_again(cw: CaseWorld) -> None:
    case = cw.case()
    Case.objects.filter(pk=case.pk).update(due_date=datetime.date(2020, 1, 2))
    mail.outbox.clear()
    assert deadline_summary_send() == 1
    # Yesterday's mark does not stop today's summary.
    SentMark.objects.filter(key__startswith="deadline-summary:").update(
        key="deadline-summary:2020-01-01:" + str(cw.lead.pk)
    )
    assert deadline_summary_send() == 1
    assert len(mail.outbox) == 2
