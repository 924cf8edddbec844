"""The intake reads forwarding rules and fees from a per-process cache (amtsweg.core.configcache): a change
made in the admin or by a domain function applies to the very next submission, and a submission after the
first one no longer queries them."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.cases.models import Case
from amtsweg.core.actors import Actor
from amtsweg.events import services as events
from amtsweg.events.models import OutboundEvent, Subscription
from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.models import Forwarding, OutboundSubmission, SenderClient
from amtsweg.fitconnect.testservice import examples
from amtsweg.forms.models import FormVersion
from amtsweg.payments import services as payments
from amtsweg.payments.models import FormFee, Payment
from amtsweg.submissions.services import submission_create
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def _version() -> FormVersion:
    return (
        FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM, status=FormVersion.Status.PUBLISHED)
        .select_related("form__service")
        .order_by("-published_at")
        .first()
    )


def _submit(version: FormVersion) -> Any:
    submission, _new = submission_create(
        form_version=version,
        data=examples.hundesteuer(),
        applicant=None,
        municipality=Authority.objects.filter(name__endswith="Dülmen").first(),
        idempotency_key=f"test:{uuid.uuid4()}",
    )
    return submission


def _forwarding(version: FormVersion) -> Forwarding:
    kreis = Authority.objects.get(slug="kreis-coesfeld")
    sender = SenderClient.objects.create(
        authority=kreis,
        name="Amtsweg als Onlinedienst",
        submission_api_url="https://fitconnect.invalid",
        routing_api_url="https://fitconnect.invalid/routing/v1",
        routing_jwks_url="https://fitconnect.invalid/jwks.json",
        token_url="https://fitconnect.invalid/token",
        client_id="onlinedienst",
        client_secret_sealed=crypto.seal("geheim"),
    )
    return Forwarding.objects.create(service=version.form.service, sender=sender, ars="055580160016")


def _tables(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def test_a_forwarding_deactivated_in_the_admin_stops_with_the_next_submission(
    demo_db: dict[str, int],
) -> None:
    version = _version()
    forwarding = _forwarding(version)
    first = _submit(version)
    second = _submit(version)  # the rule now comes from the cache of this process
    assert OutboundSubmission.objects.filter(submission__in=[first, second]).count() == 2

    kreis = Authority.objects.get(slug="kreis-coesfeld")
    admin = login_verified(Client(), staff_create("fa-weiterleitung", kreis, "fachadministration"))
    url = reverse("admin:fitconnect_forwarding_change", args=[forwarding.pk])
    response = admin.post(
        url,
        {
            "service": forwarding.service_id,
            "municipality": "",
            "ars": forwarding.ars,
            "sender": forwarding.sender_id,
        },
    )  # "active" not ticked
    assert response.status_code == 302, response.content.decode()[:2000]
    forwarding.refresh_from_db()
    assert forwarding.active is False

    third = _submit(version)
    assert not OutboundSubmission.objects.filter(submission=third).exists()


def test_a_changed_fee_applies_to_the_next_submission(demo_db: dict[str, int]) -> None:
    version = _version()
    fee = FormFee(form_version=version, amount=Decimal("12.00"), purpose="Hundesteuer", timing="nach")
    payments.fee_save(actor=SYSTEM, fee=fee)
    assert Payment.objects.get(submission=_submit(version)).amount == Decimal("12.00")
    assert Payment.objects.get(submission=_submit(version)).amount == Decimal("12.00")

    fee.amount = Decimal("20.00")
    payments.fee_save(actor=SYSTEM, fee=fee)
    assert Payment.objects.get(submission=_submit(version)).amount == Decimal("20.00")

    fee.delete()
    assert not Payment.objects.filter(submission=_submit(version)).exists()


def test_a_second_submission_does_not_query_forwarding_rules_or_fees(demo_db: dict[str, int]) -> None:
    version = _version()
    _forwarding(version)
    payments.fee_save(
        actor=SYSTEM, fee=FormFee(form_version=version, amount=Decimal("5.00"), purpose="Hund", timing="nach")
    )
    with CaptureQueriesContext(connection) as first:
        _submit(version)
    with CaptureQueriesContext(connection) as second:
        submission = _submit(version)

    assert '"fitconnect_forwarding"' in _tables(first)
    assert '"payments_formfee"' in _tables(first)
    assert '"fitconnect_forwarding"' not in _tables(second)
    assert '"payments_formfee"' not in _tables(second)
    assert '"events_subscription"' not in _tables(second)
    assert len(second.captured_queries) < len(first.captured_queries)
    # and the cached rule and fee still did their work
    assert OutboundSubmission.objects.filter(submission=submission).exists()
    assert Payment.objects.get(submission=submission).amount == Decimal("5.00")


def test_a_deactivated_event_subscription_gets_no_event_from_the_next_submission(
    demo_db: dict[str, int],
) -> None:
    version = _version()
    authority = Case.objects.get(submission=_submit(version)).authority
    subscription = Subscription.objects.create(
        authority=authority,
        name="Hundesteuer-Fachverfahren",
        url="https://fachverfahren.example.org/ereignisse",
    )
    for _ in range(2):  # the second one reads the subscription from the cache of this process
        case = Case.objects.get(submission=_submit(version))
        assert OutboundEvent.objects.filter(subject=case.reference).exists()

    subscription.is_active = False
    events.subscription_save(actor=SYSTEM, subscription=subscription)
    case = Case.objects.get(submission=_submit(version))
    assert not OutboundEvent.objects.filter(subject=case.reference).exists()
