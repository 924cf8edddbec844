"""Outbound events reach a real receiver in a second process: signed, valid CloudEvents, retried with backoff,
given up after the retry window, replayed from the log – and nothing is sent for a rolled-back action."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amtsweg.cases import services as case_services
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.core.actors import Actor
from amtsweg.events import services
from amtsweg.events.cloudevents import event_problems
from amtsweg.events.delivery import backoff
from amtsweg.events.models import Delivery, EventType, OutboundEvent, Subscription
from amtsweg.events.testing import receiver_running

SYSTEM = Actor.system("test")


def _subscribe(cw: CaseWorld, url: str, types: list[str] | None = None) -> tuple[Subscription, str]:
    subscription = Subscription(
        authority=cw.base.town, name="Hundesteuer-Fachverfahren", url=url, event_types=types or []
    )
    secret = services.subscription_save(actor=SYSTEM, subscription=subscription)
    return subscription, secret


def _tasks_due_now() -> None:
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


@pytest.mark.django_db(transaction=True)
def test_signed_events_reach_the_receiver(cw: CaseWorld, run_tasks: Callable[[], None], media: Any) -> None:
    placeholder, secret = _subscribe(cw, "http://127.0.0.1:9/")
    with receiver_running(secret) as receiver:
        Subscription.objects.filter(pk=placeholder.pk).update(url=receiver.url)
        case = cw.case()
        case_services.case_review_start(actor=cw.caseworker, case=case)
        case_services.case_message_send(actor=cw.caseworker, case=case, text="Bitte Impfpass nachreichen.")
        run_tasks()
        received = receiver.received()
    assert received["abgelehnt"] == []
    events = [entry["event"] for entry in received["empfangen"]]
    types = [e["type"] for e in events]
    assert types.count(EventType.SUBMISSION_RECEIVED) == 1
    assert EventType.STATUS_CHANGED in types
    assert EventType.MESSAGE in types
    for event in events:
        assert event_problems(event) == []
        assert event["specversion"] == "1.0"
        assert event["subject"] == case.reference
        # Thin events: no message text, no personal data.
        assert "Impfpass" not in str(event)
        assert "Bürger" not in str(event)
    changed = next(e for e in events if e["type"] == EventType.STATUS_CHANGED)
    assert changed["data"]["vorherigerStatus"] == "eingegangen"
    assert changed["data"]["status"] == "in_pruefung"
    assert all(d.status == Delivery.Status.DELIVERED for d in Delivery.objects.all())


@pytest.mark.django_db(transaction=True)
def test_failed_delivery_is_retried_with_backoff_then_given_up_and_replayed(
    cw: CaseWorld, run_tasks: Callable[[], None], media: Any
) -> None:
    placeholder, secret = _subscribe(cw, "http://127.0.0.1:9/", [EventType.SUBMISSION_RECEIVED])
    with receiver_running(secret) as receiver:
        Subscription.objects.filter(pk=placeholder.pk).update(url=receiver.url)
        receiver.fail_next(2)
        case = cw.case()
        run_tasks()
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.PENDING
        assert delivery.attempts == 1
        assert delivery.last_status_code == 503
        assert delivery.next_attempt_at is not None
        assert delivery.next_attempt_at - timezone.now() <= backoff(1)
        run_tasks()  # the next attempt waits for its time: nothing happens now
        assert Delivery.objects.get().attempts == 1
        _tasks_due_now()
        run_tasks()
        delivery = Delivery.objects.get()
        assert delivery.attempts == 2
        assert delivery.status == Delivery.Status.PENDING
        # The retry window ends: the next failure gives up.
        receiver.fail_next(1)
        Delivery.objects.update(retry_until=timezone.now() + datetime.timedelta(seconds=1))
        _tasks_due_now()
        run_tasks()
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.GAVE_UP
        assert delivery.attempts == 3
        assert receiver.events() == []
        # Staff start it again from the delivery log.
        services.delivery_replay(actor=SYSTEM, delivery=delivery)
        run_tasks()
        assert [e["subject"] for e in receiver.events()] == [case.reference]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 4
    assert [a.status_code for a in delivery.attempt_log.all()] == [503, 503, 503, 204]


@pytest.mark.django_db(transaction=True)
def test_receiver_rejects_a_wrong_signature(cw: CaseWorld, run_tasks: Callable[[], None], media: Any) -> None:
    placeholder, _secret = _subscribe(cw, "http://127.0.0.1:9/", [EventType.SUBMISSION_RECEIVED])
    with receiver_running("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=") as receiver:
        Subscription.objects.filter(pk=placeholder.pk).update(url=receiver.url)
        cw.case()
        run_tasks()
        received = receiver.received()
    assert received["empfangen"] == []
    assert received["abgelehnt"][0]["problems"] == ["Signatur ungültig"]
    assert Delivery.objects.get().last_status_code == 400


def test_no_event_for_a_rolled_back_action_and_none_without_subscription(cw: CaseWorld, media: Any) -> None:
    cw.case()
    assert OutboundEvent.objects.count() == 0  # no subscription: nothing stored
    _subscribe(cw, "http://127.0.0.1:9/")
    case = cw.case()
    assert OutboundEvent.objects.filter(type=EventType.SUBMISSION_RECEIVED).count() == 1

    def review_then_fail() -> None:
        with transaction.atomic():
            case_services.case_review_start(actor=cw.caseworker, case=case)
            raise RuntimeError("Abbruch")

    with pytest.raises(RuntimeError):
        review_then_fail()
    assert not OutboundEvent.objects.filter(type=EventType.STATUS_CHANGED).exists()


def test_decision_event_and_other_authorities_see_nothing(cw: CaseWorld, media: Any) -> None:
    other = Subscription(authority=cw.other_town, name="Fremd", url="http://127.0.0.1:9/")
    services.subscription_save(actor=SYSTEM, subscription=other)
    _subscribe(cw, "http://127.0.0.1:9/", [EventType.DECISION_ISSUED])
    case = cw.case()
    case_services.case_review_start(actor=cw.caseworker, case=case)
    case_services.case_decide(
        actor=cw.caseworker, case=case, decision="bewilligt", reasons="Alles vollständig."
    )
    event = OutboundEvent.objects.get()
    assert event.type == EventType.DECISION_ISSUED
    assert event.envelope["data"]["entscheidung"] == "bewilligt"
    assert list(Delivery.objects.values_list("subscription__name", flat=True)) == [
        "Hundesteuer-Fachverfahren"
    ]


def test_only_the_fachadministration_of_the_authority_manages_subscriptions(cw: CaseWorld) -> None:
    from django.core.exceptions import PermissionDenied

    from amtsweg.access.testing import staff_create

    admin_other = staff_create("fa-coesfeld", cw.other_town, "fachadministration")
    admin_own = staff_create("fa-duelmen", cw.base.town, "fachadministration")
    subscription = Subscription(authority=cw.base.town, name="X", url="http://127.0.0.1:9/")
    with pytest.raises(PermissionDenied):
        services.subscription_save(actor=admin_other, subscription=subscription)
    with pytest.raises(PermissionDenied):
        services.subscription_save(actor=cw.caseworker, subscription=subscription)
    assert services.subscription_save(actor=admin_own, subscription=subscription).startswith("whsec_")
