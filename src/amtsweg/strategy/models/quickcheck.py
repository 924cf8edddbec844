"""Quick-Check rounds: every participant rates every Handlungsfeld on every criterion.

The scale and the criteria belong to the round (the 2019 scale was never published, DOMAIN.md §2), so
do the thresholds of the tier rule (see :func:`amtsweg.strategy.aggregation.proposed_tier`). A closed
round is immutable: the services refuse every change (``round_*`` and ``rating_save``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.strategy.models.fields import FieldOfAction, Strategy
from amtsweg.tenants.models import Authority


class Tier(models.IntegerChoices):
    """Priority tiers (Prioritäten) as decided in the 2019 workshop."""

    ONE = 1, _("Priorität I")
    TWO = 2, _("Priorität II")
    THREE = 3, _("Priorität III")


class QuickCheckRound(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "offen", _("offen")
        CLOSED = "geschlossen", _("geschlossen")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("Strategie"), on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Hinweise für die Teilnehmenden"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    scale_min = models.PositiveSmallIntegerField(_("Skala von"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("Skala bis"), default=5)
    closes_on = models.DateField(_("Bewertung bis"), null=True, blank=True)
    fields = models.ManyToManyField(FieldOfAction, verbose_name=_("Handlungsfelder"), related_name="rounds")
    participants = models.ManyToManyField(
        Authority, verbose_name=_("Teilnehmende"), through="RoundParticipant", related_name="+"
    )
    # The tier rule: score = mean of the criteria's means (the criteria marked „für Priorität“).
    # score ≥ tier_one_min → I, score ≥ tier_two_min → II, else III.
    tier_one_min = models.DecimalField(
        _("Priorität I ab Mittelwert"), max_digits=4, decimal_places=2, default=Decimal("4.00")
    )
    tier_two_min = models.DecimalField(
        _("Priorität II ab Mittelwert"), max_digits=4, decimal_places=2, default=Decimal("3.00")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eröffnet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("geschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geschlossen von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Quick-Check-Runde")
        verbose_name_plural = _("Quick-Check-Runden")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="strategy_round_scale_order",
                violation_error_message=_("Das Ende der Skala muss größer sein als ihr Anfang."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            errors["scale_max"] = _("Das Ende der Skala muss größer sein als ihr Anfang.")
        if (
            self.tier_one_min is not None
            and self.tier_two_min is not None
            and self.tier_one_min < self.tier_two_min
        ):
            errors["tier_one_min"] = _(
                "Die Schwelle für Priorität I darf nicht unter der für Priorität II liegen."
            )
        if errors:
            raise ValidationError(errors)


class Criterion(models.Model):
    """A criterion of a round, e.g. Bedeutung or Digitalisierungspotenzial."""

    round = models.ForeignKey(
        QuickCheckRound, verbose_name=_("Runde"), on_delete=models.CASCADE, related_name="criteria"
    )
    key = models.SlugField(_("Kennung"), max_length=50)
    name = models.CharField(_("Name"), max_length=100)
    question = models.CharField(_("Leitfrage"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    counts_for_tier = models.BooleanField(_("zählt für die Priorität"), default=True)

    class Meta:
        verbose_name = _("Kriterium")
        verbose_name_plural = _("Kriterien")
        ordering = ["round", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="strategy_criterion_unique_key")]

    def __str__(self) -> str:
        return self.name


class RoundParticipant(models.Model):
    """An authority that takes part in a round (the Kreis and every town)."""

    round = models.ForeignKey(QuickCheckRound, on_delete=models.CASCADE, related_name="round_participants")
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("Behörde"),
        on_delete=models.PROTECT,
        related_name="quickcheck_participations",
    )
    submitted_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["round", "authority__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "authority"], name="strategy_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.authority}"


class Rating(TimeStampedModel):
    """One participant's rating of one field in one round: a score per criterion and a comment."""

    round = models.ForeignKey(
        QuickCheckRound, verbose_name=_("Runde"), on_delete=models.CASCADE, related_name="ratings"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("Behörde"), on_delete=models.PROTECT, related_name="quickcheck_ratings"
    )
    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="ratings"
    )
    comment = models.TextField(_("Kommentar"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bewertet von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        ordering = ["round", "authority__name", "field__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "authority", "field"], name="strategy_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} – {self.field}"


class Score(models.Model):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("Kriterium"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.SmallIntegerField(_("Wert"))

    class Meta:
        verbose_name = _("Wert")
        verbose_name_plural = _("Werte")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="strategy_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class TierDecision(TimeStampedModel):
    """The tier the workshop decided for a field, kept apart from the computed proposal."""

    round = models.ForeignKey(
        QuickCheckRound, verbose_name=_("Runde"), on_delete=models.CASCADE, related_name="decisions"
    )
    field = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.PROTECT,
        related_name="tier_decisions",
    )
    proposed_tier = models.PositiveSmallIntegerField(
        _("vorgeschlagene Priorität"), choices=Tier.choices, null=True, blank=True
    )
    tier = models.PositiveSmallIntegerField(_("beschlossene Priorität"), choices=Tier.choices)
    reason = models.TextField(_("Begründung"), blank=True)
    decided_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    workshop = models.ForeignKey(
        "strategy.Workshop",
        verbose_name=_("Workshop"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tier_decisions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Prioritätsentscheidung")
        verbose_name_plural = _("Prioritätsentscheidungen")
        ordering = ["round", "tier", "field__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "field"], name="strategy_decision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.get_tier_display()}"
