"""Case management (Vorgangsbearbeitung): every submission becomes one case.

Writes go through :mod:`amtsweg.cases.services` (one domain function per action; status changes only
along the status model), reads through :mod:`amtsweg.cases.selectors`. The status model of a case is data
(:mod:`amtsweg.cases.states`); deadlines are working days with the NRW public holidays
(:mod:`amtsweg.cases.deadlines`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.models import Service
from amtsweg.core.models import TimeStampedModel
from amtsweg.submissions.models import Submission
from amtsweg.tenants.models import Authority, OrgUnit, postcode_validator


class Status(models.TextChoices):
    """Every status a case can have; which ones a case uses and the allowed steps are in ``states.py``."""

    EINGEGANGEN = "eingegangen", _("Eingegangen")
    IN_PRUEFUNG = "in_pruefung", _("In Prüfung")
    RUECKFRAGE = "rueckfrage", _("Rückfrage")
    ENTSCHIEDEN = "entschieden", _("Entschieden")
    ABGESCHLOSSEN = "abgeschlossen", _("Abgeschlossen")
    ZURUECKGEZOGEN = "zurueckgezogen", _("Zurückgezogen")


class Decision(models.TextChoices):
    BEWILLIGT = "bewilligt", _("bewilligt")
    ABGELEHNT = "abgelehnt", _("abgelehnt")
    TEILWEISE = "teilweise", _("teilweise bewilligt")


class StatusModel(models.TextChoices):
    """Status models per kind of service (see ``states.STATUS_MODELS``)."""

    ANTRAG = "antrag", _("Antrag mit Bescheid")
    ANZEIGE = "anzeige", _("Anzeige oder Bescheinigung ohne Bescheid")


class ServiceCaseSettings(TimeStampedModel):
    """How cases of one service are handled (the catalogue's service model stays untouched)."""

    service = models.OneToOneField(
        Service, verbose_name=_("Leistung"), on_delete=models.CASCADE, related_name="case_settings"
    )
    processing_days = models.PositiveSmallIntegerField(
        _("Bearbeitungsziel in Arbeitstagen"), default=20, help_text=_("Arbeitstage ab Eingang (NRW).")
    )
    reply_days = models.PositiveSmallIntegerField(
        _("Antwortfrist bei Rückfragen in Arbeitstagen"), default=10
    )
    approval_fiction_months = models.PositiveSmallIntegerField(
        _("Genehmigungsfiktion nach Monaten"),
        null=True,
        blank=True,
        help_text=_(
            "Nur wenn die Rechtsvorschrift eine Genehmigungsfiktion (§ 42a VwVfG) anordnet, z. B. 3."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("Aufbewahrungsfrist in Jahren"),
        null=True,
        blank=True,
        help_text=_("Leer: die allgemeine Frist (AMTSWEG_CASE_RETENTION_YEARS)."),
    )
    status_model = models.CharField(
        _("Statusmodell"), max_length=20, choices=StatusModel.choices, default=StatusModel.ANTRAG
    )

    class Meta:
        verbose_name = _("Bearbeitungseinstellung einer Leistung")
        verbose_name_plural = _("Bearbeitungseinstellungen der Leistungen")

    def __str__(self) -> str:
        return str(self.service)


class RoutingRule(TimeStampedModel):
    """Sends new cases to an org unit. Owned by the authority whose cases it routes; first match wins.

    Conditions (all optional, all must hold): the service, the applicant's municipality and a condition
    on the form answers in the language of :mod:`amtsweg.forms.conditions`.
    """

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=100)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    is_active = models.BooleanField(_("aktiv"), default=True)
    service = models.ForeignKey(
        Service,
        verbose_name=_("Leistung"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Leer: jede Leistung."),
    )
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("Wohnort (Gemeinde)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leer: jeder Wohnort."),
    )
    condition = models.JSONField(
        _("Bedingung an die Angaben"),
        null=True,
        blank=True,
        help_text=_('z. B. {"field": "anlass", "op": "eq", "value": "neubau"}'),
    )
    target_authority = models.ForeignKey(
        Authority, verbose_name=_("Ziel: Behörde"), on_delete=models.CASCADE, related_name="+"
    )
    target_org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Ziel: Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Verteilregel")
        verbose_name_plural = _("Verteilregeln")
        ordering = ["authority", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Case(TimeStampedModel):
    """A submission being worked on by the responsible org unit."""

    reference = models.CharField(_("Aktenzeichen"), max_length=32, unique=True)
    submission = models.OneToOneField(
        Submission, verbose_name=_("Antrag"), on_delete=models.CASCADE, related_name="case"
    )
    # The foreign keys that lead one of the composite indexes below get no index of their own: every
    # intake inserts a case, and each index is written on every insert.
    service = models.ForeignKey(
        Service,
        verbose_name=_("Leistung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # case_service_inbox_idx
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto der antragstellenden Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        db_index=False,  # case_applicant_idx
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("Behörde"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # case_authority_inbox_idx
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # case_unit_inbox_idx
    )
    status_model = models.CharField(
        _("Statusmodell"), max_length=20, choices=StatusModel.choices, default=StatusModel.ANTRAG
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.EINGEGANGEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Bearbeitung durch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        db_index=False,  # case_assignee_idx
    )
    routing_rule = models.ForeignKey(
        RoutingRule,
        verbose_name=_("Verteilregel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("eingegangen am"))
    due_date = models.DateField(_("Bearbeitungsziel"), null=True, blank=True)
    reply_due = models.DateField(_("Antwortfrist der Rückfrage"), null=True, blank=True)
    fiction_due = models.DateField(_("Genehmigungsfiktion am"), null=True, blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decision = models.CharField(_("Entscheidung"), max_length=20, choices=Decision.choices, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    retention_until = models.DateField(_("aufzubewahren bis"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    # Access links for applicants without an account (cases.guest) carry this number; raising it revokes
    # every link sent before and every browser session opened with one.
    applicant_link_generation = models.PositiveIntegerField(_("Generation der Zugangslinks"), default=0)

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Vorgänge")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["org_unit", "status", "due_date", "id"], name="case_unit_inbox_idx"),
            models.Index(fields=["authority", "status", "due_date", "id"], name="case_authority_inbox_idx"),
            # The inbox by receipt: one index range per (unit or authority, status), merged (cases.inbox).
            models.Index(fields=["org_unit", "status", "received_at", "id"], name="case_unit_receipt_idx"),
            models.Index(
                fields=["authority", "status", "received_at", "id"], name="case_authority_receipt_idx"
            ),
            models.Index(fields=["assignee", "status", "due_date"], name="case_assignee_idx"),
            models.Index(fields=["applicant", "-received_at"], name="case_applicant_idx"),
            models.Index(fields=["retention_until"], name="case_retention_idx"),
            # "Which services do my cases have?" (the inbox's service filter): one index-only probe per
            # service instead of reading every case of the unit; also serves the service's foreign key.
            # Status and deadline behind them: the inbox filtered by service and status reads the
            # page's rows of each unit in deadline order instead of sorting all of them (seen at 10 M).
            models.Index(
                fields=["service", "authority", "org_unit", "status", "due_date", "id"],
                name="case_service_inbox_idx",
            ),
            # The strategy roll-up reads the months not yet rolled up (at least the current one) live:
            # one index range instead of every case of the installation (strategy.rollup, decision 0030).
            models.Index(fields=["received_at"], name="case_received_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.ABGESCHLOSSEN, Status.ZURUECKGEZOGEN)


class CaseEvent(models.Model):
    """The full history of a case (append-only)."""

    class Type(models.TextChoices):
        CREATED = "created", _("angelegt")
        TRANSITION = "transition", _("Statuswechsel")
        ASSIGNED = "assigned", _("zugewiesen")
        FORWARDED = "forwarded", _("weitergeleitet")
        NOTE = "note", _("Vermerk")
        MESSAGE_OUT = "message_out", _("Nachricht an die antragstellende Person")
        MESSAGE_IN = "message_in", _("Nachricht der antragstellenden Person")
        LETTER = "letter", _("Bescheid")
        DEADLINE = "deadline", _("Frist geändert")
        ANONYMISED = "anonymised", _("anonymisiert")

    case = models.ForeignKey(
        Case,
        verbose_name=_("Vorgang"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # case_event_idx leads with the case
    )
    type = models.CharField(_("Art"), max_length=20, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("durch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("durch (Name)"), max_length=200, blank=True)
    from_status = models.CharField(_("von Status"), max_length=20, blank=True)
    to_status = models.CharField(_("zu Status"), max_length=20, blank=True)
    text = models.TextField(_("Text"), blank=True)
    data = models.JSONField(_("Daten"), default=dict, blank=True)
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Vorgangsereignis")
        verbose_name_plural = _("Vorgangsereignisse")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.type}"


class CaseNote(TimeStampedModel):
    """An internal note (Vermerk); never shown to the applicant."""

    case = models.ForeignKey(Case, verbose_name=_("Vorgang"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("Vermerk"))

    class Meta:
        verbose_name = _("Vermerk")
        verbose_name_plural = _("Vermerke")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} – {self.created_at:%d.%m.%Y}"


class CaseMessage(TimeStampedModel):
    """A message between the caseworker and the applicant."""

    class Direction(models.TextChoices):
        TO_APPLICANT = "an_antragsteller", _("an die antragstellende Person")
        FROM_APPLICANT = "von_antragsteller", _("von der antragstellenden Person")

    case = models.ForeignKey(
        Case, verbose_name=_("Vorgang"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("Richtung"), max_length=20, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("Nachricht"))
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "direction", "read_at"], name="case_message_unread_idx")]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_direction_display()}"


class CaseDocument(TimeStampedModel):
    """A file of a case: an attachment of a message (either direction) or a document added by staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("Vorgang"), on_delete=models.CASCADE, related_name="documents"
    )
    message = models.ForeignKey(
        CaseMessage,
        verbose_name=_("Nachricht"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("Datei"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(_("Dateityp (am Inhalt erkannt)"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class Forward(models.Model):
    """A case handed to another org unit (also training data for automatic routing)."""

    case = models.ForeignKey(
        Case, verbose_name=_("Vorgang"), on_delete=models.CASCADE, related_name="forwards"
    )
    from_authority = models.ForeignKey(
        Authority, verbose_name=_("von Behörde"), on_delete=models.PROTECT, related_name="+"
    )
    from_org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("von Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_authority = models.ForeignKey(
        Authority, verbose_name=_("an Behörde"), on_delete=models.PROTECT, related_name="+"
    )
    to_org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("an Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("Grund"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("durch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Weiterleitung")
        verbose_name_plural = _("Weiterleitungen")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_org_unit} → {self.to_org_unit}"


class LetterTemplate(TimeStampedModel):
    """Text of a decision letter, per service or as the authority's default (``service`` empty).

    ``subject`` and ``body`` use the sandboxed template language of :mod:`amtsweg.cases.letters`,
    e.g. ``{{ aktenzeichen }}``, ``{{ leistung }}``, ``{{ entscheidung }}`` (``letters.PLACEHOLDERS``
    lists them all). The Rechtsbehelfsbelehrung is not part of a template: it comes from the
    :class:`LegalRemedy` of the service, so that no template can leave it out or name the wrong court.
    """

    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.CASCADE, related_name="letter_templates"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("Leistung"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="letter_templates",
        help_text=_("Leer: Standardvorlage der Behörde."),
    )
    decision = models.CharField(
        _("für Entscheidung"),
        max_length=20,
        choices=Decision.choices,
        blank=True,
        help_text=_("Leer: für jede Entscheidung."),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text mit Platzhaltern"))
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Bescheidvorlage")
        verbose_name_plural = _("Bescheidvorlagen")
        ordering = ["authority", "service", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from amtsweg.cases.letters import LetterTemplateError, letter_template_check

        errors: dict[str, list[str]] = {}
        for field in ("subject", "body"):
            try:
                letter_template_check(getattr(self, field))
            except LetterTemplateError as error:
                errors[field] = [str(error.message)]
        if errors:
            raise ValidationError(errors)


class LegalRemedy(TimeStampedModel):
    """Which legal remedy (Rechtsbehelf) a decision of ``authority`` on ``service`` allows, and which body
    receives it. The Rechtsbehelfsbelehrung of every decision letter is written from this data
    (:func:`amtsweg.cases.letters.legal_remedy_text`); without it no decision letter can be issued.

    In NRW most decisions are challenged directly by a suit (Klage) at the Verwaltungsgericht (the
    Widerspruch is largely abolished, § 110 JustG NRW); social-law decisions (SGB II/XII, Bildung und
    Teilhabe, Elterngeld) first by a Widerspruch to the authority, then by a suit at the Sozialgericht.
    """

    class Kind(models.TextChoices):
        KLAGE = "klage", _("Klage")
        WIDERSPRUCH = "widerspruch", _("Widerspruch")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("Behörde, die den Bescheid erlässt"),
        on_delete=models.CASCADE,
        related_name="legal_remedies",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("Leistung"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legal_remedies",
        help_text=_("Leer: für alle Leistungen der Behörde, die keine eigene Angabe haben."),
    )
    kind = models.CharField(_("Rechtsbehelf"), max_length=20, choices=Kind.choices, default=Kind.KLAGE)
    body_name = models.CharField(
        _("Stelle, bei der er einzulegen ist"),
        max_length=200,
        help_text=_(
            "Bei einer Klage das Gericht, z. B. „Verwaltungsgericht Münster“; beim Widerspruch die Behörde."
        ),
    )
    body_street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    body_postcode = models.CharField(_("PLZ"), max_length=5, validators=[postcode_validator])
    body_city = models.CharField(_("Ort"), max_length=100)
    court_name = models.CharField(
        _("Gericht nach dem Widerspruch"),
        max_length=200,
        blank=True,
        help_text=_(
            "Nur beim Widerspruch: das Gericht für eine spätere Klage, z. B. „Sozialgericht Münster“."
        ),
    )
    court_street = models.CharField(_("Straße und Hausnummer des Gerichts"), max_length=200, blank=True)
    court_postcode = models.CharField(
        _("PLZ des Gerichts"), max_length=5, blank=True, validators=[postcode_validator]
    )
    court_city = models.CharField(_("Ort des Gerichts"), max_length=100, blank=True)
    note = models.TextField(
        _("Zusätzlicher Hinweis"),
        blank=True,
        help_text=_(
            "Erscheint am Ende der Rechtsbehelfsbelehrung, z. B. ein Hinweis auf den elektronischen Zugang."
        ),
    )

    class Meta:
        verbose_name = _("Rechtsbehelf")
        verbose_name_plural = _("Rechtsbehelfe")
        ordering = ["authority", "service", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "service"],
                name="legal_remedy_one_per_service",
                violation_error_message=_(
                    "Für diese Leistung gibt es bei dieser Behörde schon einen Rechtsbehelf."
                ),
            ),
            models.UniqueConstraint(
                fields=["authority"],
                condition=models.Q(service__isnull=True),
                name="legal_remedy_one_default",
                violation_error_message=_("Diese Behörde hat schon einen Rechtsbehelf für alle Leistungen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.body_name}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.kind == self.Kind.WIDERSPRUCH:
            for field in ("court_name", "court_street", "court_postcode", "court_city"):
                if not getattr(self, field).strip():
                    errors.setdefault(field, []).append(
                        str(_("Beim Widerspruch nennen Sie auch das Gericht für eine spätere Klage."))
                    )
        if errors:
            raise ValidationError(errors)


class DecisionLetter(TimeStampedModel):
    """A rendered decision letter (Bescheid) of a case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("Vorgang"), on_delete=models.CASCADE, related_name="letters"
    )
    template = models.ForeignKey(
        LetterTemplate,
        verbose_name=_("Vorlage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(_("Entscheidung"), max_length=20, choices=Decision.choices, blank=True)
    subject = models.CharField(_("Betreff"), max_length=300, blank=True)
    body = models.TextField(_("Text"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="letters/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erstellt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Bescheid")
        verbose_name_plural = _("Bescheide")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.case} – {self.subject}"
