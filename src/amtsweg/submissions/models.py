"""Drafts, submissions (Anträge) and their attachments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import Service
from amtsweg.core.models import TimeStampedModel
from amtsweg.forms.models import FormVersion
from amtsweg.tenants.models import Authority, OrgUnit


class Draft(TimeStampedModel):
    """An application being filled in. Logged-in applicants own it; anonymous ones hold a resume token.

    Drafts expire (``expires_at``) and are deleted by a task together with their attachments.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_version = models.ForeignKey(
        FormVersion, verbose_name=_("Formularversion"), on_delete=models.PROTECT, related_name="drafts"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Antragsteller/in"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("im Namen von (Organisation)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    email = models.EmailField(_("E-Mail für den Fortsetzungslink"), blank=True)
    resume_token_hash = models.CharField(_("Prüfwert des Fortsetzungslinks"), max_length=64, blank=True)
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("Wohnort (Gemeinde)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("Angaben"), default=dict, blank=True)
    current_step = models.CharField(_("aktueller Schritt"), max_length=100, blank=True)
    completed_steps = models.JSONField(_("abgeschlossene Schritte"), default=list, blank=True)
    expires_at = models.DateTimeField(_("läuft ab am"), db_index=True)

    class Meta:
        verbose_name = _("Entwurf")
        verbose_name_plural = _("Entwürfe")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.form_version} – {self.pk}"


class Submission(TimeStampedModel):
    """A submitted application: complete, validated against its exact form version, never changed again."""

    class Channel(models.TextChoices):
        WEB = "web", _("Online-Formular")
        API = "api", _("Schnittstelle")
        FITCONNECT = "fitconnect", _("über FIT-Connect")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("Aktenzeichen"), max_length=32, unique=True)
    idempotency_key = models.CharField(
        _("Idempotenzschlüssel"),
        max_length=200,
        unique=True,
        help_text=_("Ein zweites Absenden mit demselben Schlüssel legt keinen zweiten Antrag an."),
    )
    form_version = models.ForeignKey(
        FormVersion, verbose_name=_("Formularversion"), on_delete=models.PROTECT, related_name="submissions"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("Leistung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("im Namen von (Organisation)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
        help_text=_("Das Unternehmen oder die Organisation, für die das Konto den Antrag gestellt hat."),
    )
    applicant_name = models.CharField(_("Name der antragstellenden Person"), max_length=300, blank=True)
    applicant_email = models.EmailField(_("E-Mail der antragstellenden Person"), blank=True)
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("Wohnort (Gemeinde)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("zuständige Behörde"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,  # submission_unit_idx leads with the authority
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("zuständige Stelle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    data = models.JSONField(_("Angaben"))
    channel = models.CharField(_("Eingangsweg"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    submitted_at = models.DateTimeField(_("eingegangen am"), db_index=True)
    receipt_pdf = models.FileField(_("Eingangsbestätigung (PDF)"), upload_to="receipts/%Y/%m/", blank=True)
    receipt_emailed_at = models.DateTimeField(_("Bestätigung gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["authority", "org_unit", "-submitted_at"], name="submission_unit_idx")
        ]

    def __str__(self) -> str:
        return self.reference


class Attachment(TimeStampedModel):
    """An uploaded document: first on a draft, on submit moved to the submission (same row)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(
        Draft,
        verbose_name=_("Entwurf"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("Antrag"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    field_path = models.CharField(_("Feld"), max_length=500)
    file = models.FileField(_("Datei"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(_("Dateityp (am Inhalt erkannt)"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name
