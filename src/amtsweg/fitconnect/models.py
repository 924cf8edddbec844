"""FIT-Connect: destinations (Zustellpunkte) and their keys, received and sent submissions.

Secrets (client secrets, callback secrets, private keys) are stored only sealed
(:func:`amtsweg.fitconnect.crypto.seal`); the admin never shows them.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import Service
from amtsweg.core.models import TimeStampedModel
from amtsweg.submissions.models import Submission
from amtsweg.tenants.models import Authority


class ApiVersion(models.TextChoices):
    V1 = "1", _("Submission API 1.x")


class Destination(TimeStampedModel):
    """A Zustellpunkt of an authority: where FIT-Connect delivers submissions for it."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="fitconnect_destinations"
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    destination_id = models.UUIDField(
        _("Zustellpunkt-ID (destinationId)"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("Vergibt FITKO beim Anlegen des Zustellpunkts im Self-Service-Portal."),
    )
    submission_api_url = models.URLField(
        _("Adresse der Submission API"),
        help_text=_("Testumgebung: https://submission-api-testing.fit-connect.fitko.dev"),
    )
    token_url = models.URLField(
        _("Adresse des Token-Endpunkts"),
        help_text=_("Testumgebung: https://auth-testing.fit-connect.fitko.dev/token"),
    )
    client_id = models.CharField(_("Client-ID (Abrufendes System)"), max_length=200)
    client_secret_sealed = models.TextField(_("Client-Secret (verschlüsselt)"), editable=False, blank=True)
    callback_secret_sealed = models.TextField(
        _("Callback-Secret (verschlüsselt)"), editable=False, blank=True
    )
    api_version = models.CharField(
        _("API-Version"), max_length=5, choices=ApiVersion.choices, default=ApiVersion.V1
    )
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("Gemeinde, wenn die Angaben keine nennen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Amtsweg sucht die Gemeinde der antragstellenden Person über die Postleitzahl in den Angaben; "
            "findet es keine eindeutige, gilt diese Gemeinde."
        ),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    last_polled_at = models.DateTimeField(_("zuletzt abgefragt"), null=True, blank=True)

    class Meta:
        verbose_name = _("FIT-Connect-Zustellpunkt")
        verbose_name_plural = _("FIT-Connect-Zustellpunkte")
        ordering = ["authority__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.destination_id})"


class DestinationKey(TimeStampedModel):
    """A key pair of a destination. The private half is sealed; a retired key still decrypts old
    submissions (rotation), only the active encryption key is published to senders."""

    class Purpose(models.TextChoices):
        ENCRYPTION = "encryption", _("Verschlüsselung (RSA-OAEP-256)")
        SIGNING = "signing", _("Signatur (PS512)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktiv")
        RETIRED = "retired", _("abgelöst – entschlüsselt nur noch alte Einreichungen")

    destination = models.ForeignKey(
        Destination, verbose_name=_("Zustellpunkt"), on_delete=models.CASCADE, related_name="keys"
    )
    kid = models.CharField(_("Schlüssel-ID (kid)"), max_length=64, unique=True)
    purpose = models.CharField(_("Zweck"), max_length=20, choices=Purpose.choices)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    public_jwk = models.JSONField(_("öffentlicher Schlüssel (JWK)"))
    private_jwk_sealed = models.TextField(_("privater Schlüssel (verschlüsselt)"), editable=False)
    retired_at = models.DateTimeField(_("abgelöst am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Schlüssel eines Zustellpunkts")
        verbose_name_plural = _("Schlüssel der Zustellpunkte")
        ordering = ["destination", "purpose", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.kid} ({self.get_status_display()})"


class InboundSubmission(TimeStampedModel):
    """A submission FIT-Connect delivered to one of our destinations. ``submission_id`` is unique: the same
    delivery fetched twice (callback and poll, two workers) is taken in once."""

    class Status(models.TextChoices):
        NEW = "new", _("angekündigt, noch nicht abgeholt")
        ACCEPTED = "accepted", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")

    class Event(models.TextChoices):
        PENDING = "pending", _("Rückmeldung an FIT-Connect steht aus")
        SENT = "sent", _("Rückmeldung an FIT-Connect gesendet")

    destination = models.ForeignKey(
        Destination, verbose_name=_("Zustellpunkt"), on_delete=models.PROTECT, related_name="inbound"
    )
    fit_submission_id = models.UUIDField(_("FIT-Connect-Einreichung (submissionId)"), unique=True)
    fit_case_id = models.UUIDField(_("FIT-Connect-Vorgang (caseId)"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.NEW)
    event_status = models.CharField(
        _("Rückmeldung"), max_length=10, choices=Event.choices, default=Event.PENDING
    )
    submission = models.OneToOneField(
        Submission,
        verbose_name=_("Antrag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fitconnect_inbound",
    )
    service_identifier = models.CharField(_("Leistung (serviceType)"), max_length=255, blank=True)
    service_name = models.CharField(_("Leistungsname des Onlinedienstes"), max_length=300, blank=True)
    metadata = models.JSONField(_("Metadaten"), default=dict, blank=True)
    problems = models.JSONField(_("Gründe der Ablehnung"), default=list, blank=True)
    auth_tags = models.JSONField(_("Authentication Tags der JWE"), default=dict, blank=True)
    event_token = models.TextField(_("gesendetes Security Event Token"), blank=True)
    event_sent_at = models.DateTimeField(_("Rückmeldung gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("über FIT-Connect empfangene Einreichung")
        verbose_name_plural = _("über FIT-Connect empfangene Einreichungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.fit_submission_id)

    @property
    def reply_channel(self) -> dict[str, object]:
        channel = self.metadata.get("replyChannel") if isinstance(self.metadata, dict) else None
        return channel if isinstance(channel, dict) else {}

    @property
    def sender_label(self) -> str:
        """Who sent it, as far as the metadata say ("Onlinedienst …")."""
        reference = self.metadata.get("additionalReferenceInfo") if isinstance(self.metadata, dict) else None
        sender_ref = reference.get("senderReference", "") if isinstance(reference, dict) else ""
        return self.service_name + (f" – {sender_ref}" if sender_ref else "")


class SenderClient(TimeStampedModel):
    """Amtsweg as a sender (Onlinedienst): the API client it uses to deliver to other authorities."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="fitconnect_senders"
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    submission_api_url = models.URLField(_("Adresse der Submission API"))
    routing_api_url = models.URLField(
        _("Adresse der Routing API"),
        help_text=_("Testumgebung: https://routing-api-testing.fit-connect.fitko.dev/v1"),
    )
    routing_jwks_url = models.URLField(
        _("Adresse der Signaturschlüssel der Adressierungsinformationen (JWKS)"),
        help_text=_(
            "Die Routing API liefert jeden Zustellpunkt mit einer Signatur des Self-Service-Portals; "
            "Amtsweg liefert nur an Zustellpunkte, deren Signatur ein Schlüssel von dieser Adresse "
            "bestätigt. Testumgebung: https://portal.auth-testing.fit-connect.fitko.dev/.well-known/jwks.json"
        ),
    )
    token_url = models.URLField(_("Adresse des Token-Endpunkts"))
    client_id = models.CharField(_("Client-ID (Sendendes System)"), max_length=200)
    client_secret_sealed = models.TextField(_("Client-Secret (verschlüsselt)"), editable=False, blank=True)

    class Meta:
        verbose_name = _("FIT-Connect-Sender")
        verbose_name_plural = _("FIT-Connect-Sender")

    def __str__(self) -> str:
        return self.name


class Forwarding(TimeStampedModel):
    """A service whose responsible authority is outside Amtsweg: its submissions go out over FIT-Connect."""

    service = models.ForeignKey(
        Service, verbose_name=_("Leistung"), on_delete=models.CASCADE, related_name="fitconnect_forwardings"
    )
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("nur für Gemeinde"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    ars = models.CharField(
        _("Amtlicher Regionalschlüssel für das Routing"),
        max_length=12,
        blank=True,
        help_text=_("Leer: der Gemeindeschlüssel der Gemeinde des Antrags."),
    )
    sender = models.ForeignKey(SenderClient, verbose_name=_("Sender"), on_delete=models.PROTECT)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Weiterleitung über FIT-Connect")
        verbose_name_plural = _("Weiterleitungen über FIT-Connect")

    def __str__(self) -> str:
        return str(self.service)


class OutboundSubmission(TimeStampedModel):
    """A submission Amtsweg delivers to another authority over FIT-Connect, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wird zugestellt")
        SUBMITTED = "submitted", _("zugestellt, wartet auf Annahme")
        ACCEPTED = "accepted", _("vom Empfänger angenommen")
        REJECTED = "rejected", _("vom Empfänger abgelehnt")
        FAILED = "failed", _("Zustellung aufgegeben")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.OneToOneField(
        Submission, verbose_name=_("Antrag"), on_delete=models.CASCADE, related_name="fitconnect_outbound"
    )
    forwarding = models.ForeignKey(Forwarding, verbose_name=_("Weiterleitung"), on_delete=models.PROTECT)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    destination_id = models.UUIDField(_("Zustellpunkt-ID"), null=True, blank=True)
    destination_name = models.CharField(_("Empfänger"), max_length=300, blank=True)
    fit_submission_id = models.UUIDField(_("FIT-Connect-Einreichung"), null=True, blank=True)
    fit_case_id = models.UUIDField(_("FIT-Connect-Vorgang"), null=True, blank=True)
    attachment_ids = models.JSONField(_("angekündigte Anlagen"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    events = models.JSONField(_("Ereignisse"), default=list, blank=True)
    problems = models.JSONField(_("Gründe der Ablehnung"), default=list, blank=True)

    class Meta:
        verbose_name = _("über FIT-Connect gesendeter Antrag")
        verbose_name_plural = _("über FIT-Connect gesendete Anträge")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.submission} → {self.destination_name or self.destination_id or '?'}"
