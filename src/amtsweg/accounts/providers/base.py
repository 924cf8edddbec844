"""The typed registry of login providers and the trust levels they deliver."""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import StrEnum
from typing import Any

from django.urls import reverse

from amtsweg.core.registry import Registry


class TrustLevel(StrEnum):
    """Vertrauensniveau of a login, ordered from lowest to highest (as in the OZG-Nutzerkonto)."""

    BASIS = "basisregistrierung"
    SUBSTANTIAL = "substanziell"
    HIGH = "hoch"

    @property
    def rank(self) -> int:
        return list(TrustLevel).index(self)

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return {
            TrustLevel.BASIS: gettext("Basisregistrierung"),
            TrustLevel.SUBSTANTIAL: gettext("substanziell"),
            TrustLevel.HIGH: gettext("hoch"),
        }[self]

    def satisfies(self, required: TrustLevel) -> bool:
        return self.rank >= required.rank


class LoginProvider(ABC):
    """One way to log in. Plugins subclass this and register an instance in ``login_providers``."""

    #: Registry id and URL part, e.g. "oidc".
    id: str
    #: False for the built-in password login, which the login page shows itself.
    external: bool = True

    @abstractmethod
    def display_name(self, settings: Any) -> str:
        """German name shown on the login button."""

    @abstractmethod
    def enabled(self, settings: Any) -> bool:
        """Whether this installation offers the provider (decided by settings)."""

    @abstractmethod
    def trust_levels(self, settings: Any) -> tuple[TrustLevel, ...]:
        """The trust levels a login through this provider can deliver."""

    @abstractmethod
    def start_url_name(self) -> str:
        """URL name of the view that starts the login."""

    def start_url(self, next_url: str = "") -> str:
        url = reverse(self.start_url_name())
        if next_url:
            from urllib.parse import urlencode

            url = f"{url}?{urlencode({'next': next_url})}"
        return url


login_providers: Registry[LoginProvider] = Registry("Anmeldedienst")

#: Where the project may mount accounts/providers/urls.py: on its own or inside the accounts URLs.
# The provider pages are mounted inside the accounts URLs (accounts/urls.py: "anmelden/").
URL_NAMESPACE = "accounts:login_providers"


def url_name(name: str) -> str:
    """Full URL name of a login-provider page."""
    return f"{URL_NAMESPACE}:{name}"


def provider_url(name: str) -> str:
    return reverse(url_name(name))


def enabled_providers(settings: Any, *, external_only: bool = False) -> list[LoginProvider]:
    """Providers this installation offers, in registry order."""
    return [
        provider
        for _, provider in login_providers
        if provider.enabled(settings) and (provider.external or not external_only)
    ]


#: Documented table (docs/configuration.md, "Login-Provider"): values identity providers send for the
#: assurance of a login – OIDC ``acr`` claims, SAML AuthnContextClassRef – and the trust level they mean.
DEFAULT_TRUST_TABLE: dict[str, TrustLevel] = {
    # BundID/DeutschlandID (STORK QAA levels)
    "STORK-QAA-Level-1": TrustLevel.BASIS,
    "STORK-QAA-Level-2": TrustLevel.BASIS,
    "STORK-QAA-Level-3": TrustLevel.SUBSTANTIAL,
    "STORK-QAA-Level-4": TrustLevel.HIGH,
    # eIDAS levels of assurance
    "http://eidas.europa.eu/LoA/low": TrustLevel.BASIS,
    "http://eidas.europa.eu/LoA/substantial": TrustLevel.SUBSTANTIAL,
    "http://eidas.europa.eu/LoA/high": TrustLevel.HIGH,
    # The level names themselves
    "basisregistrierung": TrustLevel.BASIS,
    "substanziell": TrustLevel.SUBSTANTIAL,
    "hoch": TrustLevel.HIGH,
}


def parse_trust_map(raw: str) -> dict[str, TrustLevel]:
    """``wert=stufe,wert=stufe`` from a setting; unknown levels raise ValueError."""
    table: dict[str, TrustLevel] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        value, _, level = item.strip().rpartition("=")
        if not value:
            raise ValueError(f"Eintrag ohne '=': {item!r}")
        table[value.strip()] = TrustLevel(level.strip())
    return table


def map_trust_level(values: list[str], extra: str, default: TrustLevel) -> TrustLevel:
    """The highest level any of ``values`` maps to (configured map first, then the default table)."""
    table = {**DEFAULT_TRUST_TABLE, **parse_trust_map(extra)}
    levels = [table[value.strip()] for value in values if value.strip() in table]
    return max(levels, key=lambda level: level.rank) if levels else default
