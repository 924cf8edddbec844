"""From what happens to a case to outbound events (the outbox).

:func:`on_case_event` is registered in :data:`amtsweg.cases.hooks.case_event_hooks` and so runs inside the
transaction of every case action (intake, status change, message, decision). It turns the history entry into
a CloudEvent and :func:`event_publish` stores it with one delivery per matching subscription and enqueues
their delivery tasks – in the same transaction (decision 0002): an event exists exactly when the change it
reports was committed, and a rolled-back action sends nothing.

Events are *thin*: they name the case (``subject`` = Aktenzeichen), what happened and where to read more in
the case API, but carry no personal data and no message text. The specialist system reads the details with
its API key (:mod:`amtsweg.systemapi`), where tenancy and the audit apply.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from amtsweg.core import configcache
from amtsweg.events.cloudevents import event_build
from amtsweg.events.models import Delivery, EventType, OutboundEvent, Subscription

if TYPE_CHECKING:
    from amtsweg.cases.models import Case, CaseEvent


def event_source(authority: Any) -> str:
    """The CloudEvents ``source`` of events of ``authority``: its AGS (or number) under the portal."""
    key = getattr(authority, "ags", "") or str(authority.pk)
    return f"{settings.AMTSWEG_PUBLIC_URL}/api/v1/fachverfahren/behoerden/{key}"


def case_api_path(reference: str) -> str:
    return f"/api/v1/fachverfahren/vorgaenge/{reference}"


SUBSCRIPTION_AREA = "events.subscription"


def active_subscriptions(authority_id: int) -> list[Subscription]:
    """The active subscriptions of the authority; cached per process until a subscription changes."""
    return configcache.cached(
        SUBSCRIPTION_AREA,
        authority_id,
        lambda: list(Subscription.objects.filter(authority_id=authority_id, is_active=True)),
    )


def event_publish(
    *, type: str, authority: Any, subject: str, data: dict[str, Any], time: datetime.datetime | None = None
) -> OutboundEvent | None:
    """Store one CloudEvent of ``authority`` and its deliveries (call inside the caller's transaction).

    Returns ``None`` without writing anything when no active subscription of the authority wants this
    type. The active subscriptions are cached per process until one changes
    (:mod:`amtsweg.core.configcache`), so an installation without specialist systems pays no query for them.
    """
    from amtsweg.events.tasks import deliver_event

    subscriptions = [s for s in active_subscriptions(authority.pk) if s.wants(type)]
    if not subscriptions:
        return None
    now = time or timezone.now()
    envelope = event_build(type=type, source=event_source(authority), subject=subject, data=data, time=now)
    event = OutboundEvent.objects.create(
        id=envelope["id"], authority_id=authority.pk, type=type, subject=subject, time=now, envelope=envelope
    )
    until = now + datetime.timedelta(hours=settings.AMTSWEG_EVENTS_RETRY_HOURS)
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(event=event, subscription=s, created_at=now, retry_until=until, next_attempt_at=now)
            for s in subscriptions
        ]
    )
    for delivery in deliveries:
        deliver_event.enqueue(delivery.pk)
    return event


def _case_data(case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "aktenzeichen": case.reference,
        "vorgang": case_api_path(case.reference),
        "status": case.status,
        "leistung": case.service.name if case.service_id and case.service else None,
        "leikaSchluessel": (case.service.leika_key or None) if case.service_id and case.service else None,
        "organisationseinheit": case.org_unit_id,
        **extra,
    }


def on_case_event(entry: CaseEvent) -> None:
    """The case-history hook: created → submission received; status change → status changed (and, to
    "entschieden", decision issued); messages → message. Other entries (notes, assignments) stay internal."""
    from amtsweg.cases.models import CaseEvent, CaseMessage, Status

    case = entry.case
    at = entry.at
    if entry.type == CaseEvent.Type.CREATED:
        event_publish(
            type=EventType.SUBMISSION_RECEIVED,
            authority=case.authority,
            subject=case.reference,
            data=_case_data(case, eingegangenAm=case.received_at.isoformat()),
            time=at,
        )
    elif entry.type == CaseEvent.Type.TRANSITION:
        event_publish(
            type=EventType.STATUS_CHANGED,
            authority=case.authority,
            subject=case.reference,
            data=_case_data(case, vorherigerStatus=entry.from_status, status=entry.to_status),
            time=at,
        )
        if entry.to_status == Status.ENTSCHIEDEN:
            event_publish(
                type=EventType.DECISION_ISSUED,
                authority=case.authority,
                subject=case.reference,
                data=_case_data(
                    case,
                    entscheidung=(entry.data or {}).get("decision", case.decision),
                    dokumente=case_api_path(case.reference) + "/dokumente",
                ),
                time=at,
            )
    elif entry.type in (CaseEvent.Type.MESSAGE_OUT, CaseEvent.Type.MESSAGE_IN):
        direction = (
            CaseMessage.Direction.TO_APPLICANT
            if entry.type == CaseEvent.Type.MESSAGE_OUT
            else CaseMessage.Direction.FROM_APPLICANT
        )
        event_publish(
            type=EventType.MESSAGE,
            authority=case.authority,
            subject=case.reference,
            data=_case_data(
                case,
                richtung=direction,
                nachricht=(entry.data or {}).get("message"),
                nachrichten=case_api_path(case.reference) + "/nachrichten",
            ),
            time=at,
        )


def on_payment_changed(payment: Any) -> None:
    """The payments hook: a payment of a submitted application changed its state."""
    if payment.submission_id is None or payment.authority_id is None:
        return
    event_publish(
        type=EventType.PAYMENT_CHANGED,
        authority=payment.authority,
        subject=payment.reference,
        data={
            "aktenzeichen": payment.reference,
            "vorgang": case_api_path(payment.reference),
            "zahlung": str(payment.pk),
            "zahlungsstatus": payment.status,
            "betrag": str(payment.amount),
            "waehrung": "EUR",
        },
    )
