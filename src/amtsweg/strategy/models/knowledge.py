"""Sharing between the Kreis and its towns: reusable solutions (Einer für Alle) and lessons learnt.

A town adopting another authority's solution gets its own copy that points at the original
(``adopted_from``): the provenance stays visible, and the copy may then be changed independently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import Service
from amtsweg.core.models import TimeStampedModel
from amtsweg.strategy.models.fields import FieldOfAction
from amtsweg.strategy.models.projects import Project
from amtsweg.tenants.models import Authority


class Solution(TimeStampedModel):
    """A solution one authority offers to the others (Lösung)."""

    class Kind(models.TextChoices):
        ONLINE_SERVICE = "onlinedienst", _("Onlinedienst")
        FORM = "formular", _("Formular")
        PROCESS = "prozess", _("Prozess")
        SOFTWARE = "software", _("Software")
        DOCUMENT = "dokument", _("Vorlage oder Dokument")
        OTHER = "sonstiges", _("Sonstiges")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("anbietende Behörde"),
        on_delete=models.PROTECT,
        related_name="strategy_solutions",
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=500)
    description = models.TextField(_("Beschreibung"), blank=True)
    field = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="solutions",
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("Leistungen"), blank=True, related_name="strategy_solutions"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="solutions",
    )
    contact = models.CharField(_("Ansprechstelle"), max_length=200, blank=True)
    url = models.URLField(_("Internetseite"), blank=True)
    licence = models.CharField(_("Lizenz"), max_length=100, blank=True, help_text=_("z. B. „EUPL-1.2“"))
    is_shared = models.BooleanField(_("für andere Behörden sichtbar"), default=True)
    adopted_from = models.ForeignKey(
        "self",
        verbose_name=_("übernommen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
    )
    adopted_at = models.DateTimeField(_("übernommen am"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Lösung")
        verbose_name_plural = _("Lösungen")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "adopted_from"],
                condition=models.Q(adopted_from__isnull=False),
                name="strategy_solution_adopt_once",
                violation_error_message=_("Diese Lösung wurde von der Behörde schon übernommen."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(TimeStampedModel):
    """An experience (Erfahrung) an authority shares: what worked, what did not."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="strategy_lessons"
    )
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Erfahrung"))
    field = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    solution = models.ForeignKey(
        Solution,
        verbose_name=_("Lösung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Erfahrung")
        verbose_name_plural = _("Erfahrungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
