"""Online payment: payment providers per authority, the fee of a form version and the payments made."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.forms.models import FormVersion
from amtsweg.submissions.models import Submission
from amtsweg.tenants.models import Authority

# XBezahldienste: purpose ≤ 27 characters of ``^[\w\s-]+$``; we keep to ASCII letters so that every cash
# office system prints it the same (no umlauts: ae, oe, ue, ss).
PURPOSE_PATTERN = re.compile(r"^[A-Za-z0-9_ \-]{1,27}$")
MAX_AMOUNT = Decimal("999999")


def purpose_validator(value: str) -> None:
    if not PURPOSE_PATTERN.fullmatch(value or ""):
        raise ValidationError(
            _(
                "Der Verwendungszweck darf höchstens 27 Zeichen haben: Buchstaben ohne Umlaute (ae, oe, ue, "
                "ss), Ziffern, Leerzeichen, Bindestrich und Unterstrich."
            )
        )


class PaymentProvider(TimeStampedModel):
    """A payment provider (Bezahldienst) an authority has a contract with, e.g. its ePayBL instance.

    ``kind`` names the plugin in :data:`amtsweg.payments.providers.payment_providers` that speaks its
    protocol (``xbezahldienste``: XBezahldienste 1.2). The password is stored encrypted
    (:mod:`amtsweg.core.sealed`) and never shown again.
    """

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("Behörde (Kasse)"),
        on_delete=models.CASCADE,
        related_name="payment_providers",
    )
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Schnittstelle"), max_length=50, default="xbezahldienste")
    base_url = models.URLField(
        _("Basisadresse der Schnittstelle"),
        max_length=500,
        help_text=_("z. B. https://bezahldienst.example/xbzd/bezahldienst/api/v1"),
    )
    originator_id = models.CharField(
        _("Kennung des Online-Dienstes (originatorId)"),
        max_length=36,
        validators=[RegexValidator(r"^[\w-]+$")],
    )
    endpoint_id = models.CharField(
        _("Kennung der Behörde beim Bezahldienst (endPointId)"),
        max_length=36,
        validators=[RegexValidator(r"^[\w-]+$")],
    )
    username = models.CharField(_("Benutzername"), max_length=200, blank=True)
    password_sealed = models.TextField(_("Passwort (verschlüsselt)"), blank=True, editable=False)
    is_test = models.BooleanField(
        _("Testbezahldienst"),
        default=False,
        help_text=_("Antragstellende sehen deutlich, dass kein Geld fließt."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Bezahldienst")
        verbose_name_plural = _("Bezahldienste")
        ordering = ["authority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.authority})"


class FormFee(TimeStampedModel):
    """The fee of one form version: a fixed amount plus positions that depend on the answers.

    ``positions`` is a list of ``{"label": "…", "amount": "10.00", "when": <condition>, "per": "<field>"}``:
    a position counts when its condition (the form rule language, :mod:`amtsweg.forms.conditions`) holds
    or has none, times the whole number in the field ``per`` when given. Like the version itself, the fee
    of a published version no longer changes.
    """

    class Timing(models.TextChoices):
        BEFORE = "vor", _("vor dem Absenden")
        AFTER = "nach", _("nach dem Absenden")

    form_version = models.OneToOneField(
        FormVersion, verbose_name=_("Formularversion"), on_delete=models.CASCADE, related_name="fee"
    )
    amount = models.DecimalField(
        _("Grundgebühr in Euro"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    positions = models.JSONField(_("Zuschläge nach Angaben"), default=list, blank=True)
    purpose = models.CharField(
        _("Verwendungszweck"),
        max_length=27,
        validators=[purpose_validator],
        help_text=_("Höchstens 27 Zeichen, ohne Umlaute – so steht es auf dem Kontoauszug."),
    )
    description = models.CharField(_("Beschreibung auf der Bezahlseite"), max_length=250, blank=True)
    timing = models.CharField(_("Bezahlung"), max_length=10, choices=Timing.choices, default=Timing.BEFORE)

    class Meta:
        verbose_name = _("Gebühr eines Formulars")
        verbose_name_plural = _("Gebühren der Formulare")

    def __str__(self) -> str:
        return f"{self.form_version}: {self.amount} €"


class Payment(TimeStampedModel):
    """One payment attempt of an application: created when the applicant starts paying (or, for a fee due
    after submitting, with the submission), finished when the provider reports paid, failed or cancelled, or
    timed out. A new attempt after a failure is a new row; the case shows the newest."""

    class Status(models.TextChoices):
        OPEN = "offen", _("offen")
        PAID = "bezahlt", _("bezahlt")
        FAILED = "fehlgeschlagen", _("fehlgeschlagen")
        CANCELLED = "abgebrochen", _("abgebrochen")
        EXPIRED = "abgelaufen", _("abgelaufen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_version = models.ForeignKey(
        FormVersion, verbose_name=_("Formularversion"), on_delete=models.PROTECT, related_name="+"
    )
    draft_id = models.UUIDField(_("Entwurf"), null=True, blank=True, db_index=True)
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("Antrag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    reference = models.CharField(_("Aktenzeichen"), max_length=32, blank=True, db_index=True)
    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde (Kasse)"), on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.ForeignKey(
        PaymentProvider,
        verbose_name=_("Bezahldienst"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amount = models.DecimalField(_("Betrag in Euro"), max_digits=9, decimal_places=2)
    purpose = models.CharField(_("Verwendungszweck"), max_length=27)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    transaction_id = models.CharField(_("Transaktions-ID"), max_length=44, blank=True, db_index=True)
    paypage_url = models.URLField(_("Bezahlseite"), max_length=5000, blank=True)
    transaction_reference = models.CharField(_("Kassenzeichen"), max_length=36, blank=True)
    payment_method = models.CharField(_("Zahlart"), max_length=20, blank=True)
    status_detail = models.CharField(_("Hinweis des Bezahldienstes"), max_length=99, blank=True)
    paid_at = models.DateTimeField(_("bezahlt am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    expires_at = models.DateTimeField(_("läuft ab am"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("zuletzt abgefragt"), null=True, blank=True)
    return_token_hash = models.CharField(_("Prüfwert der Rücksprungadresse"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="payments_open_idx")]

    def __str__(self) -> str:
        return f"{self.reference or self.pk} – {self.amount} € ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status != self.Status.OPEN
