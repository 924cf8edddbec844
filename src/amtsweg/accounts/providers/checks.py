"""System checks: a switched-on login provider must be configured completely (``amtsweg check --deploy``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from amtsweg.accounts.providers.base import TrustLevel, parse_trust_map


@register()
def login_provider_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for name in ("AMTSWEG_OIDC_TRUST_MAP", "AMTSWEG_SAML_TRUST_MAP"):
        try:
            parse_trust_map(getattr(settings, name))
        except ValueError as error:
            errors.append(Error(f"{name} ist ungültig: {error}", id="login_providers.E001"))
    if settings.AMTSWEG_OIDC_DEFAULT_TRUST_LEVEL not in {level.value for level in TrustLevel}:
        errors.append(
            Error(
                "AMTSWEG_OIDC_DEFAULT_TRUST_LEVEL muss basisregistrierung, substanziell oder hoch sein.",
                id="login_providers.E002",
            )
        )
    if settings.AMTSWEG_OIDC_ENABLED:
        for name in (
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        ):
            if not getattr(settings, name):
                errors.append(Error(f"AMTSWEG_OIDC_ENABLED verlangt {name}.", id="login_providers.E003"))
    if settings.AMTSWEG_SAML_ENABLED:
        for name in (
            "AMTSWEG_SAML_SP_KEY_FILE",
            "AMTSWEG_SAML_SP_CERT_FILE",
            "AMTSWEG_SAML_IDP_METADATA_FILE",
            "AMTSWEG_SAML_XMLSEC_BINARY",
        ):
            value = getattr(settings, name)
            if not value or not Path(value).is_file():
                errors.append(
                    Error(
                        f"AMTSWEG_SAML_ENABLED verlangt {name} (Datei nicht gefunden: {value!r}).",
                        id="login_providers.E004",
                    )
                )
    return errors
