"""Plugin: generic OpenID Connect login (mozilla-django-oidc), e.g. for a Servicekonto of a Land.

Switched on by ``AMTSWEG_OIDC_ENABLED``; the trust level comes from the ``acr`` claim (or the claim
named in ``AMTSWEG_OIDC_TRUST_CLAIM``) through the documented table.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import global_settings
from django.conf import settings as django_settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from amtsweg.accounts.models import User
from amtsweg.accounts.providers.base import (
    LoginProvider,
    TrustLevel,
    login_providers,
    map_trust_level,
    url_name,
)
from amtsweg.accounts.providers.services import ExternalLoginError, ExternalProfile, external_identity_login

logger = logging.getLogger(__name__)
PROVIDER_ID = "oidc"


class OidcProvider(LoginProvider):
    id = PROVIDER_ID

    def display_name(self, settings: Any) -> str:
        return str(settings.AMTSWEG_OIDC_DISPLAY_NAME)

    def enabled(self, settings: Any) -> bool:
        return bool(settings.AMTSWEG_OIDC_ENABLED)

    def trust_levels(self, settings: Any) -> tuple[TrustLevel, ...]:
        return tuple(TrustLevel)

    def start_url_name(self) -> str:
        return url_name("oidc_start")


login_providers.register(OidcProvider.id)(OidcProvider())


def claims_trust_level(claims: dict[str, Any]) -> TrustLevel:
    raw = claims.get(django_settings.AMTSWEG_OIDC_TRUST_CLAIM)
    values = [str(value) for value in raw] if isinstance(raw, list) else ([str(raw)] if raw else [])
    return map_trust_level(
        values,
        django_settings.AMTSWEG_OIDC_TRUST_MAP,
        TrustLevel(django_settings.AMTSWEG_OIDC_DEFAULT_TRUST_LEVEL),
    )


def oidc_setting(attr: str, *args: Any) -> Any:
    """mozilla-django-oidc's settings, with the callback URL name wherever the provider URLs are mounted."""
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return url_name("oidc_callback")
    return import_from_settings(attr, *args)


class AmtswegOidcBackend(OIDCAuthenticationBackend):
    """Links the OIDC subject to a local account through ExternalIdentity (never by e-mail)."""

    request: HttpRequest
    get_settings = staticmethod(oidc_setting)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID-Token ist nicht für diesen Client ausgestellt.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        userinfo: dict[str, Any] = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") not in (None, payload.get("sub")):
            raise ExternalLoginError(_("Der Anmeldedienst hat widersprüchliche Angaben übermittelt."))
        claims = {**payload, **userinfo}
        profile = ExternalProfile(
            subject=str(payload.get("sub", "")),
            email=str(claims.get("email", "")),
            email_verified=bool(claims.get("email_verified", False)),
            first_name=str(claims.get("given_name", "")),
            last_name=str(claims.get("family_name", "")),
        )
        return external_identity_login(
            self.request, provider=PROVIDER_ID, profile=profile, level=claims_trust_level(claims)
        )


def _require_enabled() -> None:
    if not login_providers[PROVIDER_ID].enabled(django_settings):
        raise Http404(_("Diese Anmeldung wird hier nicht angeboten."))


def default_next_url() -> str:
    """Where a login without ``next`` ends: LOGIN_REDIRECT_URL when the project sets it, else home."""
    if django_settings.LOGIN_REDIRECT_URL != global_settings.LOGIN_REDIRECT_URL:
        return str(resolve_url(django_settings.LOGIN_REDIRECT_URL))
    return "/"


def login_error(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "login_providers/error.html", {"message": message}, status=status)


class OidcStartView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _require_enabled()
        # The redirect URI registered at the provider is the German one, also when starting from /en/.
        with translation.override("de"):
            response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response


class OidcCallbackView(View):
    """Return from the provider: check state, exchange the code, link the identity, log in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_enabled()
        states: dict[str, dict[str, Any]] = request.session.get("oidc_states", {})
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if state else None
        request.session["oidc_states"] = states
        if request.GET.get("error"):
            return login_error(
                request, _("Die Anmeldung wurde abgebrochen oder vom Anmeldedienst abgelehnt.")
            )
        if entry is None or not request.GET.get("code"):
            return login_error(
                request,
                _(
                    "Diese Rückmeldung des Anmeldedienstes gehört zu keiner Anmeldung, die Sie hier begonnen "
                    "haben. Bitte starten Sie die Anmeldung erneut."
                ),
            )
        next_url = request.session.pop("oidc_login_next", None) or default_next_url()
        backend = AmtswegOidcBackend()
        try:
            with translation.override("de"):  # same redirect URI as in the authorization request
                user = backend.authenticate(
                    request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
                )
        except ExternalLoginError as error:
            return login_error(request, str(error), status=403)
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            logger.warning("OIDC-Anmeldung abgelehnt: %s", error)
            return login_error(
                request, _("Die Antwort des Anmeldedienstes war ungültig. Bitte versuchen Sie es erneut.")
            )
        except requests.RequestException as error:
            logger.warning("OIDC-Anbieter nicht erreichbar: %s", error)
            return login_error(
                request,
                _("Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut."),
                status=502,
            )
        if user is None:
            return login_error(request, _("Die Anmeldung ist fehlgeschlagen. Bitte versuchen Sie es erneut."))
        return HttpResponseRedirect(next_url)
