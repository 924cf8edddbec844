"""Authorities (the Kreis and its municipalities), their org units and locations."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel

ags_validator = RegexValidator(r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern."))
postcode_validator = RegexValidator(r"^\d{5}$", _("Eine Postleitzahl hat genau 5 Ziffern."))


class Authority(TimeStampedModel):
    """A public authority: a Kreis, a town (Stadt) or a municipality (Gemeinde)."""

    class Kind(models.TextChoices):
        KREIS = "kreis", _("Kreis")
        STADT = "stadt", _("Stadt")
        GEMEINDE = "gemeinde", _("Gemeinde")

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=100, help_text=_("z. B. „Dülmen“"))
    slug = models.SlugField(_("Kürzel in Adressen"), max_length=100, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    designation = models.CharField(
        _("Status"), max_length=200, blank=True, help_text=_("z. B. „Mittlere kreisangehörige Stadt“")
    )
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True, validators=[ags_validator]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordneter Kreis"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[postcode_validator])
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Internetseite"), blank=True)

    class Meta:
        verbose_name = _("Behörde")
        verbose_name_plural = _("Behörden")
        ordering = ["kind", "short_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind in {self.Kind.STADT, self.Kind.GEMEINDE}


class PostalCode(models.Model):
    """Which municipality a postcode belongs to (a postcode may span several)."""

    code = models.CharField(_("PLZ"), max_length=5, validators=[postcode_validator], db_index=True)
    municipality = models.ForeignKey(
        Authority, verbose_name=_("Gemeinde"), on_delete=models.CASCADE, related_name="postal_codes"
    )

    class Meta:
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postcode_municipality")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality.short_name}"


class Location(TimeStampedModel):
    """A place where citizens are served: a town hall, a Kfz office, a local Jobcenter."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postcode = models.CharField(_("PLZ"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("Ort"), max_length=100)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    accessibility_note = models.CharField(_("Barrierefreiheit"), max_length=300, blank=True)
    appointment_url = models.URLField(_("Terminvereinbarung"), blank=True)
    opening_hours_note = models.CharField(_("Hinweis zu Öffnungszeiten"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")
        ordering = ["authority", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Montag")
        TUESDAY = 1, _("Dienstag")
        WEDNESDAY = 2, _("Mittwoch")
        THURSDAY = 3, _("Donnerstag")
        FRIDAY = 4, _("Freitag")
        SATURDAY = 5, _("Samstag")
        SUNDAY = 6, _("Sonntag")

    location = models.ForeignKey(
        Location, verbose_name=_("Standort"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.IntegerField(_("Wochentag"), choices=Weekday.choices)
    opens = models.TimeField(_("von"))
    closes = models.TimeField(_("bis"))
    note = models.CharField(_("Hinweis"), max_length=100, blank=True, help_text=_("z. B. „nur mit Termin“"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_hours_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OrgUnit(TimeStampedModel):
    """An organisational unit (Abteilung, Amt, Fachdienst) of one authority."""

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.CASCADE, related_name="org_units"
    )
    number = models.CharField(_("Nummer"), max_length=20, blank=True, help_text=_("z. B. „36.02“"))
    name = models.CharField(_("Name"), max_length=200)
    function = models.SlugField(
        _("Aufgabe (Schlüssel)"),
        max_length=50,
        blank=True,
        help_text=_(
            "Gleiche Aufgabe in allen Gemeinden, z. B. „buergerbuero“, „jugendamt“. "
            "Zuständigkeitsregeln finden darüber die Stelle in der jeweiligen Gemeinde."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnet"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    locations = models.ManyToManyField(
        Location, verbose_name=_("Standorte"), blank=True, related_name="org_units"
    )

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["authority", "number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "function"],
                condition=~models.Q(function=""),
                name="unique_function_per_authority",
            )
        ]

    def __str__(self) -> str:
        label = f"{self.number} {self.name}" if self.number else self.name
        return f"{label} ({self.authority.short_name})"
