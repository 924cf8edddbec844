"""The monthly roll-up of cases and applications that the maturity dashboard, the cockpit and the
Sachstandsbericht read instead of the case table (decision 0030).

One row per (month, service, town, …) with counts; the closed months are rebuilt by the periodic job
``strategy.rollup`` (:func:`amtsweg.strategy.rollup.rollup_refresh`), the current month is always counted
live. Nothing here is entered by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupMonth(models.Model):
    """A closed month whose rows in :class:`CaseMonth` and :class:`SubmissionMonth` are built."""

    month = models.DateField(_("Monat"), unique=True)
    refreshed_at = models.DateTimeField(_("aktualisiert am"))

    class Meta:
        verbose_name = _("Monat der Monatsübersicht")
        verbose_name_plural = _("Monate der Monatsübersicht")
        ordering = ["month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class CaseMonth(models.Model):
    """Cases received in ``month`` per service and town (the applicant's municipality), by the calendar days
    from receipt to decision (``days`` empty: not decided yet) – a histogram, so medians over several
    months are exact."""

    month = models.DateField(_("Monat"))
    service = models.ForeignKey("catalog.Service", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey("tenants.Authority", on_delete=models.CASCADE, related_name="+")
    days = models.PositiveIntegerField(_("Kalendertage bis zur Entscheidung"), null=True, blank=True)
    cases = models.PositiveIntegerField(_("Vorgänge"))
    delivered = models.PositiveIntegerField(_("davon Bescheid digital zugestellt"))

    class Meta:
        verbose_name = _("Vorgänge im Monat")
        verbose_name_plural = _("Vorgänge je Monat")
        indexes = [models.Index(fields=["month"], name="strategy_casemonth_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.cases}"


class SubmissionMonth(models.Model):
    """Applications submitted in ``month`` per service, town and channel."""

    month = models.DateField(_("Monat"))
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "tenants.Authority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("Eingangsweg"), max_length=10)
    count = models.PositiveIntegerField(_("Anträge"))

    class Meta:
        verbose_name = _("Anträge im Monat")
        verbose_name_plural = _("Anträge je Monat")
        indexes = [models.Index(fields=["month"], name="strategy_submonth_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.count}"
