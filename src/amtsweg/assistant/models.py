"""Data of the assistant: stored embeddings, evaluation runs, router examples, models and decisions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel


class ServiceEmbedding(TimeStampedModel):
    """The dense vector of one service for one model.

    ``fingerprint`` (``assistant.embeddings.embedding_fingerprint``) says from which text and model version
    it was computed; the vector is *current* while it matches the service's text and the configured model.
    """

    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="embeddings")
    model_name = models.CharField(_("Modell"), max_length=50)
    vector = models.BinaryField(_("Vektor (float32, little endian)"))
    dim = models.PositiveIntegerField(_("Dimensionen"))
    fingerprint = models.CharField(_("Fingerabdruck (SHA-256 von Modellversion und Text)"), max_length=64)

    class Meta:
        verbose_name = _("Einbettung einer Leistung")
        verbose_name_plural = _("Einbettungen von Leistungen")
        constraints = [
            models.UniqueConstraint(fields=["service", "model_name"], name="assistant_embedding_unique"),
        ]


class EvalRun(TimeStampedModel):
    """One measurement of one model, as shown on the quality page."""

    class Kind(models.TextChoices):
        SEARCH = "search", _("Suche")
        ROUTER = "router", _("Zuordnung (Router)")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    model_name = models.CharField(_("Modell"), max_length=100)
    dataset = models.CharField(_("Messdaten"), max_length=300)
    metrics = models.JSONField(_("Kennzahlen"), default=dict)
    command = models.CharField(_("Befehl"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Messung")
        verbose_name_plural = _("Messungen")
        ordering = ["-created_at"]


class RouterExample(TimeStampedModel):
    """A labelled request: which org unit function should have handled ``text``."""

    text = models.TextField(_("Anliegen"))
    label = models.CharField(_("Zuständige Stelle (Funktion)"), max_length=60)
    # A finer category inside ``label`` (e.g. the subcategory of an imported report); learned when every
    # example has one (router.finer_label_column).
    detail = models.CharField(_("Feinere Kategorie"), max_length=60, blank=True)
    source = models.CharField(_("Herkunft"), max_length=60, blank=True)
    # A caseworker's forward: the case it came from (one example per case, removed with the case's data).
    case_reference = models.CharField(_("Vorgang"), max_length=40, blank=True, db_index=True)

    class Meta:
        verbose_name = _("Trainingsbeispiel")
        verbose_name_plural = _("Trainingsbeispiele")


class RouterModel(TimeStampedModel):
    """A trained, calibrated router. ``payload`` is the pickled scikit-learn pipeline, written only by us."""

    name = models.CharField(_("Name"), max_length=100)
    payload = models.BinaryField(_("Modell"))
    sha256 = models.CharField(max_length=64)
    labels = models.JSONField(_("Klassen"), default=list)
    threshold = models.FloatField(_("Schwelle"))
    examples = models.PositiveIntegerField(_("Trainingsbeispiele"))
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Champion/challenger: both models' figures on the same held-out cases, and what was decided.
    evaluation = models.JSONField(_("Vergleich auf zurückgehaltenen Fällen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Router-Modell")
        verbose_name_plural = _("Router-Modelle")
        ordering = ["-created_at"]


class RoutingDecision(TimeStampedModel):
    """What the router decided for one request (for the triage share on the quality page)."""

    class Outcome(models.TextChoices):
        AUTO = "auto", _("automatisch zugeordnet")
        TRIAGE = "triage", _("an die Sichtung (Mensch)")

    text_sha256 = models.CharField(max_length=64)
    label = models.CharField(_("Vorschlag"), max_length=60, blank=True)
    confidence = models.FloatField(_("Sicherheit"))
    outcome = models.CharField(_("Ergebnis"), max_length=10, choices=Outcome.choices)
    method = models.CharField(_("Verfahren"), max_length=30)

    class Meta:
        verbose_name = _("Zuordnung")
        verbose_name_plural = _("Zuordnungen")


class QueryFeedback(models.Model):
    """How one search query or question fared with citizens — counts only.

    No person is recorded: no address, no session, no time of day, no text beyond the query itself. One row
    per (kind, normalised query); the Fachadmin sees the rows with searches that found nothing and with
    "not helpful" answers, and adds keywords to a service from there.
    """

    class Kind(models.TextChoices):
        SEARCH = "suche", _("Suche")
        ASK = "frage", _("Frag den Kreis")

    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    query = models.CharField(_("Suchanfrage"), max_length=200)
    query_key = models.CharField(max_length=64)
    unanswered = models.PositiveIntegerField(_("ohne passendes Ergebnis"), default=0)
    helpful = models.PositiveIntegerField(_("„hat geholfen“"), default=0)
    not_helpful = models.PositiveIntegerField(_("„hat nicht geholfen“"), default=0)
    first_seen = models.DateField(_("zuerst am"), auto_now_add=True)
    last_seen = models.DateField(_("zuletzt am"))
    resolved_on = models.DateField(_("erledigt am"), null=True, blank=True)
    resolution = models.CharField(_("Erledigt durch"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Rückmeldung zu einer Suchanfrage")
        verbose_name_plural = _("Rückmeldungen zu Suchanfragen")
        constraints = [
            models.UniqueConstraint(fields=["kind", "query_key"], name="assistant_queryfeedback_unique"),
        ]
        indexes = [models.Index(fields=["resolved_on", "last_seen"], name="assistant_qf_open_idx")]

    def __str__(self) -> str:
        return self.query
