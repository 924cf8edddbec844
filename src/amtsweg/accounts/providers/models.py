"""Links between an external identity (provider + subject) and a local account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    provider = models.CharField(_("Anmeldedienst"), max_length=50)
    subject = models.CharField(
        _("Kennung beim Anmeldedienst"),
        max_length=255,
        help_text=_(
            "Die dauerhafte, pseudonyme Kennung, die der Anmeldedienst für diese Person übermittelt."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    last_trust_level = models.CharField(_("Vertrauensniveau der letzten Anmeldung"), max_length=30)
    created_at = models.DateTimeField(_("verknüpft am"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("letzte Anmeldung"), null=True, blank=True)

    class Meta:
        verbose_name = _("Externe Identität")
        verbose_name_plural = _("Externe Identitäten")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="unique_external_identity"),
        ]

    def __str__(self) -> str:
        # Also the label in the audit trail, which is kept for good: the subject (SAML NameID, OIDC sub) is a
        # personal identifier and stays out of it.
        return f"{self.provider}: konto-{self.user_id}"


class AnsweredSamlRequest(models.Model):
    """An AuthnRequest that has been answered. Held in the database, so a replayed response is refused
    by every app server, not only by the one that saw the first answer."""

    request_id = models.CharField(_("Anfrage-ID"), max_length=200, unique=True)
    answered_at = models.DateTimeField(_("beantwortet am"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("beantwortete SAML-Anfrage")
        verbose_name_plural = _("beantwortete SAML-Anfragen")

    def __str__(self) -> str:
        return self.request_id
