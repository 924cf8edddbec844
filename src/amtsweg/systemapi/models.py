"""API clients: specialist systems (Fachverfahren) that read and work on cases with an API key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.tenants.models import Authority


class ApiClient(TimeStampedModel):
    """One specialist system with one API key.

    The key is shown once when it is made; only its SHA-256 is stored (``key_hash``), with the first
    characters (``key_prefix``) to find the row and to recognise the key in lists. A key belongs to the
    authority that manages it (``owner``) and reaches the cases of ``authorities`` only; a revoked key is
    refused at once.
    """

    owner = models.ForeignKey(
        Authority, verbose_name=_("verwaltet von"), on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(_("Name des Fachverfahrens"), max_length=200)
    authorities = models.ManyToManyField(
        Authority,
        verbose_name=_("Behörden"),
        related_name="+",
        help_text=_("Die Vorgänge dieser Behörden darf das Fachverfahren lesen und bearbeiten."),
    )
    may_write = models.BooleanField(
        _("darf bearbeiten"),
        default=False,
        help_text=_("Status ändern, entscheiden und Nachrichten schreiben; sonst nur lesen."),
    )
    rate = models.CharField(
        _("Anfragen je Zeitraum"),
        max_length=20,
        blank=True,
        help_text=_("z. B. 600/m oder 20/s; leer: die Voreinstellung AMTSWEG_SYSTEM_API_RATE."),
    )
    key_prefix = models.CharField(_("Schlüsselanfang"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("Prüfwert des Schlüssels"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("gesperrt am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt benutzt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-Schlüssel eines Fachverfahrens")
        verbose_name_plural = _("API-Schlüssel der Fachverfahren")
        ordering = ["owner", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
