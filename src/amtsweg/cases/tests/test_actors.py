"""Who acted, as the audit trail and the permission checks see it: an applicant without an account is
not "System"; a system job is; staff, citizens and access-link holders keep their rights."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from amtsweg.access.permissions import can_edit_catalog, can_view_case, can_work_case
from amtsweg.access.testing import login_verified
from amtsweg.cases.models import Case, CaseEvent, Status
from amtsweg.cases.retention import retention_run
from amtsweg.cases.services import case_reply, case_review_start
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.core.actors import Actor
from amtsweg.core.models import AuditEntry
from amtsweg.forms.steps import steps_for
from amtsweg.submissions import drafts
from amtsweg.submissions.models import Submission
from amtsweg.submissions.services import submission_create
from amtsweg.submissions.tests.test_intake_fixtures import valid_data

pytestmark = pytest.mark.django_db


def test_an_anonymous_web_submission_is_audited_as_the_applicant_not_the_system(cw: CaseWorld) -> None:
    draft = cw.base.draft()  # started without an account
    steps = [step.key for step in steps_for(draft.form_version.spec())]
    drafts.draft_set_completed(draft=draft, completed=steps)
    client = Client()
    session = client.session
    session[drafts.SESSION_KEY] = [str(draft.pk)]
    session.save()
    response = client.post(reverse("submissions:submit", args=[draft.pk]))
    assert response.status_code == 302, response.content.decode()[:500]
    submission = Submission.objects.get()
    entry = AuditEntry.objects.get(action="submission.received", object_id=str(submission.pk))
    assert entry.actor_label != "System"
    assert (entry.actor_kind, entry.actor_label, entry.actor_id) == (
        "anonymous",
        "Antragsteller ohne Konto",
        None,
    )


def _history_row(page: str, label: str) -> str:
    """The row of the case history (staff case page) whose event is ``label``."""
    for row in page.split("<tr")[1:]:
        if f">{label}<" in row:
            return row.split("</tr>", 1)[0]
    raise AssertionError(f"{label} not in the history")


def test_a_case_from_an_anonymous_submission_was_started_by_the_applicant_not_the_system(
    cw: CaseWorld,
) -> None:
    draft = cw.base.draft()  # started without an account
    steps = [step.key for step in steps_for(draft.form_version.spec())]
    drafts.draft_set_completed(draft=draft, completed=steps)
    client = Client()
    session = client.session
    session[drafts.SESSION_KEY] = [str(draft.pk)]
    session.save()
    assert client.post(reverse("submissions:submit", args=[draft.pk])).status_code == 302
    case = Case.objects.get()
    created = case.events.get(type=CaseEvent.Type.CREATED)
    assert (created.actor_id, created.actor_label) == (None, "Antragsteller ohne Konto")
    received = AuditEntry.objects.get(action="submission.received", object_id=str(case.submission_id))
    assert (received.actor_kind, received.actor_label) == ("anonymous", "Antragsteller ohne Konto")
    page = login_verified(Client(), cw.caseworker).get(reverse("cases:case", args=[case.reference])).text
    row = _history_row(page, str(CaseEvent.Type.CREATED.label))
    assert "Antragsteller ohne Konto" in row
    assert "System" not in row


def test_a_case_from_a_citizen_names_the_citizen_and_one_from_a_system_job_the_system(cw: CaseWorld) -> None:
    case = cw.case(applicant=None)  # neither account nor actor: a job of the platform (like the demo)
    submission, _new = submission_create(
        form_version=cw.base.version,
        data=valid_data(),
        applicant=cw.applicant,
        municipality=cw.base.town,
        idempotency_key="test:citizen-actor",
        actor=cw.applicant,
    )
    by_citizen = Case.objects.get(submission=submission).events.get(type=CaseEvent.Type.CREATED)
    assert by_citizen.actor_id == cw.applicant.pk
    assert by_citizen.actor_label == (cw.applicant.get_full_name() or cw.applicant.get_username())
    by_job = case.events.get(type=CaseEvent.Type.CREATED)
    assert (by_job.actor_id, by_job.actor_label) == (None, "System")


def test_a_system_job_is_audited_as_the_system(cw: CaseWorld, media: Any) -> None:
    due = cw.case()
    Case.objects.filter(pk=due.pk).update(
        status=Status.ABGESCHLOSSEN, retention_until=datetime.date(2020, 1, 1)
    )
    retention_run()
    entry = AuditEntry.objects.get(action="cases.retention_run")
    assert (entry.actor_kind, entry.actor_label) == ("system", "System (cases.retention)")
    case = cw.case()
    call_command("case-transition", case.reference, "in_pruefung", stdout=StringIO())
    entry = AuditEntry.objects.filter(action="case.transition", object_id=str(case.pk)).get()
    assert (entry.actor_kind, entry.actor_label) == ("system", "System (case-transition)")


def test_staff_and_citizens_are_audited_with_their_account(cw: CaseWorld) -> None:
    case = cw.case()
    case_review_start(actor=Actor.of_user(cw.caseworker), case=case)
    case_reply(actor=Actor.of_user(cw.applicant), case=case, text="Noch eine Frage.")
    kinds = list(
        AuditEntry.objects.filter(object_id=str(case.pk), action__startswith="case.")
        .order_by("id")
        .values_list("action", "actor_kind", "actor_id")
    )
    assert kinds == [
        ("case.transition", "staff", cw.caseworker.pk),
        ("case.message_received", "citizen", cw.applicant.pk),
    ]


def test_permission_checks_tell_the_kinds_apart(cw: CaseWorld) -> None:
    case = cw.case()
    anonymous, system = Actor.anonymous(), Actor.system("test")
    assert can_work_case(system, case)
    assert can_edit_catalog(system, cw.base.kreis)
    assert not can_view_case(anonymous, case.authority_id, case.org_unit_id)
    assert not can_edit_catalog(anonymous, cw.base.kreis)
    assert can_work_case(Actor.of_user(cw.caseworker), case)
    assert not can_work_case(Actor.of_user(cw.applicant), case)
    assert not can_work_case(Actor.of_user(cw.stranger), case)
    with pytest.raises(PermissionDenied):
        case_review_start(actor=anonymous, case=case)


def test_an_access_link_holder_acts_on_that_case_only(cw: CaseWorld, media: Any) -> None:
    own, other = cw.case(applicant=None), cw.case(applicant=None)
    holder = Actor.link_holder(own.pk)
    case_reply(actor=holder, case=own, text="Antwort über den Link.")
    entry = AuditEntry.objects.get(action="case.message_received", object_id=str(own.pk))
    assert (entry.actor_kind, entry.actor_label) == ("link", "Antragsteller (Zugangslink)")
    with pytest.raises(PermissionDenied):
        case_reply(actor=holder, case=other, text="Fremder Antrag.")
    assert not can_view_case(holder, own.authority_id, own.org_unit_id)
    assert Case.objects.get(pk=own.pk).status == Status.EINGEGANGEN
