"""The Sachstandsbericht as a draft Sitzungsvorlage with editable text parts.

The computed parts (priorities, budget, funding, OZG maturity) are filled in when the PDF/DOCX is
rendered (``amtsweg.strategy.report``); the texts here are what the digital team writes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.strategy.models.fields import Strategy


class Report(TimeStampedModel):
    class Kind(models.TextChoices):
        SITZUNGSVORLAGE = "sitzungsvorlage", _("Sitzungsvorlage")
        MITTEILUNGSVORLAGE = "mitteilungsvorlage", _("Mitteilungsvorlage")
        BERICHT = "bericht", _("Bericht")

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        FINAL = "final", _("abgeschlossen")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.PROTECT, related_name="reports"
    )
    subject = models.CharField(_("Betreff"), max_length=300)
    number = models.CharField(_("Vorlagen-Nr."), max_length=50, blank=True, help_text=_("z. B. „SV-9-1577“"))
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices, default=Kind.SITZUNGSVORLAGE)
    committee = models.CharField(
        _("Gremium"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „Ausschuss für Finanzen, Wirtschaftsförderung und Digitalisierung“"),
    )
    meeting_on = models.DateField(_("Sitzung am"), null=True, blank=True)
    decision_proposal = models.TextField(_("Beschlussvorschlag"), blank=True)
    reasoning = models.TextField(_("Begründung"), blank=True)
    financial_effects = models.TextField(_("Finanzielle Auswirkungen"), blank=True)
    budget_year = models.PositiveSmallIntegerField(
        _("Haushaltsjahr"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    period_start = models.DateField(_("Berichtszeitraum von"), null=True, blank=True)
    period_end = models.DateField(_("Berichtszeitraum bis"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Sachstandsbericht")
        verbose_name_plural = _("Sachstandsberichte")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}".strip()

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("Das Ende des Berichtszeitraums liegt vor seinem Beginn.")
        if errors:
            raise ValidationError(errors)
