"""The service catalogue: OZG reference data, services (Leistungen) and responsibilities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.validators import validate_leika_key
from amtsweg.core.models import TimeStampedModel
from amtsweg.tenants.models import Authority, Location, OrgUnit


class Themenfeld(models.Model):
    """One of the 14 OZG topic fields."""

    code = models.CharField(_("Kennung"), max_length=20, unique=True)
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Themenfeld")
        verbose_name_plural = _("Themenfelder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Lebenslage(models.Model):
    """An OZG life situation (Lebenslage) or business situation (Unternehmenslage)."""

    class Audience(models.TextChoices):
        CITIZENS = "buerger", _("Bürgerinnen und Bürger")
        BUSINESSES = "unternehmen", _("Unternehmen")
        BOTH = "beide", _("Bürgerinnen, Bürger und Unternehmen")

    code = models.CharField(_("Kennung"), max_length=20, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kürzel"), max_length=120, unique=True)
    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name=_("Themenfeld"), on_delete=models.PROTECT, related_name="lebenslagen"
    )
    audience = models.CharField(
        _("Zielgruppe"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Lebenslage")
        verbose_name_plural = _("Lebenslagen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OzgLeistung(models.Model):
    """A service bundle of the OZG catalogue (~575 in all)."""

    ozg_id = models.CharField(_("OZG-ID"), max_length=20, unique=True)
    name = models.CharField(_("Name"), max_length=300)
    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name=_("Themenfeld"), null=True, blank=True, on_delete=models.SET_NULL
    )
    lebenslage = models.ForeignKey(
        Lebenslage, verbose_name=_("Lebenslage"), null=True, blank=True, on_delete=models.SET_NULL
    )
    priority = models.CharField(_("Priorität"), max_length=100, blank=True)
    status_nrw = models.CharField(_("Umsetzungsstand NRW"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("OZG-Leistung")
        verbose_name_plural = _("OZG-Leistungen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeikaEntry(models.Model):
    """One entry of the federal service catalogue (LeiKa), as imported."""

    key = models.CharField(_("LeiKa-Schlüssel"), max_length=14, unique=True, validators=[validate_leika_key])
    name = models.CharField(_("Bezeichnung"), max_length=500)
    typisierung = models.CharField(_("Typisierung"), max_length=20, blank=True)
    ozg_leistung = models.ForeignKey(
        OzgLeistung, verbose_name=_("OZG-Leistung"), null=True, blank=True, on_delete=models.SET_NULL
    )
    legal_basis = models.TextField(_("Rechtsgrundlage"), blank=True)

    class Meta:
        verbose_name = _("LeiKa-Eintrag")
        verbose_name_plural = _("LeiKa-Einträge")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class MaturityModel(models.Model):
    """A maturity scale, e.g. the OZG model (0–4) or Reifegradmodell 2.0 (0–7)."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    is_default = models.BooleanField(_("Standard"), default=False)

    class Meta:
        verbose_name = _("Reifegradmodell")
        verbose_name_plural = _("Reifegradmodelle")

    def __str__(self) -> str:
        return self.name


class MaturityLevel(models.Model):
    model = models.ForeignKey(
        MaturityModel, verbose_name=_("Modell"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("Stufe"))
    name = models.CharField(_("Bezeichnung"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    is_online = models.BooleanField(_("online beantragbar"), default=False)

    class Meta:
        verbose_name = _("Reifegrad")
        verbose_name_plural = _("Reifegrade")
        ordering = ["model", "level"]
        constraints = [models.UniqueConstraint(fields=["model", "level"], name="unique_level_per_model")]

    def __str__(self) -> str:
        return f"{self.level} – {self.name}"


class Service(TimeStampedModel):
    """A service (Leistung) the administration offers, with everything a citizen needs to know."""

    class Audience(models.TextChoices):
        CITIZENS = "buerger", _("Bürgerinnen und Bürger")
        BUSINESSES = "unternehmen", _("Unternehmen")
        BOTH = "beide", _("Bürgerinnen, Bürger und Unternehmen")

    owner = models.ForeignKey(
        Authority,
        verbose_name=_("gepflegt von"),
        on_delete=models.PROTECT,
        related_name="owned_services",
        help_text=_("Behörde, deren Fachadministration diesen Eintrag pflegt."),
    )
    external_id = models.CharField(
        _("Austausch-ID"), max_length=100, unique=True, help_text=_("Stabile Kennung für Import und Export.")
    )
    slug = models.SlugField(_("Kürzel in Adressen"), max_length=100, unique=True)
    name = models.CharField(_("Name"), max_length=300)
    leika_key = models.CharField(
        _("LeiKa-Schlüssel"), max_length=14, blank=True, db_index=True, validators=[validate_leika_key]
    )
    ozg_leistung = models.ForeignKey(
        OzgLeistung, verbose_name=_("OZG-Leistung"), null=True, blank=True, on_delete=models.SET_NULL
    )
    themenfeld = models.ForeignKey(
        Themenfeld, verbose_name=_("Themenfeld"), null=True, blank=True, on_delete=models.SET_NULL
    )
    lebenslagen = models.ManyToManyField(
        Lebenslage, verbose_name=_("Lebenslagen"), blank=True, related_name="services"
    )
    audience = models.CharField(
        _("Zielgruppe"), max_length=20, choices=Audience.choices, default=Audience.CITIZENS
    )
    short_text = models.TextField(_("Kurztext"), help_text=_("Ein bis zwei Sätze in einfacher Sprache."))
    full_text = models.TextField(_("Volltext"), blank=True)
    prerequisites = models.TextField(_("Voraussetzungen"), blank=True)
    required_documents = models.TextField(_("Erforderliche Unterlagen"), blank=True)
    fees = models.TextField(_("Gebühren"), blank=True)
    deadlines = models.TextField(_("Fristen"), blank=True)
    legal_basis = models.TextField(_("Rechtsgrundlage"), blank=True)
    processing_time = models.CharField(_("Bearbeitungsdauer"), max_length=300, blank=True)
    procedure = models.TextField(_("Verfahrensablauf"), blank=True)
    online_url = models.URLField(_("Online-Antrag"), blank=True)
    maturity_level = models.ForeignKey(
        MaturityLevel, verbose_name=_("Reifegrad"), null=True, blank=True, on_delete=models.SET_NULL
    )
    keywords = models.JSONField(_("Suchbegriffe"), default=list, blank=True)
    is_published = models.BooleanField(_("veröffentlicht"), default=True)
    version = models.PositiveIntegerField(_("Version"), default=1)

    class Meta:
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")
        ordering = ["name"]
        indexes = [models.Index(fields=["is_published", "name"], name="service_published_name")]

    def __str__(self) -> str:
        return self.name


class ServiceVersion(models.Model):
    """A snapshot of a service after each edit: the versioned history of the catalogue."""

    service = models.ForeignKey(
        Service, verbose_name=_("Leistung"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("Version"))
    created_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)
    created_by = models.CharField(_("gespeichert von"), max_length=200)
    data = models.JSONField(_("Inhalt"))
    changed_fields = models.JSONField(_("geänderte Felder"), default=list)

    class Meta:
        verbose_name = _("Version einer Leistung")
        verbose_name_plural = _("Versionen einer Leistung")
        ordering = ["service", "-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="unique_service_version")]

    def __str__(self) -> str:
        return f"{self.service} v{self.number}"


class Responsibility(TimeStampedModel):
    """Who serves a citizen of a municipality for a service (Zuständigkeit).

    A rule without municipality applies to every municipality of the Kreis; a rule for one
    municipality overrides it. Without a fixed authority, the citizen's own municipality is
    responsible and its org unit is found by ``org_unit_function``. The optional contact part
    expresses "the Kreis decides, but you go to the local office" (Jobcenter).
    """

    service = models.ForeignKey(
        Service, verbose_name=_("Leistung"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("für Gemeinde"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leer: gilt für alle Gemeinden, soweit keine eigene Regel besteht."),
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("zuständige Behörde"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsibilities",
        help_text=_("Leer: die Gemeinde der Bürgerin oder des Bürgers selbst."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit_function = models.SlugField(
        _("Aufgabe der Stelle"),
        max_length=50,
        blank=True,
        help_text=_("Findet die Stelle in der zuständigen Behörde, z. B. „buergerbuero“."),
    )
    locations = models.ManyToManyField(Location, verbose_name=_("Standorte"), blank=True, related_name="+")
    contact_in_municipality = models.BooleanField(
        _("Ansprechstelle vor Ort"),
        default=False,
        help_text=_(
            "Die Behörde entscheidet, Ansprechstelle ist eine Stelle in der Gemeinde (z. B. Jobcenter)."
        ),
    )
    contact_org_unit_function = models.SlugField(_("Aufgabe der Ansprechstelle"), max_length=50, blank=True)
    note = models.TextField(_("Hinweis"), blank=True)

    class Meta:
        verbose_name = _("Zuständigkeit")
        verbose_name_plural = _("Zuständigkeiten")
        ordering = ["service", "municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "municipality"], name="unique_responsibility_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(municipality__isnull=True),
                name="unique_default_responsibility",
            ),
        ]

    def __str__(self) -> str:
        who = self.authority.short_name if self.authority else str(_("eigene Gemeinde"))
        where = self.municipality.short_name if self.municipality else str(_("alle Gemeinden"))
        return f"{self.service}: {where} → {who}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.municipality_id and not self.municipality.is_municipality:  # type: ignore[union-attr]
            errors["municipality"] = _("Bitte wählen Sie eine Stadt oder Gemeinde aus.")
        if self.org_unit_id and self.authority_id and self.org_unit.authority_id != self.authority_id:  # type: ignore[union-attr]
            errors["org_unit"] = _("Die Organisationseinheit gehört nicht zur zuständigen Behörde.")
        if self.org_unit_id and not self.authority_id:
            errors["org_unit"] = _(
                "Ohne feste Behörde wird die Stelle über „Aufgabe der Stelle“ in der Gemeinde gefunden."
            )
        if self.contact_in_municipality and not self.contact_org_unit_function:
            errors["contact_org_unit_function"] = _("Bitte die Aufgabe der Ansprechstelle vor Ort angeben.")
        if errors:
            raise ValidationError(errors)


class SearchTerm(models.Model):
    """Inverted index of the catalogue for the portal search, rebuilt by a background task."""

    # db_index on the field (not Meta.indexes): on PostgreSQL Django then adds the pattern_ops
    # index that prefix matching (LIKE 'term%') needs.
    term = models.CharField(max_length=100, db_index=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()

    class Meta:
        verbose_name = _("Suchbegriff (Index)")
        verbose_name_plural = _("Suchindex")
        constraints = [models.UniqueConstraint(fields=["term", "service"], name="unique_term_service")]

    def __str__(self) -> str:
        return f"{self.term} → {self.service_id}"


class CatalogVersion(models.Model):
    """One row: a token that changes with every change of what the citizen portal shows.

    Cached portal pages are keyed on the token (see :mod:`amtsweg.catalog.pagecache`). Without a shared
    cache (the embedded default, several processes with their own memory) the token is read from here;
    with Redis it lives in Redis, which every app server shares.
    """

    token = models.CharField(max_length=40)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Katalogstand")
        verbose_name_plural = _("Katalogstand")

    def __str__(self) -> str:
        return self.token
