"""Outbound events for specialist systems: subscriptions, the outbox of events and their deliveries."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.tenants.models import Authority


class EventType(models.TextChoices):
    """The CloudEvents ``type`` of each kind of event (reverse domain names, versioned by their data)."""

    SUBMISSION_RECEIVED = "de.amtsweg.antrag.eingegangen", _("Antrag eingegangen")
    STATUS_CHANGED = "de.amtsweg.vorgang.status-geaendert", _("Status eines Vorgangs geändert")
    MESSAGE = "de.amtsweg.vorgang.nachricht", _("Nachricht zu einem Vorgang")
    DECISION_ISSUED = "de.amtsweg.vorgang.bescheid-erlassen", _("Bescheid erlassen")
    PAYMENT_CHANGED = "de.amtsweg.vorgang.zahlung-geaendert", _("Zahlung zu einem Vorgang geändert")


class Subscription(TimeStampedModel):
    """A specialist system (Fachverfahren) of an authority that wants to be told about its cases.

    Events are posted to ``url`` as CloudEvents (structured JSON) and signed with ``secret`` (HMAC-SHA256
    after the Standard Webhooks scheme, see docs/events.md). The secret is stored encrypted
    (:mod:`amtsweg.core.sealed`) and shown only once, when it is made.
    """

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.CASCADE, related_name="event_subscriptions"
    )
    name = models.CharField(_("Name des Fachverfahrens"), max_length=200)
    url = models.URLField(
        _("Empfangsadresse"),
        max_length=2000,
        help_text=_("Hierhin sendet Amtsweg jedes Ereignis per HTTP POST (CloudEvents im JSON-Format)."),
    )
    event_types = models.JSONField(
        _("Ereignisarten"),
        default=list,
        blank=True,
        help_text=_("Leer: alle Ereignisarten."),
    )
    secret_sealed = models.TextField(_("Signaturgeheimnis (verschlüsselt)"), blank=True, editable=False)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Ereignis-Abonnement")
        verbose_name_plural = _("Ereignis-Abonnements")
        ordering = ["authority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.authority})"

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class OutboundEvent(models.Model):
    """One event as sent (the outbox row): the complete CloudEvent, written in the transaction of the
    action it reports, so that it exists exactly when the change does."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.CASCADE, related_name="outbound_events"
    )
    type = models.CharField(_("Ereignisart"), max_length=100, choices=EventType.choices)
    subject = models.CharField(_("Betreff (Aktenzeichen)"), max_length=100, blank=True)
    time = models.DateTimeField(_("Zeitpunkt"), db_index=True)
    envelope = models.JSONField(_("CloudEvent"))

    class Meta:
        verbose_name = _("Ereignis")
        verbose_name_plural = _("Ereignisse")
        ordering = ["-time"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.subject}"


class Delivery(models.Model):
    """The delivery of one event to one subscription: tried until it is accepted or 24 hours passed."""

    class Status(models.TextChoices):
        PENDING = "offen", _("offen")
        DELIVERED = "zugestellt", _("zugestellt")
        GAVE_UP = "aufgegeben", _("aufgegeben")

    event = models.ForeignKey(
        OutboundEvent, verbose_name=_("Ereignis"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("Abonnement"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    created_at = models.DateTimeField(_("angelegt am"))
    retry_until = models.DateTimeField(_("Versuche bis"))
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("zugestellt am"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("letzte HTTP-Antwort"), null=True, blank=True)
    last_error = models.CharField(_("letzter Fehler"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Zustellung")
        verbose_name_plural = _("Zustellungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="events_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="events_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.name}"


class DeliveryAttempt(models.Model):
    """One HTTP attempt of a delivery (the delivery log)."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("Zustellung"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("Zeitpunkt"))
    status_code = models.PositiveIntegerField(_("HTTP-Antwort"), null=True, blank=True)
    error = models.CharField(_("Fehler"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("Dauer (ms)"), default=0)

    class Meta:
        verbose_name = _("Zustellversuch")
        verbose_name_plural = _("Zustellversuche")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M:%S} {self.status_code or self.error}"
