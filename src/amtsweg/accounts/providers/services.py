"""Domain functions of the login providers: link an external identity and log the person in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.accounts.models import User
from amtsweg.accounts.providers.base import TrustLevel
from amtsweg.accounts.providers.models import ExternalIdentity
from amtsweg.accounts.providers.trust import set_trust_level
from amtsweg.core.audit import audit_record
from amtsweg.core.clients import client_address


class ExternalLoginError(Exception):
    """A login through an external provider was refused; the message is shown to the person."""


@dataclass(frozen=True)
class ExternalProfile:
    """What a provider told us about the person (only what the login needs)."""

    subject: str
    email: str = ""
    email_verified: bool = False
    first_name: str = ""
    last_name: str = ""


def _new_user(provider: str, profile: ExternalProfile) -> User:
    user_model = get_user_model()
    email = profile.email.strip() if profile.email_verified else ""
    if email and user_model.objects.filter(email__iexact=email).exists():
        # Never link to an existing local account by e-mail alone: that would let whoever controls
        # an identity provider take over the account. The person can link the accounts later.
        email = ""
    user = user_model(
        username=f"{provider}-{secrets.token_hex(8)}",
        email=email,
        email_verified_at=timezone.now() if email else None,
        first_name=profile.first_name[:150],
        last_name=profile.last_name[:150],
        kind=User.Kind.CITIZEN,
    )
    user.set_unusable_password()
    user.save()
    return user


def external_identity_login(
    request: HttpRequest, *, provider: str, profile: ExternalProfile, level: TrustLevel
) -> User:
    """Find or create the account for ``profile`` at ``provider``, log it in and record the trust level."""
    if not profile.subject:
        raise ExternalLoginError(_("Der Anmeldedienst hat keine Kennung für Sie übermittelt."))
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=provider, subject=profile.subject)
            .first()
        )
        created = identity is None
        if identity is None:
            user = _new_user(provider, profile)
            identity = ExternalIdentity.objects.create(
                provider=provider, subject=profile.subject, user=user, last_trust_level=level.value
            )
        else:
            user = identity.user
        if not user.is_active:
            raise ExternalLoginError(_("Dieses Konto ist gesperrt. Bitte wenden Sie sich an den Support."))
        if user.is_staff_account:
            raise ExternalLoginError(
                _(
                    "Beschäftigte melden sich bitte mit Passwort und zweitem Faktor an, "
                    "nicht über diesen Dienst."
                )
            )
        identity.last_trust_level = level.value
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_trust_level", "last_login_at"])
        audit_record(
            actor=user,
            action="login_provider.linked" if created else "login_provider.login",
            obj=identity,
            changes={"provider": provider, "vertrauensniveau": level.value},
            source=client_address(request),
        )
    # The session is tied to the first configured backend; every Django backend loads users by id.
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    set_trust_level(request, level, provider)
    return user
