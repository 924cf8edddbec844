"""Built-in provider: the password login of the accounts app (counts as Basisregistrierung)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from amtsweg.accounts.providers.base import LoginProvider, TrustLevel, login_providers


class LocalProvider(LoginProvider):
    id = "local"
    external = False

    def display_name(self, settings: Any) -> str:
        return _("Mit E-Mail-Adresse und Passwort")

    def enabled(self, settings: Any) -> bool:
        # Offered as soon as the accounts app provides its login page.
        try:
            reverse(self.start_url_name())
        except NoReverseMatch:
            return False
        return True

    def trust_levels(self, settings: Any) -> tuple[TrustLevel, ...]:
        return (TrustLevel.BASIS,)

    def start_url_name(self) -> str:
        return "accounts:login"


login_providers.register(LocalProvider.id)(LocalProvider())
