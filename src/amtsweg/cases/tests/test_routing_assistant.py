"""Free-text requests without a service ("Anliegen an die Verwaltung") are routed by the AI router."""

from __future__ import annotations

from typing import Any

import pytest

from amtsweg.assistant.models import RoutingDecision
from amtsweg.cases.models import Case
from amtsweg.cases.routing import free_text
from amtsweg.catalog.selectors import kreis
from amtsweg.forms.models import Form
from amtsweg.submissions.services import submission_create
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


def anliegen(town: Authority, text: str, key: str) -> Case:
    version = Form.objects.get(key="anliegen").published_version()
    assert version is not None
    data = {
        "thema": "frage",
        "betreff": "Frage",
        "nachricht": text,
        "kontakt": {"name": "Erika Beispiel", "antwortweg": "email", "email": "erika@example.org"},
    }
    submission, _created = submission_create(
        form_version=version,
        data=data,
        applicant=None,
        municipality=town,
        idempotency_key=key,
        channel="api",
        actor=None,
    )
    return Case.objects.get(submission=submission)


@pytest.fixture
def demo(settings: Any, demo_db: dict[str, int]) -> None:
    settings.AMTSWEG_ASSISTANT_EMBEDDING_MODEL = ""  # BM25 half only: fast and deterministic here


def test_a_clear_request_goes_straight_to_the_unit_that_handles_it(demo: None) -> None:
    senden = Authority.objects.get(slug="senden")
    case = anliegen(senden, "Ich möchte meinen neuen Hund zur Hundesteuer anmelden.", "ki-1")

    assert case.authority == senden
    assert case.org_unit is not None
    assert case.org_unit.authority == senden
    event = case.events.get(type="created")
    assert event.data["routing"].startswith("assistant:")
    assert RoutingDecision.objects.filter(outcome=RoutingDecision.Outcome.AUTO).count() == 1
    assert "Hundesteuer" in free_text(case.submission)


def test_an_unclear_request_goes_to_human_triage(demo: None) -> None:
    senden = Authority.objects.get(slug="senden")
    case = anliegen(senden, "Qwrtz blorp zzvx.", "ki-2")

    assert case.authority == kreis()
    assert not case.events.get(type="created").data["routing"].startswith("assistant:")
    assert not RoutingDecision.objects.filter(outcome=RoutingDecision.Outcome.AUTO).exists()


def test_a_forward_by_a_caseworker_teaches_the_router_and_retention_removes_it_again(demo: None) -> None:
    from amtsweg.assistant.models import RouterExample
    from amtsweg.cases.retention import case_anonymise
    from amtsweg.cases.services import case_forward
    from amtsweg.tenants.models import OrgUnit

    senden = Authority.objects.get(slug="senden")
    case = anliegen(senden, "Qwrtz blorp, die Straßenlaterne vor meinem Haus ist aus.", "ki-3")
    target = (
        OrgUnit.objects.filter(authority=case.authority).exclude(pk=case.org_unit_id).exclude(function="")
    )
    unit = target.first()
    assert unit is not None
    case_forward(actor=None, case=case, to_org_unit=unit, reason="gehört dorthin")

    example = RouterExample.objects.get(case_reference=case.reference)
    assert example.label == unit.function
    assert "Straßenlaterne" in example.text
    assert example.source == "weiterleitung"

    case_anonymise(case)
    assert not RouterExample.objects.filter(case_reference=case.reference).exists()
