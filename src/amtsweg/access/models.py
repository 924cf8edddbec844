"""Roles scoped to authority and org unit.

A :class:`Role` is data (seeded from :mod:`amtsweg.access.roles` by a data migration and by
``amtsweg roles-sync``); a :class:`RoleAssignment` gives one staff account one role at one authority,
optionally limited to one org unit. The checks live in :mod:`amtsweg.access.permissions`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel

# accounts.User.Kind.STAFF. access imports neither accounts nor tenants (they call access for their checks),
# so it names their models as strings.
STAFF_KIND = "personal"


class Role(models.Model):
    code = models.SlugField(_("Kennung"), max_length=50, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    description = models.TextField(_("Beschreibung"), blank=True)
    permissions = models.JSONField(_("Berechtigungen"), default=list, blank=True)
    platform_wide = models.BooleanField(
        _("für alle Behörden"),
        default=False,
        help_text=_("Gilt für alle Behörden, nicht nur für die Behörde der Zuweisung."),
    )

    class Meta:
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.ForeignKey(Role, verbose_name=_("Rolle"), on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        "tenants.Authority",
        verbose_name=_("Behörde"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    org_unit = models.ForeignKey(
        "tenants.OrgUnit",
        verbose_name=_("Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        help_text=_("Leer: die Rolle gilt für die ganze Behörde."),
    )

    class Meta:
        verbose_name = _("Rollenzuweisung")
        verbose_name_plural = _("Rollenzuweisungen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "authority", "org_unit"],
                name="unique_role_assignment_unit",
                violation_error_message=_("Diese Rolle ist dem Konto hier schon zugewiesen."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "authority"],
                condition=models.Q(org_unit__isnull=True),
                name="unique_role_assignment_authority",
                violation_error_message=_("Diese Rolle ist dem Konto hier schon zugewiesen."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.org_unit.name if self.org_unit_id and self.org_unit else self.authority.name
        return f"{self.user} – {self.role} ({scope})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        user = self.user if self.user_id else None
        if user is not None and getattr(user, "kind", None) != STAFF_KIND:
            errors["user"] = _("Rollen gibt es nur für Konten von Beschäftigten der Verwaltung.")
        unit = self.org_unit if self.org_unit_id else None
        if unit is not None and self.authority_id and unit.authority_id != self.authority_id:
            errors["org_unit"] = _("Die Organisationseinheit gehört nicht zu der gewählten Behörde.")
        if errors:
            raise ValidationError(errors)


class ApprovalRequest(models.Model):
    """A sensitive change that needs a second person (four-eyes principle).

    Asked for when someone gives a role to themselves, or resets the second factor of an account with more
    rights than their own (a superuser, a platform-wide role, permissions they lack). Another person with the
    same right decides; the requester never can. Only an approved request changes anything.
    """

    class Kind(models.TextChoices):
        ROLE_GRANT = "role_grant", _("Rolle für sich selbst")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Zweiten Faktor zurücksetzen")

    class State(models.TextChoices):
        PENDING = "pending", _("offen")
        APPROVED = "approved", _("zugestimmt")
        REJECTED = "rejected", _("abgelehnt")

    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    state = models.CharField(_("Stand"), max_length=20, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("beantragt von"), on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("beantragt am"), auto_now_add=True)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("betroffenes Konto"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("Rolle"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    authority = models.ForeignKey(
        "tenants.Authority",
        verbose_name=_("Behörde"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "tenants.OrgUnit",
        verbose_name=_("Organisationseinheit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Freigabe (Vier-Augen-Prinzip)")
        verbose_name_plural = _("Freigaben (Vier-Augen-Prinzip)")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
