"""Accounts: one user model for citizens, company members and staff.

Staff belong to an authority (tenancy) and to org units; citizens may name the municipality they
live in, which forms prefill and the responsibility finder preselects.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from amtsweg.core.models import TimeStampedModel
from amtsweg.tenants.models import Authority, OrgUnit, postcode_validator


class UserManager(DjangoUserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        # A superuser works in the administration: a staff account, so it always needs the second factor.
        extra_fields.setdefault("kind", "personal")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Kind(models.TextChoices):
        CITIZEN = "buerger", _("Bürgerin oder Bürger")
        STAFF = "personal", _("Beschäftigte der Verwaltung")

    kind = models.CharField(_("Art des Kontos"), max_length=20, choices=Kind.choices, default=Kind.CITIZEN)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    email_verified_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    deleted_at = models.DateTimeField(
        _("Gelöscht am"),
        null=True,
        blank=True,
        help_text=_(
            "Gelöschte Konten behalten nur diese Zeile ohne persönliche Angaben, damit das Protokoll "
            "lückenlos bleibt."
        ),
    )
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

    objects = UserManager()  # type: ignore[misc]

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


class LoginAttempt(models.Model):
    """One failed attempt (login) or one sent link (password reset, resume link of a draft), kept for the
    rate-limit window.

    Stored in the database so that several application servers share the count. ``key`` is a
    keyed hash of the login name or IP address: the table never holds the address typed in.
    """

    class Scope(models.TextChoices):
        ACCOUNT = "konto", _("Konto")
        IP = "ip", _("IP-Adresse")
        RESET_ACCOUNT = "reset-konto", _("Passwort vergessen (Konto)")
        RESET_IP = "reset-ip", _("Passwort vergessen (IP-Adresse)")
        RESUME_ADDRESS = "fortsetzen-adresse", _("Link zum Fortsetzen (E-Mail-Adresse)")
        RESUME_IP = "fortsetzen-ip", _("Link zum Fortsetzen (IP-Adresse)")
        API_ANONYMOUS = "api-anonym", _("Anträge über die API ohne Anmeldung (IP-Adresse)")
        REGISTER_ADDRESS = "registrieren-adresse", _("Registrierung (E-Mail-Adresse)")
        REGISTER_IP = "registrieren-ip", _("Registrierung (IP-Adresse)")
        VERIFY_ACCOUNT = "bestaetigen-konto", _("Bestätigungslink erneut (Konto)")
        CONFIRMATION_ADDRESS = "eingang-adresse", _("Eingangsbestätigung ohne Konto (E-Mail-Adresse)")
        CONFIRMATION_IP = "eingang-ip", _("Eingangsbestätigung ohne Konto (IP-Adresse)")
        SYSTEM_API = "api-fachverfahren", _("Schnittstelle für Fachverfahren (API-Schlüssel)")
        FEEDBACK_IP = "rueckmeldung-ip", _("„Hat Ihnen das geholfen?“ (IP-Adresse)")

    scope = models.CharField(_("Bereich"), max_length=20, choices=Scope.choices)
    key = models.CharField(_("Schlüssel"), max_length=64)
    attempted_at = models.DateTimeField(_("Zeitpunkt"))

    class Meta:
        verbose_name = _("Fehlgeschlagener Versuch")
        verbose_name_plural = _("Fehlgeschlagene Versuche")
        indexes = [models.Index(fields=["scope", "key", "attempted_at"], name="accounts_attempt_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.attempted_at:%d.%m.%Y %H:%M}"


class Organisation(TimeStampedModel):
    """A company or association that acts through the accounts of its members (Organisationskonto)."""

    name = models.CharField(_("Name der Organisation"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postcode = models.CharField(_("PLZ"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("Ort"), max_length=100)
    register_number = models.CharField(
        _("Registernummer (optional)"),
        max_length=100,
        blank=True,
        help_text=_("Zum Beispiel die Nummer im Handelsregister, wenn es eine gibt."),
    )

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        User, verbose_name=_("Konto"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("Verwaltet die Organisation"), default=False)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="accounts_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class Invitation(TimeStampedModel):
    """An invitation by e-mail to join an organisation; the link in the mail can be used once."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    invited_by = models.ForeignKey(
        User, verbose_name=_("Eingeladen von"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("Angenommen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
