"""The admin actions of the integrations (FIT-Connect keys, event replay and secrets, API key revocation,
the reconciliation CSV), clicked as the Fachadministration of Dülmen: they act on Dülmen's objects only,
and no list or action shows or touches another town's destinations, deliveries, payments or API clients –
not even when the other town's ids are posted by hand.

Cross-cutting (FIT-Connect, payments, events, case API), so it lives in tests/ (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.cases.tests.conftest import CaseWorld, _fast_passwords, cw  # noqa: F401 - shared fixtures
from amtsweg.core.actors import Actor
from amtsweg.events.models import Delivery, EventType, OutboundEvent, Subscription
from amtsweg.events.services import subscription_save
from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.payments.models import Payment
from amtsweg.systemapi.models import ApiClient
from amtsweg.systemapi.services import api_client_create

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")


def _action(admin: Client, url: str, action: str, ids: list[Any]) -> Any:
    return admin.post(
        url, {"action": action, "_selected_action": [str(i) for i in ids], "index": "0"}, follow=False
    )


def _subscription(authority: Any, name: str) -> Subscription:
    subscription = Subscription(
        authority=authority, name=name, url="https://fachverfahren.example.org/hook", event_types=[]
    )
    subscription_save(actor=SYSTEM, subscription=subscription)
    return subscription


def _failed_delivery(subscription: Subscription, subject: str) -> Delivery:
    now = timezone.now()
    event = OutboundEvent.objects.create(
        authority=subscription.authority,
        type=EventType.choices[0][0],
        subject=subject,
        time=now,
        envelope={"id": str(uuid.uuid4())},
    )
    return Delivery.objects.create(
        event=event,
        subscription=subscription,
        status=Delivery.Status.GAVE_UP,
        attempts=9,
        created_at=now - dt.timedelta(days=2),
        retry_until=now - dt.timedelta(days=1),
        last_error="503",
    )


def _destination(authority: Any, name: str) -> Destination:
    return Destination.objects.create(
        authority=authority,
        name=name,
        destination_id=uuid.uuid4(),
        submission_api_url="https://submission-api-testing.fit-connect.fitko.dev",
        token_url="https://auth-testing.fit-connect.fitko.dev/token",
        client_id=f"abruf-{uuid.uuid4().hex[:6]}",
        client_secret_sealed=crypto.seal("geheim"),
    )


def test_integration_admin_actions_of_duelmen_touch_only_duelmen(cw: CaseWorld) -> None:  # noqa: F811
    town, other = cw.base.town, cw.other_town
    admin = login_verified(Client(), staff_create("fa-duelmen", town, "fachadministration"))

    # Reconciliation CSV: the other town's payment, though selected, is not in the file.
    own_payment = Payment.objects.create(
        form_version=cw.base.version,
        authority=town,
        amount=Decimal("30.00"),
        purpose="Parken",
        reference="DUE-2026-1",
        status=Payment.Status.PAID,
    )
    other_payment = Payment.objects.create(
        form_version=cw.base.version,
        authority=other,
        amount=Decimal("30.00"),
        purpose="Parken",
        reference="COE-2026-9",
        status=Payment.Status.PAID,
    )
    listing = admin.get("/admin/payments/payment/").content.decode()
    assert "DUE-2026-1" in listing
    assert "COE-2026-9" not in listing
    response = _action(admin, "/admin/payments/payment/", "export_csv", [own_payment.pk, other_payment.pk])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    csv_text = response.content.decode("utf-8-sig")
    assert "DUE-2026-1" in csv_text
    assert "COE-2026-9" not in csv_text

    # Event deliveries: replay acts on Dülmen's given-up delivery only.
    own_delivery = _failed_delivery(_subscription(town, "Steuerverfahren Dülmen"), "DUE-1")
    other_delivery = _failed_delivery(_subscription(other, "Steuerverfahren Coesfeld"), "COE-1")
    listing = admin.get("/admin/events/delivery/").content.decode()
    assert "DUE-1" in listing
    assert "COE-1" not in listing
    response = _action(admin, "/admin/events/delivery/", "replay", [own_delivery.pk, other_delivery.pk])
    assert response.status_code == 302
    own_delivery.refresh_from_db()
    other_delivery.refresh_from_db()
    assert own_delivery.status == Delivery.Status.PENDING
    assert other_delivery.status == Delivery.Status.GAVE_UP
    assert admin.get(f"/admin/events/delivery/{other_delivery.pk}/change/").status_code in (302, 403, 404)

    # Subscriptions: a new secret for Dülmen's, shown once; the other town's keeps its secret.
    own_sub, other_sub = own_delivery.subscription, other_delivery.subscription
    before = (own_sub.secret_sealed, other_sub.secret_sealed)
    listing = admin.get("/admin/events/subscription/").content.decode()
    assert "Steuerverfahren Dülmen" in listing
    assert "Steuerverfahren Coesfeld" not in listing
    response = _action(admin, "/admin/events/subscription/", "renew_secret", [own_sub.pk, other_sub.pk])
    page = admin.get(response["Location"]).content.decode()
    assert "Neues Signaturgeheimnis für „Steuerverfahren Dülmen“" in page
    assert "Steuerverfahren Coesfeld" not in page
    own_sub.refresh_from_db()
    other_sub.refresh_from_db()
    assert own_sub.secret_sealed != before[0]
    assert other_sub.secret_sealed == before[1]

    # API keys of Fachverfahren: revoking reaches only Dülmen's client.
    own_client, _key = api_client_create(
        actor=SYSTEM, client=ApiClient(owner=town, name="Fachverfahren Dülmen"), authorities=[town]
    )
    other_client, _key = api_client_create(
        actor=SYSTEM, client=ApiClient(owner=other, name="Fachverfahren Coesfeld"), authorities=[other]
    )
    listing = admin.get("/admin/systemapi/apiclient/").content.decode()
    assert "Fachverfahren Dülmen" in listing
    assert "Fachverfahren Coesfeld" not in listing
    _action(admin, "/admin/systemapi/apiclient/", "revoke", [own_client.pk, other_client.pk])
    own_client.refresh_from_db()
    other_client.refresh_from_db()
    assert own_client.revoked_at is not None
    assert other_client.revoked_at is None

    # FIT-Connect destinations: new keys only for Dülmen's; the Kreis's is neither listed nor changed.
    own_destination = _destination(town, "Eingang Dülmen")
    kreis_destination = _destination(cw.base.kreis, "EfA-Eingang Kreis")
    listing = admin.get("/admin/fitconnect/destination/").content.decode()
    assert "Eingang Dülmen" in listing
    assert "EfA-Eingang Kreis" not in listing
    response = _action(
        admin, "/admin/fitconnect/destination/", "generate_keys", [own_destination.pk, kreis_destination.pk]
    )
    assert response.status_code == 302
    assert DestinationKey.objects.filter(destination=own_destination).count() == 2
    assert not DestinationKey.objects.filter(destination=kreis_destination).exists()
    for path in ("fitconnect/inboundsubmission", "fitconnect/outboundsubmission", "fitconnect/senderclient"):
        page = admin.get(f"/admin/{path}/")
        assert page.status_code in (200, 404)
        assert "EfA-Eingang Kreis" not in page.content.decode()
