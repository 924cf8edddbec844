"""Workshops and conferences of the strategy process, their project ideas, and working groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.strategy.models.fields import FieldOfAction, Strategy
from amtsweg.tenants.models import Authority


class Workshop(TimeStampedModel):
    class Kind(models.TextChoices):
        KICKOFF = "auftakt", _("Auftaktveranstaltung")
        WORKSHOP = "workshop", _("Workshop")
        DEEP_DIVE = "themenworkshop", _("Themenworkshop")
        CONFERENCE = "konferenz", _("Konferenz")
        MEETING = "sitzung", _("Sitzung")

    class Format(models.TextChoices):
        ON_SITE = "praesenz", _("in Präsenz")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.PROTECT, related_name="workshops"
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    date = models.DateField(_("Datum"))
    format = models.CharField(_("Format"), max_length=20, choices=Format.choices, default=Format.ON_SITE)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    fields = models.ManyToManyField(
        FieldOfAction, verbose_name=_("Handlungsfelder"), blank=True, related_name="workshops"
    )
    participant_count = models.PositiveIntegerField(_("Zahl der Teilnehmenden"), null=True, blank=True)
    participating_authorities = models.ManyToManyField(
        Authority, verbose_name=_("beteiligte Behörden"), blank=True, related_name="+"
    )
    outcomes = models.TextField(_("Ergebnisse"), blank=True)

    class Meta:
        verbose_name = _("Workshop oder Konferenz")
        verbose_name_plural = _("Workshops und Konferenzen")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title


class ProjectIdea(TimeStampedModel):
    """An idea collected in a workshop; it may become a project (Steckbrief)."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("Workshop"), on_delete=models.CASCADE, related_name="ideas"
    )
    field = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    title = models.CharField(_("Idee"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    project = models.ForeignKey(
        "strategy.Project",
        verbose_name=_("daraus entstandenes Projekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )

    class Meta:
        verbose_name = _("Projektidee")
        verbose_name_plural = _("Projektideen")
        ordering = ["workshop", "title"]

    def __str__(self) -> str:
        return self.title


class WorkingGroup(TimeStampedModel):
    """A standing working group (Arbeitsgremium), e.g. for Verwaltung or Bildung."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.PROTECT, related_name="working_groups"
    )
    name = models.CharField(_("Name"), max_length=200)
    field = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="working_groups",
    )
    purpose = models.TextField(_("Auftrag"), blank=True)
    meets = models.CharField(_("Turnus"), max_length=100, blank=True, help_text=_("z. B. „monatlich“"))

    class Meta:
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(models.Model):
    """A member of a working group: an authority with a function, optionally a staff account."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="+"
    )
    function = models.CharField(_("Funktion"), max_length=200, help_text=_("z. B. „Schulverwaltung“"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_lead = models.BooleanField(_("leitet die Gruppe"), default=False)

    class Meta:
        verbose_name = _("Mitglied")
        verbose_name_plural = _("Mitglieder")
        ordering = ["group", "-is_lead", "authority__name"]

    def __str__(self) -> str:
        return f"{self.authority} – {self.function}"
