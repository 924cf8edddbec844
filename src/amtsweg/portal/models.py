"""Portal records: feedback on accessibility (BITV NRW feedback mechanism)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel


class AccessibilityFeedback(TimeStampedModel):
    """A barrier reported by a visitor, shown to admins until it has been answered."""

    class Status(models.TextChoices):
        NEW = "neu", _("neu")
        IN_PROGRESS = "in_bearbeitung", _("in Bearbeitung")
        DONE = "erledigt", _("erledigt")

    page_url = models.CharField(_("Seite"), max_length=500, blank=True)
    message = models.TextField(_("Beschreibung der Barriere"), max_length=5000)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail für Rückfragen"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.NEW)
    internal_note = models.TextField(_("interne Notiz"), blank=True)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Also the label in the audit trail, which is kept for good: no words of the reporter here.
        return _("Rückmeldung %(number)s vom %(date)s") % {
            "number": self.pk or "neu",
            "date": f"{self.created_at:%d.%m.%Y}" if self.created_at else "",
        }
