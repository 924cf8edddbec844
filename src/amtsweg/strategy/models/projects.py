"""The project portfolio: one Steckbrief per project, with milestones and KPIs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import Service
from amtsweg.core.models import TimeStampedModel
from amtsweg.strategy.models.fields import FieldOfAction, Strategy
from amtsweg.tenants.models import Authority

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Project(TimeStampedModel):
    class Status(models.TextChoices):
        IDEA = "idee", _("Idee")
        PLANNED = "geplant", _("geplant")
        RUNNING = "laufend", _("in Umsetzung")
        DONE = "abgeschlossen", _("abgeschlossen")
        STOPPED = "gestoppt", _("gestoppt")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.PROTECT, related_name="projects"
    )
    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kürzel"), max_length=100)
    goal = models.TextField(_("Ziel"))
    description = models.TextField(_("Beschreibung"), blank=True)
    lead = models.ForeignKey(
        Authority,
        verbose_name=_("federführende Behörde"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    partners = models.ManyToManyField(
        Authority, verbose_name=_("Partnerkommunen"), blank=True, related_name="partner_projects"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    expected_benefit = models.TextField(_("erwarteter Nutzen"), blank=True)
    estimated_cost = models.DecimalField(
        _("geschätzte Gesamtkosten (€)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("betroffene Leistungen"), blank=True, related_name="strategy_projects"
    )
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Verantwortliche"),
        blank=True,
        related_name="strategy_projects",
        help_text=_("erhalten die Erinnerungen an Fristen der Förderanträge"),
    )

    class Meta:
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["field__order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="strategy_project_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Impossible, so refused; merely implausible entries are saved with a warning (plausibility.py).
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Das Ende liegt vor dem Beginn.")})


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_on = models.DateField(_("geplant bis"), null=True, blank=True)
    reached_on = models.DateField(_("erreicht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["project", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ProjectKpi(models.Model):
    """A key performance indicator of a project: what is measured, from where to where."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("Kennzahl"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("Ausgangswert"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("Zielwert"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("aktueller Wert"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.name
