"""Fees computed from the answers, the purpose rule of XBezahldienste, the reconciliation CSV with its
tenancy and CSV-injection guard, the OpenAPI check of what we send, and the payment event."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amtsweg.access.testing import staff_create
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.core.actors import Actor
from amtsweg.payments import openapi, services
from amtsweg.payments.fees import fee_lines, fee_total
from amtsweg.payments.models import FormFee, Payment
from amtsweg.payments.providers import XBezahldienste
from amtsweg.payments.testing import fee_set
from amtsweg.submissions.tests.test_intake_fixtures import valid_data

SYSTEM = Actor.system("test")


def test_fee_is_computed_from_the_answers(cw: CaseWorld) -> None:
    fee = fee_set(cw.base.version)
    fee.positions = [
        {"label": "je Hund", "amount": "5.00", "per": "hund"},
        {
            "label": "Zuschlag hoher Betrag",
            "amount": "2.50",
            "when": {"field": "steuerbetrag", "op": "gt", "value": 1000},
        },
    ]
    services.fee_save(actor=SYSTEM, fee=fee)
    two_dogs = valid_data(hund=[{"name": "A", "rasse": "01"}, {"name": "B", "rasse": "01"}], steuerbetrag=10)
    assert fee_total(fee, two_dogs) == Decimal("20.00")
    assert fee_total(fee, valid_data()) == Decimal("17.50")  # one dog, high amount
    assert [line.label for line in fee_lines(fee, valid_data())] == [
        "Anmeldung zur Hundesteuer",
        "je Hund",
        "Zuschlag hoher Betrag",
    ]


@pytest.mark.parametrize(
    "purpose",
    ["Hundesteuer Anmeldung Duelmen", "Gebühr Hund", "", "Hund;DROP"],
)
def test_purpose_follows_xbezahldienste(cw: CaseWorld, purpose: str) -> None:
    fee = FormFee(form_version=cw.base.version, amount=Decimal("1.00"), purpose=purpose)
    with pytest.raises(ValidationError) as error:
        services.fee_save(actor=SYSTEM, fee=fee)
    assert (
        "27 Zeichen" in " ".join(error.value.messages)
        or "Pflichtfeld" in " ".join(error.value.messages)
        or ("darf nicht leer" in " ".join(error.value.messages))
    )


def test_published_fee_is_fixed_for_staff_and_only_the_owner_sets_it(cw: CaseWorld) -> None:
    admin_kreis = staff_create("fa-kreis", cw.base.kreis, "fachadministration")
    admin_town = staff_create("fa-town", cw.base.town, "fachadministration")
    fee = FormFee(form_version=cw.base.version, amount=Decimal("3.00"), purpose="Hund")
    with pytest.raises(PermissionDenied):
        services.fee_save(actor=admin_town, fee=fee)  # the form belongs to the Kreis
    with pytest.raises(ValidationError) as error:
        services.fee_save(actor=admin_kreis, fee=fee)
    assert "veröffentlicht" in " ".join(error.value.messages)


def test_request_body_matches_the_openapi_document(cw: CaseWorld) -> None:
    fee = fee_set(cw.base.version)
    payment = Payment(
        form_version=cw.base.version,
        authority=cw.base.town,
        amount=fee_total(fee, valid_data()),
        purpose=fee.purpose,
    )
    from django.utils import timezone

    payment.created_at = timezone.now()
    body = XBezahldienste().request_body(
        payment, fee_lines(fee, valid_data()), "https://portal.example/x", "Hund"
    )
    assert openapi.schema_problems("PaymentRequest", body) == []
    assert body["grossAmount"] == 15.0
    assert sum(i["totalNetAmount"] for i in body["items"]) == 15.0
    assert openapi.schema_problems("PaymentRequest", {**body, "purpose": "x" * 28})


def _payment(cw: CaseWorld, authority: Any, **fields: Any) -> Payment:
    return Payment.objects.create(
        form_version=cw.base.version, authority=authority, amount=Decimal("15.00"), purpose="Hund", **fields
    )


def test_reconciliation_csv_is_scoped_and_injection_safe(cw: CaseWorld) -> None:
    own = _payment(
        cw,
        cw.base.town,
        reference="A-2026-1",
        status=Payment.Status.PAID,
        transaction_reference="=HYPERLINK(1)",
        payment_method="CREDITCARD",
    )
    other = _payment(cw, cw.other_town, reference="B-2026-2")
    town_admin = staff_create("fa-duelmen", cw.base.town, "fachadministration")
    with pytest.raises(PermissionDenied):
        services.payments_export(actor=town_admin, payments=[own, other])
    content = services.payments_export(actor=town_admin, payments=[own])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Aktenzeichen", "Kassenzeichen", "Transaktions-ID", "Betrag"]
    assert rows[1][0] == "A-2026-1"
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][3] == "15,00"
    assert rows[1][6] == "bezahlt"
    assert rows[1][11] == "Stadt Dülmen"
    # The admin list of the town's Fachadministration holds only its own payments.
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from amtsweg.payments.admin import PaymentAdmin

    request = RequestFactory().get("/admin/payments/payment/")
    request.user = town_admin
    town_admin.is_verified = lambda: True
    assert list(PaymentAdmin(Payment, site).get_queryset(request)) == [own]


def test_payment_change_becomes_an_event_for_the_fachverfahren(cw: CaseWorld, media: Any) -> None:
    from amtsweg.events import services as event_services
    from amtsweg.events.models import EventType, OutboundEvent, Subscription

    event_services.subscription_save(
        actor=SYSTEM,
        subscription=Subscription(
            authority=cw.base.town,
            name="Kasse",
            url="http://127.0.0.1:9/",
            event_types=[EventType.PAYMENT_CHANGED],
        ),
    )
    case = cw.case()
    payment = _payment(cw, cw.base.town, submission=case.submission, reference=case.reference)
    from django.db import transaction

    with transaction.atomic():
        services._state_apply(payment, Payment.Status.PAID, actor=SYSTEM)
    event = OutboundEvent.objects.get()
    assert event.type == EventType.PAYMENT_CHANGED
    assert event.subject == case.reference
    assert event.envelope["data"]["zahlungsstatus"] == "bezahlt"
    assert event.envelope["data"]["betrag"] == "15.00"


def test_the_case_api_shows_the_payment_and_api_submissions_open_one(
    cw: CaseWorld, client: Any, media: Any
) -> None:
    from amtsweg.systemapi.models import ApiClient
    from amtsweg.systemapi.services import api_client_create

    fee_set(cw.base.version)  # due before submitting – but an API submission has no browser to pay in
    case = cw.case()
    payment = Payment.objects.get(submission=case.submission)
    assert payment.status == Payment.Status.OPEN
    assert payment.amount == Decimal("15.00")
    from django.db import transaction

    with transaction.atomic():
        services._state_apply(payment, Payment.Status.PAID, actor=SYSTEM)
    _record, key = api_client_create(
        actor=SYSTEM, client=ApiClient(owner=cw.base.town, name="Kasse"), authorities=[cw.base.town]
    )
    answer = client.get(
        f"/api/v1/fachverfahren/vorgaenge/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert answer.json()["zahlung"]["status"] == "bezahlt"
    assert answer.json()["zahlung"]["betrag"] == "15.00"
