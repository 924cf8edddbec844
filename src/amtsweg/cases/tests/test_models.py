"""Every submission becomes exactly one case, in the intake transaction, routed to the right unit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from amtsweg.cases.models import Case, CaseEvent, RoutingRule, ServiceCaseSettings, Status
from amtsweg.cases.routing import RoutingError
from amtsweg.catalog.models import Responsibility
from amtsweg.catalog.tests.factories import OrgUnitFactory
from amtsweg.submissions.models import Draft, Submission
from amtsweg.submissions.services import submission_create, submission_submit
from amtsweg.submissions.tests.test_intake_fixtures import valid_data

from .conftest import CaseWorld


@pytest.mark.django_db
def test_a_submission_becomes_one_case_of_the_responsible_unit(cw: CaseWorld) -> None:
    case = cw.case()
    submission = case.submission
    assert case.reference == submission.reference
    assert (case.authority, case.org_unit) == (cw.base.town, cw.base.steueramt)
    assert case.status == Status.EINGEGANGEN
    assert case.applicant == cw.applicant
    assert case.service == cw.base.service
    assert case.received_at == submission.submitted_at
    # default target: 20 working days after the day of receipt
    assert case.due_date is not None
    assert case.due_date > submission.submitted_at.date()
    assert case.fiction_due is None
    created = case.events.get()
    assert (created.type, created.to_status, created.data["routing"]) == (
        "created",
        "eingegangen",
        "catalogue",
    )


@pytest.mark.django_db
def test_the_same_idempotency_key_gives_one_submission_and_one_case(cw: CaseWorld) -> None:
    first, created = submission_create(
        form_version=cw.base.version,
        data=valid_data(),
        applicant=None,
        municipality=cw.base.town,
        idempotency_key="k1",
    )
    again, created_again = submission_create(
        form_version=cw.base.version,
        data=valid_data(),
        applicant=None,
        municipality=cw.base.town,
        idempotency_key="k1",
    )
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Case.objects.count() == 1
    assert Case.objects.get().submission_id == first.pk


@pytest.mark.django_db
def test_every_submitted_draft_has_exactly_one_case(cw: CaseWorld) -> None:
    drafts = [cw.base.draft() for _ in range(3)]
    for draft in drafts:
        submission_submit(draft=draft, actor=None)
        submission_submit(draft=draft, actor=None)  # a double click
    assert Submission.objects.count() == 3
    assert Case.objects.count() == 3
    assert set(Case.objects.values_list("submission_id", flat=True)) == set(
        Submission.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_failing_case_creation_leaves_no_submission_and_keeps_the_draft(
    cw: CaseWorld, settings: Any
) -> None:
    # No responsibility for the service and no Kreis to fall back on: the case cannot be routed.
    Responsibility.objects.filter(service=cw.base.service).delete()
    settings.AMTSWEG_KREIS_AGS = "00000000"
    draft = cw.base.draft()
    with pytest.raises(RoutingError):
        submission_submit(draft=draft, actor=None)
    assert not Submission.objects.exists()
    assert not Case.objects.exists()
    assert Draft.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_without_a_responsible_unit_the_case_goes_to_the_kreis_triage_unit(cw: CaseWorld) -> None:
    Responsibility.objects.filter(service=cw.base.service).delete()
    triage = OrgUnitFactory(authority=cw.base.kreis, name="Posteingang", function="posteingang")
    case = cw.case()
    assert (case.authority, case.org_unit) == (cw.base.kreis, triage)
    assert case.events.get().data["routing"] == "kreis"


@pytest.mark.django_db
def test_service_settings_set_processing_target_and_approval_fiction(cw: CaseWorld) -> None:
    ServiceCaseSettings.objects.create(
        service=cw.base.service, processing_days=5, approval_fiction_months=3, status_model="anzeige"
    )
    case = cw.case()
    received = case.received_at.astimezone(datetime.UTC).date()
    assert case.status_model == "anzeige"
    assert case.fiction_due is not None
    assert (case.fiction_due - received).days >= 89
    assert (case.due_date - received).days >= 5


@pytest.mark.django_db
def test_events_record_the_history_in_order(cw: CaseWorld) -> None:
    from amtsweg.cases.services import case_transition

    case = cw.case()
    case_transition(actor=cw.caseworker, case=case, to="in_pruefung")
    case_transition(actor=cw.caseworker, case=case, to="rueckfrage", text="Bitte Nachweis senden.")
    types = list(case.events.values_list("type", "from_status", "to_status"))
    assert types == [
        ("created", "", "eingegangen"),
        ("transition", "eingegangen", "in_pruefung"),
        ("transition", "in_pruefung", "rueckfrage"),
        ("message_out", "", ""),
    ]
    assert CaseEvent.objects.filter(case=case, actor=cw.caseworker).count() == 3


@pytest.mark.django_db
def test_routing_rule_model_orders_by_position(cw: CaseWorld) -> None:
    later = RoutingRule.objects.create(
        authority=cw.base.town, position=20, name="B", target_authority=cw.base.town
    )
    earlier = RoutingRule.objects.create(
        authority=cw.base.town, position=10, name="A", target_authority=cw.base.town
    )
    assert list(RoutingRule.objects.all()) == [earlier, later]
