"""Accounts: one user model for citizens, company members and staff.

Staff belong to an authority (tenancy) and to org units; citizens may name the municipality they
live in, which forms prefill and the responsibility finder preselects.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from amtsweg.tenants.models import Authority, OrgUnit, postcode_validator


class User(AbstractUser):
    class Kind(models.TextChoices):
        CITIZEN = "buerger", _("Bürgerin oder Bürger")
        STAFF = "personal", _("Beschäftigte der Verwaltung")

    kind = models.CharField(_("Art des Kontos"), max_length=20, choices=Kind.choices, default=Kind.CITIZEN)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    email_verified_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("Behörde"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Nur für Beschäftigte: die Behörde, bei der das Konto geführt wird."),
    )
    org_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("Organisationseinheiten"), blank=True, related_name="staff"
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[postcode_validator])
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Authority,
        verbose_name=_("Wohnort (Gemeinde)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="unique_email_case_insensitive",
                violation_error_message=_("Zu dieser E-Mail-Adresse gibt es bereits ein Konto."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_account(self) -> bool:
        return self.kind == self.Kind.STAFF
