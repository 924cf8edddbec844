"""Plugin: DeutschlandID/BundID login via SAML 2.0 (pysaml2).

Switched on by ``AMTSWEG_SAML_ENABLED``. The service provider signs its AuthnRequest (redirect binding),
accepts only signed responses to requests it sent (POST binding to the ACS) and maps the assertion's
AuthnContextClassRef (STORK-QAA-Level-1…4, eIDAS levels) to the trust level through the documented table.

The ACS receives a cross-site POST, which does not carry the Lax session cookie; so the request id and the
return address travel in a signed, short-lived RelayState, and each request id is accepted only once.

Login CSRF: a signed RelayState alone would let an attacker start a login in their own browser and make a
victim's browser post the attacker's response to the ACS (the victim is then logged into the attacker's
account). So the login is bound to the browser that started it: ``start`` sets a random nonce in a cookie of
its own (HttpOnly, only for the ACS path, ``SameSite=None; Secure`` over HTTPS so the IdP's cross-site POST
carries it) and writes its hash into the signed RelayState; the ACS refuses a response whose RelayState does
not match the nonce of the posting browser.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_PERSISTENT, AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext

from amtsweg.accounts.providers.base import (
    DEFAULT_TRUST_TABLE,
    LoginProvider,
    TrustLevel,
    login_providers,
    map_trust_level,
    provider_url,
    url_name,
)
from amtsweg.accounts.providers.oidc import default_next_url, login_error
from amtsweg.accounts.providers.services import ExternalLoginError, ExternalProfile, external_identity_login

if TYPE_CHECKING:
    from saml2.config import SPConfig

logger = logging.getLogger(__name__)
PROVIDER_ID = "deutschlandid"
RELAY_SALT = "amtsweg.login_providers.saml.relay"
RELAY_MAX_AGE = 15 * 60
BROWSER_COOKIE = "amtsweg_saml_browser"
#: The AuthnContextClassRef requested for a minimum trust level (BundID's STORK levels).
REQUESTED_CONTEXT = {
    TrustLevel.BASIS: "STORK-QAA-Level-1",
    TrustLevel.SUBSTANTIAL: "STORK-QAA-Level-3",
    TrustLevel.HIGH: "STORK-QAA-Level-4",
}
ATTRIBUTES = {
    "first_name": ("givenName", "urn:oid:2.5.4.42"),
    "last_name": ("sn", "surname", "urn:oid:2.5.4.4"),
    "email": ("mail", "urn:oid:0.9.2342.19200300.100.1.3"),
}


class DeutschlandIdProvider(LoginProvider):
    id = PROVIDER_ID

    def display_name(self, settings: Any) -> str:
        return str(settings.AMTSWEG_SAML_DISPLAY_NAME)

    def enabled(self, settings: Any) -> bool:
        return bool(settings.AMTSWEG_SAML_ENABLED)

    def trust_levels(self, settings: Any) -> tuple[TrustLevel, ...]:
        return tuple(TrustLevel)

    def start_url_name(self) -> str:
        return url_name("saml_start")


login_providers.register(DeutschlandIdProvider.id)(DeutschlandIdProvider())

assert set(REQUESTED_CONTEXT.values()) <= set(DEFAULT_TRUST_TABLE)  # noqa: S101 - table consistency


def _require_enabled() -> None:
    if not login_providers[PROVIDER_ID].enabled(django_settings):
        raise Http404(_("Diese Anmeldung wird hier nicht angeboten."))


def sp_config(request: HttpRequest) -> SPConfig:
    s = django_settings
    # The addresses registered at the IdP are the German ones, also when a page under /en/ asks.
    with translation.override("de"):
        acs = request.build_absolute_uri(provider_url("saml_acs"))
        entity_id = s.AMTSWEG_SAML_SP_ENTITY_ID or request.build_absolute_uri(provider_url("saml_metadata"))
    keypair = {"key_file": s.AMTSWEG_SAML_SP_KEY_FILE, "cert_file": s.AMTSWEG_SAML_SP_CERT_FILE}
    from saml2.config import SPConfig  # pysaml2's client and schemas: 0.6 s of imports, only for SAML logins

    config = SPConfig()
    config.load(
        {
            "entityid": entity_id,
            "xmlsec_binary": s.AMTSWEG_SAML_XMLSEC_BINARY,
            "service": {
                "sp": {
                    "name": str(s.AMTSWEG_SITE_NAME),
                    "endpoints": {"assertion_consumer_service": [(acs, BINDING_HTTP_POST)]},
                    "authn_requests_signed": True,
                    "want_response_signed": True,
                    "allow_unsolicited": False,
                    "name_id_format": NAMEID_FORMAT_PERSISTENT,
                }
            },
            **keypair,
            "encryption_keypairs": [keypair],
            "metadata": {"local": [s.AMTSWEG_SAML_IDP_METADATA_FILE]},
            "allow_unknown_attributes": True,
        }
    )
    return config


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """Our SP metadata, to be registered at the identity provider."""
    _require_enabled()
    from saml2.metadata import entity_descriptor

    return HttpResponse(str(entity_descriptor(sp_config(request))), content_type="text/xml; charset=utf-8")


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    try:
        minimum = TrustLevel(request.GET.get("stufe", TrustLevel.BASIS.value))
    except ValueError:
        minimum = TrustLevel.BASIS
    from saml2.client import Saml2Client

    client = Saml2Client(config=sp_config(request))
    identity_providers = list(client.metadata.identity_providers())
    if not identity_providers:
        return login_error(request, _("Der Anmeldedienst ist nicht eingerichtet."), status=503)
    request_id = f"id-{secrets.token_hex(16)}"
    # One nonce per browser (kept while it is valid, so two tabs may log in at the same time).
    nonce = request.COOKIES.get(BROWSER_COOKIE, "")
    if not (32 <= len(nonce) <= 64 and nonce.isalnum()):
        nonce = secrets.token_hex(24)
    relay = signing.dumps({"id": request_id, "next": next_url, "browser": _digest(nonce)}, salt=RELAY_SALT)
    _request_id, info = client.prepare_for_authenticate(
        entityid=identity_providers[0],
        relay_state=relay,
        binding=BINDING_HTTP_REDIRECT,
        message_id=request_id,
        requested_authn_context=RequestedAuthnContext(
            authn_context_class_ref=[AuthnContextClassRef(text=REQUESTED_CONTEXT[minimum])],
            comparison="minimum",
        ),
    )
    response = HttpResponseRedirect(dict(info["headers"])["Location"])
    with translation.override("de"):
        acs_path = provider_url("saml_acs")
    # The IdP posts cross-site: only a SameSite=None cookie reaches the ACS there, and browsers accept that
    # only with Secure – over HTTPS, and on loopback addresses, which browsers treat as secure even over
    # HTTP (the demo and a developer's IdP on another port of 127.0.0.1 / localhost).
    secure = request.is_secure() or _is_loopback(request.get_host())
    response.set_cookie(
        BROWSER_COOKIE,
        nonce,
        max_age=RELAY_MAX_AGE,
        path=acs_path,
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
    )
    return response


def _is_loopback(host: str) -> bool:
    name = split_domain_port(host)[0].strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _digest(nonce: str) -> str:
    return hashlib.sha256(f"amtsweg.saml.browser:{nonce}".encode()).hexdigest()


def _same_browser(request: HttpRequest, relay: dict[str, Any]) -> bool:
    """Was the login that ``relay`` belongs to started in the browser that posts the answer?"""
    nonce = request.COOKIES.get(BROWSER_COOKIE, "")
    expected = str(relay.get("browser") or "")
    return bool(nonce and expected and constant_time_compare(_digest(nonce), expected))


def _first(ava: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for name in names:
        values = ava.get(name) or []
        if values:
            return str(values[0])
    return ""


def _refused() -> str:
    return _(
        "Die Anmeldung mit der DeutschlandID konnte nicht bestätigt werden: Die Antwort des Anmeldedienstes "
        "war ungültig, nicht unterschrieben oder abgelaufen. Bitte starten Sie die Anmeldung erneut."
    )


@csrf_exempt  # The IdP posts cross-site; the signed response and the one-time request id protect the ACS.
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    _require_enabled()
    saml_response = request.POST.get("SAMLResponse", "")
    try:
        relay = signing.loads(request.POST.get("RelayState", ""), salt=RELAY_SALT, max_age=RELAY_MAX_AGE)
    except signing.BadSignature:
        return login_error(request, _refused())
    if not saml_response or not isinstance(relay, dict):
        return login_error(request, _refused())
    if not _same_browser(request, relay):
        logger.warning("SAML-Antwort abgelehnt: Anmeldung wurde in einem anderen Browser begonnen")
        return login_error(
            request,
            _(
                "Die Anmeldung mit der DeutschlandID wurde nicht in diesem Browser begonnen. Bitte starten "
                "Sie die Anmeldung hier erneut."
            ),
        )
    from saml2.client import Saml2Client

    client = Saml2Client(config=sp_config(request))
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={relay["id"]: relay.get("next", "")}
        )
    except Exception as error:  # pysaml2 raises many unrelated types for a bad response
        logger.warning("SAML-Antwort abgelehnt: %s: %s", type(error).__name__, error)
        return login_error(request, _refused())
    if response is None:
        return login_error(request, _refused())
    # Each AuthnRequest may be answered once: a replayed response is refused.
    if not _first_answer(str(relay["id"])):
        return login_error(request, _refused())
    classes = [authn_class for authn_class, _authorities, _instant in response.authn_info()]
    level = map_trust_level(classes, django_settings.AMTSWEG_SAML_TRUST_MAP, TrustLevel.BASIS)
    ava: dict[str, list[str]] = response.ava or {}
    name_id = response.name_id
    profile = ExternalProfile(
        subject=str(getattr(name_id, "text", "") or ""),
        email=_first(ava, ATTRIBUTES["email"]),
        email_verified=False,  # the account is keyed by the NameID; the e-mail is confirmed separately
        first_name=_first(ava, ATTRIBUTES["first_name"]),
        last_name=_first(ava, ATTRIBUTES["last_name"]),
    )
    try:
        external_identity_login(request, provider=PROVIDER_ID, profile=profile, level=level)
    except ExternalLoginError as error:
        return login_error(request, str(error), status=403)
    return HttpResponseRedirect(relay.get("next") or default_next_url())


def _first_answer(request_id: str) -> bool:
    """Record that ``request_id`` was answered; False when it had been answered before (replay)."""
    import datetime

    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from amtsweg.accounts.providers.models import AnsweredSamlRequest

    # Requests older than the relay lifetime can no longer be answered at all: forget them.
    AnsweredSamlRequest.objects.filter(
        answered_at__lt=timezone.now() - datetime.timedelta(seconds=RELAY_MAX_AGE * 2)
    ).delete()
    try:
        with transaction.atomic():
            AnsweredSamlRequest.objects.create(request_id=request_id[:200])
    except IntegrityError:
        return False
    return True
