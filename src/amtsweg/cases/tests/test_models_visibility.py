"""Who sees which cases (selectors), assignment, overdue/soon-due flags and the team leads' summary."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from amtsweg.access.testing import staff_create
from amtsweg.cases.models import Case, Status
from amtsweg.cases.selectors import cases_overdue, cases_soon_due, cases_visible, deadline_flags
from amtsweg.cases.services import case_assign, case_transition
from amtsweg.cases.tasks import deadline_summary_send
from amtsweg.catalog.tests.factories import OrgUnitFactory

from .conftest import CaseWorld


@pytest.mark.django_db
def test_caseworkers_see_their_unit_and_below_nobody_sees_another_town(cw: CaseWorld) -> None:
    case = cw.case()
    sub_unit = OrgUnitFactory(
        authority=cw.base.town, name="Hundesteuer", function="hundesteuer", parent=cw.base.steueramt
    )
    below = cw.case()
    Case.objects.filter(pk=below.pk).update(org_unit=sub_unit)
    whole_town = staff_create("tl-stadt", cw.base.town, "teamleitung")  # assigned without unit
    ordnung = staff_create("sb-ordnung", cw.base.town, ("sachbearbeitung", cw.ordnungsamt))
    sub_worker = staff_create("sb-hund", cw.base.town, ("sachbearbeitung", sub_unit))
    platform = staff_create("plattform", cw.base.kreis, "plattform-admin")
    assert set(cases_visible(cw.caseworker)) == {case, below}
    assert set(cases_visible(whole_town)) == {case, below}
    assert set(cases_visible(sub_worker)) == {below}
    assert not cases_visible(ordnung).exists()
    assert not cases_visible(cw.stranger).exists()
    assert not cases_visible(platform).exists()
    assert not cases_visible(cw.applicant).exists()


@pytest.mark.django_db
def test_team_leads_assign_caseworkers_only_take_or_return(cw: CaseWorld) -> None:
    case = cw.case()
    case = case_assign(actor=cw.lead, case=case, assignee=cw.caseworker)
    assert case.assignee == cw.caseworker
    colleague = staff_create("sb-zwei", cw.base.town, ("sachbearbeitung", cw.base.steueramt))
    with pytest.raises(PermissionDenied):
        case_assign(actor=cw.caseworker, case=case, assignee=colleague)
    case = case_assign(actor=cw.caseworker, case=case, assignee=None)  # give it back
    assert case.assignee is None
    case = case_assign(actor=colleague, case=case, assignee=colleague)  # take it
    assert case.assignee == colleague
    with pytest.raises(ValidationError):
        case_assign(actor=cw.lead, case=case, assignee=cw.stranger)  # cannot see the case
    with pytest.raises(PermissionDenied):
        case_assign(actor=cw.stranger, case=case, assignee=cw.stranger)
    assert case.events.filter(type="assigned").count() == 3


@pytest.mark.django_db
def test_overdue_and_soon_due(cw: CaseWorld, settings: Any) -> None:
    settings.AMTSWEG_CASE_SOON_DAYS = 3
    today = datetime.date(2026, 12, 23)  # Wednesday before Christmas
    overdue, soon, later, reply_late, closed = (cw.case() for _ in range(5))
    Case.objects.filter(pk=overdue.pk).update(due_date=datetime.date(2026, 12, 22))
    Case.objects.filter(pk=soon.pk).update(due_date=datetime.date(2026, 12, 29))  # 3rd working day after
    Case.objects.filter(pk=later.pk).update(due_date=datetime.date(2026, 12, 30))
    Case.objects.filter(pk=reply_late.pk).update(
        status=Status.RUECKFRAGE, due_date=datetime.date(2027, 1, 20), reply_due=datetime.date(2026, 12, 21)
    )
    Case.objects.filter(pk=closed.pk).update(status=Status.ABGESCHLOSSEN, due_date=datetime.date(2026, 1, 1))
    visible = cases_visible(cw.caseworker)
    assert set(cases_overdue(visible, today)) == {overdue, reply_late}
    assert set(cases_soon_due(visible, today)) == {soon}
    soon.refresh_from_db()
    assert deadline_flags(soon, today) == {
        "overdue": False,
        "reply_overdue": False,
        "soon_due": True,
        "fiction_soon": False,
    }
    reply_late.refresh_from_db()
    # the reply deadline passed, not the processing target: each flag names its own date
    assert deadline_flags(reply_late, today)["reply_overdue"]
    assert not deadline_flags(reply_late, today)["overdue"]


@pytest.mark.django_db
def test_daily_summary_to_team_leads_has_counts_but_no_personal_data(cw: CaseWorld) -> None:
    case = cw.case()
    Case.objects.filter(pk=case.pk).update(due_date=datetime.date(2020, 1, 2))
    mail.outbox.clear()
    assert deadline_summary_send() == 1
    (message,) = mail.outbox
    assert message.to == [cw.lead.email]
    assert "1 überfällig" in message.body
    assert "Steueramt" in message.body
    for secret in (case.reference, "Berta", "Müller", "Bello"):
        assert secret not in message.body


@pytest.mark.django_db
def test_the_periodic_jobs_are_registered() -> None:
    from amtsweg.core.schedule import periodic_jobs

    assert "cases.deadline-summary" in periodic_jobs
    assert "cases.retention" in periodic_jobs


@pytest.mark.django_db
def test_withdrawn_case_is_not_overdue(cw: CaseWorld) -> None:
    case = cw.case()
    Case.objects.filter(pk=case.pk).update(due_date=datetime.date(2020, 1, 2))
    case_transition(actor=cw.applicant, case=case, to=Status.ZURUECKGEZOGEN)
    assert not cases_overdue(cases_visible(cw.caseworker)).exists()
