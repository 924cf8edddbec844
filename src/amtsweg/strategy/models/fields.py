"""The strategy itself: principles for the whole strategy and the Handlungsfelder with their vision."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.tenants.models import Authority


class Strategy(TimeStampedModel):
    """A digitalization strategy, owned by the authority that steers it (the Kreis)."""

    owner = models.ForeignKey(
        Authority,
        verbose_name=_("federführende Behörde"),
        on_delete=models.PROTECT,
        related_name="strategies",
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kürzel"), max_length=100, unique=True)
    vision = models.TextField(_("Vision"), blank=True)
    adopted_on = models.DateField(_("beschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Strategie")
        verbose_name_plural = _("Strategien")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Principle(models.Model):
    """A guiding principle (Grundsatz) that applies to the whole strategy."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.CASCADE, related_name="principles"
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    title = models.CharField(_("Grundsatz"), max_length=200)
    text = models.TextField(_("Erläuterung"), blank=True)

    class Meta:
        verbose_name = _("Grundsatz")
        verbose_name_plural = _("Grundsätze")
        ordering = ["strategy", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class FieldOfAction(TimeStampedModel):
    """A Handlungsfeld (thematic field) such as „Verwaltung“ or „Innenstadt/Dorfmitte“."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.CASCADE, related_name="fields"
    )
    name = models.CharField(_("Name"), max_length=100)
    slug = models.SlugField(_("Kürzel"), max_length=100)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    description = models.TextField(_("Beschreibung"), blank=True)
    vision = models.TextField(_("Zukunftsbild"), blank=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["strategy", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="strategy_field_unique_slug"),
            models.UniqueConstraint(fields=["strategy", "name"], name="strategy_field_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    """A goal of one Handlungsfeld."""

    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.CASCADE, related_name="goals"
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    text = models.CharField(_("Ziel"), max_length=300)

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["field", "order", "pk"]

    def __str__(self) -> str:
        return self.text
