"""Forms and their versions; a version's content is a :class:`~amtsweg.forms.spec.FormSpec` stored as JSON."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import Service
from amtsweg.core.models import TimeStampedModel
from amtsweg.forms.spec import FormSpec
from amtsweg.tenants.models import Authority


class Form(TimeStampedModel):
    """An online form (Antrag) for one service. Its content lives in versions."""

    class Source(models.TextChoices):
        FIM = "fim", _("FIM-Import (XDatenfelder)")
        DEFINITION = "definition", _("Definitionsdatei")

    key = models.SlugField(
        _("Kennung"),
        max_length=100,
        unique=True,
        help_text=_("FIM-Kennung oder Kürzel der Definitionsdatei."),
    )
    title = models.CharField(_("Titel"), max_length=300)
    owner = models.ForeignKey(
        Authority, verbose_name=_("gepflegt von"), on_delete=models.PROTECT, related_name="forms"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("Leistung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forms",
    )
    source = models.CharField(_("Herkunft"), max_length=20, choices=Source.choices)
    # Set by the Fachadmin in the admin; they win over the version's definition (see forms.persons).
    applicant_group = models.CharField(
        _("Gruppe der antragstellenden Person"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Aus dieser Gruppe kommen Name, Anschrift und E-Mail-Adresse des Vorgangs. "
            "Leer: wie in der Formulardefinition."
        ),
    )
    addressee_group = models.CharField(
        _("Gruppe der Empfängerin oder des Empfängers von Bescheiden"),
        max_length=1000,
        blank=True,
        help_text=_("Leer: Bescheide gehen an die antragstellende Person."),
    )

    class Meta:
        verbose_name = _("Formular")
        verbose_name_plural = _("Formulare")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def published_version(self) -> FormVersion | None:
        """The newest published version: the one applicants fill in."""
        return (
            self.versions.filter(status=FormVersion.Status.PUBLISHED).order_by("-published_at", "-pk").first()
        )


class FormVersion(TimeStampedModel):
    """One version of a form. Once published it never changes; submissions point at it."""

    class Status(models.TextChoices):
        DRAFT = "entwurf", _("Entwurf")
        PUBLISHED = "veroeffentlicht", _("veröffentlicht")
        RETIRED = "zurueckgezogen", _("zurückgezogen")

    form = models.ForeignKey(
        Form, verbose_name=_("Formular"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField(_("Version"), max_length=50)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    definition = models.JSONField(_("Definition"), help_text=_("Das Formularmodell (FormSpec) als JSON."))
    json_schema = models.JSONField(
        _("JSON Schema"), help_text=_("Aus der Definition erzeugt (Draft 2020-12).")
    )
    fim_id = models.CharField(_("FIM-Kennung"), max_length=50, blank=True)
    fim_version = models.CharField(_("FIM-Version"), max_length=50, blank=True)
    fim_standard = models.CharField(_("XDatenfelder-Version"), max_length=10, blank=True)
    source_name = models.CharField(_("Quelldatei"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("SHA-256 der Quelle"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    import_notes = models.JSONField(
        _("Hinweise des Imports"),
        default=list,
        blank=True,
        help_text=_(
            "Was der FIM-Import nicht übernehmen konnte (fehlende Codelisten, nicht verstandene Angaben)."
        ),
    )

    class Meta:
        verbose_name = _("Formularversion")
        verbose_name_plural = _("Formularversionen")
        ordering = ["form", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["form", "version"], name="form_version_unique")]

    def __str__(self) -> str:
        return f"{self.form.title} ({self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def spec(self) -> FormSpec:
        """The parsed form model (cached on the instance)."""
        cached: FormSpec | None = getattr(self, "_spec_cache", None)
        if cached is None:
            cached = FormSpec.from_dict(self.definition)
            self._spec_cache = cached
        return cached
