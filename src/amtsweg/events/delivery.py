"""One delivery attempt: POST the CloudEvent, signed, and record what happened.

At least once: an event counts as delivered only when the receiver answered 2xx. Every other answer, a
timeout or a refused connection is logged as an attempt and tried again after an exponentially growing
pause (:func:`backoff`) until ``retry_until`` (``AMTSWEG_EVENTS_RETRY_HOURS`` after the event, default 24 h);
then the delivery is given up and shown as "aufgegeben" in the delivery log, from where staff can start it
again (:func:`amtsweg.events.services.delivery_replay`). A receiver may get an event twice (a lost answer, a
replay): ``webhook-id`` is the same each time.
"""

from __future__ import annotations

import datetime
import json
import logging
import time

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amtsweg.core.sealed import SecretUnreadable, unseal
from amtsweg.events.cloudevents import CONTENT_TYPE
from amtsweg.events.models import Delivery, DeliveryAttempt
from amtsweg.events.signing import signature_headers

logger = logging.getLogger("amtsweg.events")

BACKOFF_FIRST_SECONDS = 15
BACKOFF_MAX_SECONDS = 3600
USER_AGENT = "Amtsweg-Ereignisse/1.0"


def backoff(attempts: int) -> datetime.timedelta:
    """The pause after the ``attempts``-th failed attempt: 15 s, 30 s, 1 min, 2 min … at most one hour."""
    seconds = BACKOFF_FIRST_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def body_of(envelope: dict[str, object]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _post(delivery: Delivery) -> tuple[int | None, str, int]:
    """(HTTP status or None, error text, duration in ms) of one POST."""
    body = body_of(delivery.event.envelope)
    try:
        secret = unseal(delivery.subscription.secret_sealed)
    except SecretUnreadable as error:
        return None, str(error), 0
    headers = {
        "Content-Type": CONTENT_TYPE,
        "User-Agent": USER_AGENT,
        **signature_headers(secret, str(delivery.event_id), body),
    }
    started = time.perf_counter()
    try:
        answer = requests.post(
            delivery.subscription.url,
            data=body,
            headers=headers,
            timeout=settings.AMTSWEG_EVENTS_HTTP_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"[:500], int((time.perf_counter() - started) * 1000)
    duration = int((time.perf_counter() - started) * 1000)
    if 200 <= answer.status_code < 300:
        return answer.status_code, "", duration
    return answer.status_code, f"HTTP {answer.status_code}: {answer.text[:200]}", duration


def delivery_attempt(delivery_id: int) -> str:
    """Try one delivery now (called by the task). Returns what happened, for the task log."""
    from amtsweg.events.tasks import deliver_event

    delivery = Delivery.objects.select_related("event", "subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "gelöscht"
    if delivery.status != Delivery.Status.PENDING:
        return "schon erledigt"
    if not delivery.subscription.is_active:
        return "Abonnement ruht"
    code, error, duration = _post(delivery)
    now = timezone.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != Delivery.Status.PENDING:
            return "schon erledigt"
        locked.attempts += 1
        locked.last_status_code = code
        locked.last_error = error
        DeliveryAttempt.objects.create(
            delivery=locked, at=now, status_code=code, error=error, duration_ms=duration
        )
        if not error:
            locked.status = Delivery.Status.DELIVERED
            locked.delivered_at = now
            locked.next_attempt_at = None
            result = "zugestellt"
        else:
            following = now + backoff(locked.attempts)
            if following > locked.retry_until:
                locked.status = Delivery.Status.GAVE_UP
                locked.next_attempt_at = None
                result = "aufgegeben"
                logger.warning(
                    "Ereignis %s an %s aufgegeben: %s", locked.event_id, delivery.subscription, error
                )
            else:
                locked.next_attempt_at = following
                deliver_event.using(run_after=following).enqueue(locked.pk)
                result = f"neuer Versuch ab {following.isoformat()}"
        locked.save()
    return result
