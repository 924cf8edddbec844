"""Writes of the events app: subscriptions (with their signing secret) and replays of deliveries.

Each checks :func:`~amtsweg.access.permissions.can_manage_integrations` for the authority concerned (the
Fachadministration of that authority), writes an audit entry and, for a replay, enqueues the delivery task –
in one transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_manage_integrations, require
from amtsweg.core.audit import audit_record
from amtsweg.core.outbound import outbound_url_check
from amtsweg.core.sealed import seal
from amtsweg.events.models import Delivery, EventType, Subscription
from amtsweg.events.signing import secret_new


def subscription_save(*, actor: Any, subscription: Subscription, source: str = "") -> str:
    """Create or change ``subscription``. A new one gets a signing secret, which is returned (shown once);
    a change returns ``""``."""
    require(
        can_manage_integrations(actor, subscription.authority_id),
        _("Sie dürfen die Anbindungen dieser Behörde nicht ändern."),
    )
    subscription.url = outbound_url_check(subscription.url)
    unknown = [t for t in subscription.event_types or [] if t not in EventType.values]
    if unknown:
        raise ValidationError(
            _("Unbekannte Ereignisart: %(types)s") % {"types": ", ".join(map(str, unknown))}
        )
    created = subscription.pk is None
    secret = ""
    with transaction.atomic():
        if created:
            secret = secret_new()
            subscription.secret_sealed = seal(secret)
        subscription.full_clean()
        subscription.save()
        audit_record(
            actor=actor,
            action="event_subscription.created" if created else "event_subscription.changed",
            obj=subscription,
            changes={
                "url": subscription.url,
                "types": subscription.event_types,
                "active": subscription.is_active,
            },
            authority_id=subscription.authority_id,
            source=source,
        )
    return secret


def subscription_secret_renew(*, actor: Any, subscription: Subscription, source: str = "") -> str:
    """A new signing secret for ``subscription`` (returned once); the old one stops working at once."""
    require(
        can_manage_integrations(actor, subscription.authority_id),
        _("Sie dürfen die Anbindungen dieser Behörde nicht ändern."),
    )
    secret = secret_new()
    with transaction.atomic():
        subscription.secret_sealed = seal(secret)
        subscription.save(update_fields=["secret_sealed", "updated_at"])
        audit_record(
            actor=actor,
            action="event_subscription.secret_renewed",
            obj=subscription,
            authority_id=subscription.authority_id,
            source=source,
        )
    return secret


def subscription_delete(*, actor: Any, subscription: Subscription, source: str = "") -> None:
    require(
        can_manage_integrations(actor, subscription.authority_id),
        _("Sie dürfen die Anbindungen dieser Behörde nicht ändern."),
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="event_subscription.deleted",
            obj=subscription,
            authority_id=subscription.authority_id,
            source=source,
        )
        subscription.delete()


def delivery_replay(*, actor: Any, delivery: Delivery, source: str = "") -> Delivery:
    """Send ``delivery`` again – a given-up one, or a delivered one the receiver lost. It gets a fresh
    retry window (``AMTSWEG_EVENTS_RETRY_HOURS``) and is tried at once; the event id stays the same."""
    from amtsweg.events.tasks import deliver_event

    require(
        can_manage_integrations(actor, delivery.subscription.authority_id),
        _("Sie dürfen die Anbindungen dieser Behörde nicht ändern."),
    )
    now = timezone.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        previous = locked.status
        locked.status = Delivery.Status.PENDING
        locked.retry_until = now + datetime.timedelta(hours=settings.AMTSWEG_EVENTS_RETRY_HOURS)
        locked.next_attempt_at = now
        locked.save(update_fields=["status", "retry_until", "next_attempt_at"])
        deliver_event.enqueue(locked.pk)
        audit_record(
            actor=actor,
            action="event_delivery.replayed",
            obj=locked,
            changes={"event": str(locked.event_id), "from": previous},
            authority_id=delivery.subscription.authority_id,
            source=source,
        )
    return locked
