"""Budget lines per Haushaltsjahr, the Stellenplan, funding programmes and applications.

Money is ``Decimal`` with two places, in euros. Totals and splits are computed by
:mod:`amtsweg.strategy.selectors`, never stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.strategy.models.projects import MONEY, Project
from amtsweg.strategy.validators import validate_pay_grade, validate_product
from amtsweg.tenants.models import Authority

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class FundingProgramme(TimeStampedModel):
    """A funding programme of the Bund, the Land or the EU (shared reference data)."""

    class Funder(models.TextChoices):
        BUND = "bund", _("Bund")
        LAND = "land", _("Land")
        BUND_LAND = "bund-land", _("Bund und Land")
        EU = "eu", _("EU")
        OTHER = "sonstige", _("sonstige")

    name = models.CharField(_("Name"), max_length=200, unique=True)
    funder = models.CharField(_("Fördergeber"), max_length=20, choices=Funder.choices)
    funder_body = models.CharField(_("Stelle"), max_length=200, blank=True, help_text=_("z. B. „BMWSB/KfW“"))
    rate_percent = models.DecimalField(
        _("Förderquote (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    rate_note = models.CharField(_("Hinweis zur Quote"), max_length=300, blank=True)
    max_amount = models.DecimalField(
        _("Höchstbetrag (€)"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    eligibility = models.TextField(_("Fördervoraussetzungen"), blank=True)
    runs_from = models.DateField(_("Laufzeit von"), null=True, blank=True)
    runs_until = models.DateField(_("Laufzeit bis"), null=True, blank=True)
    url = models.URLField(_("Internetseite"), blank=True)

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FundingCall(models.Model):
    """A call (Förderaufruf) of a programme with its deadline."""

    programme = models.ForeignKey(FundingProgramme, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(_("Aufruf"), max_length=200)
    opens_on = models.DateField(_("geöffnet ab"), null=True, blank=True)
    deadline = models.DateField(_("Einreichungsfrist"))

    class Meta:
        verbose_name = _("Förderaufruf")
        verbose_name_plural = _("Förderaufrufe")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.title}"


class FundingApplication(TimeStampedModel):
    """An application of a project for a programme; the own share is computed (total cost − grant)."""

    class Status(models.TextChoices):
        PLANNED = "geplant", _("geplant")
        SUBMITTED = "eingereicht", _("eingereicht")
        GRANTED = "bewilligt", _("bewilligt")
        REJECTED = "abgelehnt", _("abgelehnt")
        WITHDRAWN = "zurueckgezogen", _("zurückgezogen")
        SETTLED = "abgerechnet", _("abgerechnet")

    project = models.ForeignKey(
        Project, verbose_name=_("Projekt"), on_delete=models.PROTECT, related_name="applications"
    )
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Förderprogramm"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("Aufruf"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicant = models.ForeignKey(
        Authority, verbose_name=_("antragstellende Behörde"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    total_cost = models.DecimalField(_("förderfähige Gesamtkosten (€)"), **MONEY, validators=NON_NEGATIVE)
    requested_amount = models.DecimalField(_("beantragte Förderung (€)"), **MONEY, validators=NON_NEGATIVE)
    granted_amount = models.DecimalField(
        _("bewilligte Förderung (€)"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    submission_deadline = models.DateField(_("Einreichungsfrist"), null=True, blank=True)
    submitted_on = models.DateField(_("eingereicht am"), null=True, blank=True)
    grant_notice_on = models.DateField(_("Zuwendungsbescheid vom"), null=True, blank=True)
    proof_of_use_deadline = models.DateField(_("Verwendungsnachweis bis"), null=True, blank=True)
    note = models.TextField(_("Notiz"), blank=True)

    class Meta:
        verbose_name = _("Förderantrag")
        verbose_name_plural = _("Förderanträge")
        ordering = ["project", "programme"]

    def __str__(self) -> str:
        return f"{self.project} – {self.programme}"

    @property
    def grant(self) -> Decimal:
        """The grant that counts: the granted amount once known, else the requested amount."""
        return self.granted_amount if self.granted_amount is not None else self.requested_amount

    @property
    def own_share(self) -> Decimal:
        """Eigenanteil = total cost − grant."""
        return (self.total_cost or Decimal("0")) - (self.grant or Decimal("0"))

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.total_cost is not None
            and self.requested_amount is not None
            and self.requested_amount > self.total_cost
        ):
            errors["requested_amount"] = _("Die beantragte Förderung ist höher als die Gesamtkosten.")
        if (
            self.total_cost is not None
            and self.granted_amount is not None
            and self.granted_amount > self.total_cost
        ):
            errors["granted_amount"] = _("Die bewilligte Förderung ist höher als die Gesamtkosten.")
        if (
            self.call_id
            and self.programme_id
            and self.call is not None
            and self.call.programme_id != self.programme_id
        ):
            errors["call"] = _("Der Aufruf gehört zu einem anderen Förderprogramm.")
        if errors:
            raise ValidationError(errors)


class ReminderSent(models.Model):
    """A reminder e-mail already sent: (application, deadline kind, date, lead days) at most once."""

    class Kind(models.TextChoices):
        SUBMISSION = "einreichung", _("Einreichungsfrist")
        PROOF_OF_USE = "verwendungsnachweis", _("Verwendungsnachweis")

    application = models.ForeignKey(FundingApplication, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("Frist"), max_length=30, choices=Kind.choices)
    deadline = models.DateField(_("Fristdatum"))
    days_before = models.PositiveSmallIntegerField(_("Tage vorher"))
    sent_at = models.DateTimeField(_("gesendet am"))
    recipients = models.JSONField(_("Empfänger"), default=list)

    class Meta:
        verbose_name = _("gesendete Erinnerung")
        verbose_name_plural = _("gesendete Erinnerungen")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "deadline", "days_before"], name="strategy_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_kind_display()} {self.deadline}"


class BudgetLine(TimeStampedModel):
    """One budget line of a Haushaltsjahr at an NKF product (Ergebnisplan or Finanzplan)."""

    class Kind(models.TextChoices):
        INVESTIVE = "investiv", _("investiv")
        CONSUMPTIVE = "konsumtiv", _("konsumtiv")

    class Source(models.TextChoices):
        OWN = "eigenmittel", _("Eigenmittel")
        GRANT = "foerdermittel", _("Fördermittel")

    owner = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="strategy_budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"), validators=YEAR)
    product = models.CharField(_("Produkt"), max_length=8, validators=[validate_product])
    title = models.CharField(_("Bezeichnung"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("Finanzierung"), max_length=20, choices=Source.choices, default=Source.OWN)
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Förderprogramm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    plan = models.DecimalField(_("Ansatz (€)"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    carry_over = models.DecimalField(
        _("Übertragung aus Vorjahr (€)"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE
    )
    commitments = models.DecimalField(
        _("Verpflichtungsermächtigungen (€)"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE
    )
    actual = models.DecimalField(_("Ist (€)"), **MONEY, default=Decimal("0"), validators=NON_NEGATIVE)
    note = models.TextField(_("Erläuterung"), blank=True)

    class Meta:
        verbose_name = _("Haushaltsposition")
        verbose_name_plural = _("Haushaltspositionen")
        ordering = ["year", "product", "kind", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.product} {self.title}"

    @property
    def available(self) -> Decimal:
        """Plan plus carry-over (the money the year may spend)."""
        return self.plan + self.carry_over

    def clean(self) -> None:
        if self.source == self.Source.GRANT and not self.programme_id:
            raise ValidationError({"programme": _("Bei Fördermitteln bitte das Förderprogramm angeben.")})
        if self.source == self.Source.OWN and self.programme_id:
            raise ValidationError(
                {"programme": _("Eigenmittel haben kein Förderprogramm – bitte „Fördermittel“ wählen.")}
            )


class Position(TimeStampedModel):
    """A position in the Stellenplan created for the strategy (pay grade, FTE, from when, funded by)."""

    owner = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="strategy_positions"
    )
    title = models.CharField(_("Stelle"), max_length=200)
    pay_grade = models.CharField(_("Entgeltgruppe"), max_length=10, validators=[validate_pay_grade])
    fte = models.DecimalField(
        _("Stellenanteil (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )
    starts_on = models.DateField(_("ab"))
    ends_on = models.DateField(_("befristet bis"), null=True, blank=True)
    funded_by = models.CharField(_("finanziert durch"), max_length=200, blank=True)
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Förderprogramm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
    )
    is_filled = models.BooleanField(_("besetzt"), default=False)

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellenplan")
        ordering = ["starts_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.pay_grade})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Das Ende liegt vor dem Beginn.")})
