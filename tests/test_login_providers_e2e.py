"""Login providers end to end against real identity providers started in a second process.

- OpenID Connect: a Django project with django-oauth-toolkit (tests/idp/oidc_provider), RSA key made here.
- DeutschlandID: a pysaml2 identity provider (tests/idp/saml_idp), keys, certificates and metadata made here
  and exchanged through files; signatures by xmlsec1.

Our side is driven with Django's test client, the provider side with urllib (cookies, no automatic redirects),
so every HTTP hop of the real flows happens and nothing of ours is mocked.
"""

from __future__ import annotations

import base64
import html
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from typing import Any

import pytest
from django.test import Client

from amtsweg.accounts.providers import saml
from amtsweg.accounts.providers.base import provider_url
from amtsweg.accounts.providers.models import ExternalIdentity
from amtsweg.accounts.providers.testing import (
    XMLSEC_MISSING,
    OidcProviderInfo,
    SamlIdpInfo,
    oidc_provider,
    saml_idp,
    xmlsec_available,
)
from amtsweg.accounts.providers.trust import SESSION_KEY
from amtsweg.core.models import AuditEntry

NEEDS_XMLSEC = pytest.mark.skipif(not xmlsec_available(), reason=XMLSEC_MISSING)


# --- helpers --------------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """The identity-provider side of a browser: cookies, forms, redirects returned to the caller."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location header, body)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = html.unescape(value.group(1) if value else "")
    return fields


def local_path(url: str) -> str:
    """Our side answers at http://testserver/… in the test client."""
    parts = urllib.parse.urlsplit(url)
    assert parts.netloc == "testserver", url
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


def session_level(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- OpenID Connect -------------------------------------------------------------------------------------


OIDC_USERS = {
    "erika": {
        "password": "Test-Passwort-Erika-1",
        "email": "erika@example.org",
        "first_name": "Erika",
        "last_name": "Beispiel",
        "acr": "http://eidas.europa.eu/LoA/substantial",
    }
}


@pytest.fixture(scope="module")
def oidc_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProviderInfo]:
    folder = tmp_path_factory.mktemp("oidc")
    with oidc_provider(folder, OIDC_USERS, ["http://testserver/konto/anmelden/oidc/rueckkehr/"]) as info:
        yield info


@pytest.fixture
def oidc_enabled(settings: Any, oidc_idp: OidcProviderInfo) -> OidcProviderInfo:
    oidc_idp.configure(settings)
    return oidc_idp


def oidc_login_at_provider(authorize_url: str, username: str, password: str) -> str:
    """Log in at the provider like a browser would; returns the redirect back to us (with code and state)."""
    browser = Browser()
    status, location, _ = browser.request(authorize_url)
    assert status == 302, status
    login_url = urllib.parse.urljoin(authorize_url, location)
    status, _, page = browser.request(login_url)
    assert status == 200
    fields = hidden_fields(page)
    status, location, page = browser.request(
        login_url, {**fields, "username": username, "password": password}
    )
    assert status == 302, page
    status, location, page = browser.request(urllib.parse.urljoin(authorize_url, location))
    assert status == 302, page
    assert location.startswith("http://testserver/"), location
    return location


@pytest.mark.django_db
def test_oidc_login_links_identity_and_records_trust_level(oidc_enabled: OidcProviderInfo) -> None:
    client = Client()
    start = client.get(provider_url("oidc_start"), {"next": "/leistungen/"})
    assert start.status_code == 302
    assert start["Location"].startswith(f"{oidc_enabled.base}/o/authorize/")

    back = oidc_login_at_provider(start["Location"], "erika", OIDC_USERS["erika"]["password"])
    response = client.get(local_path(back))

    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/leistungen/"
    identity = ExternalIdentity.objects.select_related("user").get(provider="oidc")
    assert identity.last_trust_level == "substanziell"
    assert client.session["_auth_user_id"] == str(identity.user.pk)
    assert session_level(client) == "substanziell"
    assert identity.user.first_name == "Erika"
    assert identity.user.email == "erika@example.org"
    assert not identity.user.has_usable_password()
    assert AuditEntry.objects.filter(action="login_provider.linked").count() == 1

    # A second login with the same identity uses the same account.
    second = Client()
    start = second.get(provider_url("oidc_start"))
    back = oidc_login_at_provider(start["Location"], "erika", OIDC_USERS["erika"]["password"])
    assert second.get(local_path(back)).status_code == 302
    assert second.session["_auth_user_id"] == str(identity.user.pk)
    assert ExternalIdentity.objects.count() == 1


@pytest.mark.django_db
def test_oidc_callback_with_foreign_state_is_refused(oidc_enabled: OidcProviderInfo) -> None:
    victim = Client()
    start = victim.get(provider_url("oidc_start"))
    back = oidc_login_at_provider(start["Location"], "erika", OIDC_USERS["erika"]["password"])

    # An attacker's browser (no matching state in its session) replays the redirect ...
    attacker = Client()
    response = attacker.get(local_path(back))
    assert response.status_code == 400
    assert "gehört zu keiner Anmeldung" in response.content.decode()
    assert "_auth_user_id" not in attacker.session

    # ... and a forged state in the right browser is refused too.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)
    forged = victim.get(provider_url("oidc_callback"), {"code": query["code"][0], "state": "gefaelscht"})
    assert forged.status_code == 400
    assert "_auth_user_id" not in victim.session
    assert not ExternalIdentity.objects.exists()


# --- DeutschlandID (SAML) -------------------------------------------------------------------------------


SAML_USERS = {
    "eid-nutzer": {
        "password": "Test-Passwort-eID-1",
        "name_id": "bpk2-test-0001",
        "authn_context": "STORK-QAA-Level-4",
        "attributes": {"givenName": ["Max"], "sn": ["Muster"], "mail": ["max@example.org"]},
    },
    "elster-nutzer": {
        "password": "Test-Passwort-Elster-1",
        "name_id": "bpk2-test-0002",
        "authn_context": "STORK-QAA-Level-3",
        "attributes": {"givenName": ["Mia"], "sn": ["Muster"]},
    },
    "unsigniert": {
        "password": "Test-Passwort-Unsigniert-1",
        "name_id": "bpk2-test-0003",
        "authn_context": "STORK-QAA-Level-4",
        "attributes": {"givenName": ["Ohne"], "sn": ["Unterschrift"]},
        "unsigned": True,
    },
}


@pytest.fixture(scope="module")
def running_saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SamlIdpInfo]:
    if not xmlsec_available():
        pytest.skip(XMLSEC_MISSING)
    with saml_idp(tmp_path_factory.mktemp("saml"), SAML_USERS) as info:
        yield info


@pytest.fixture
def saml_enabled(settings: Any, running_saml_idp: SamlIdpInfo) -> SamlIdpInfo:
    running_saml_idp.configure(settings)
    metadata = Client().get(provider_url("saml_metadata"))
    assert metadata.status_code == 200
    assert b"AssertionConsumerService" in metadata.content
    running_saml_idp.trust_sp(metadata.content)
    return running_saml_idp


def saml_login_at_idp(client: Client, username: str, next_url: str = "") -> dict[str, str]:
    """Start on our side, log in at the IdP; returns the auto-submit form (SAMLResponse, RelayState)."""
    start = client.get(provider_url("saml_start"), {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content.decode()
    browser = Browser()
    status, _, page = browser.request(start["Location"])
    assert status == 200, page
    fields = hidden_fields(page)
    status, _, page = browser.request(
        urllib.parse.urljoin(start["Location"], "/login"),
        {**fields, "username": username, "password": SAML_USERS[username]["password"]},
    )
    assert status == 200, page
    action = re.search(r'action="([^"]+)"', page)
    assert action is not None
    assert local_path(html.unescape(action.group(1))) == provider_url("saml_acs")
    return hidden_fields(page)


def cross_site_post(starter: Client) -> Client:
    """The browser that started the login, as the IdP's cross-site POST reaches the ACS: without the Lax
    session cookie, with the login's own ``SameSite=None`` cookie."""
    browser = Client()
    cookie = starter.cookies[saml.BROWSER_COOKIE]
    assert cookie["httponly"]
    assert cookie["path"] == provider_url("saml_acs")
    browser.cookies[saml.BROWSER_COOKIE] = cookie.value
    return browser


@NEEDS_XMLSEC
@pytest.mark.django_db
@pytest.mark.parametrize(("username", "level"), [("eid-nutzer", "hoch"), ("elster-nutzer", "substanziell")])
def test_deutschlandid_login_records_mapped_trust_level(
    saml_enabled: SamlIdpInfo, username: str, level: str
) -> None:
    client = Client()
    form = saml_login_at_idp(client, username, next_url="/leistungen/")
    # The IdP's page posts cross-site: the Lax session cookie is not sent, the login's own cookie is.
    browser_post = cross_site_post(client)
    response = browser_post.post(provider_url("saml_acs"), form)

    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/leistungen/"
    identity = ExternalIdentity.objects.select_related("user").get(provider="deutschlandid")
    assert identity.subject == SAML_USERS[username]["name_id"]
    assert identity.last_trust_level == level
    assert browser_post.session["_auth_user_id"] == str(identity.user.pk)
    assert session_level(browser_post) == level
    assert identity.user.first_name == SAML_USERS[username]["attributes"]["givenName"][0]

    # The same response cannot be used a second time.
    replay = cross_site_post(client).post(provider_url("saml_acs"), form)
    assert replay.status_code == 400


@NEEDS_XMLSEC
@pytest.mark.django_db
@pytest.mark.parametrize("victim_started_own_login", [False, True])
def test_login_csrf_an_attackers_response_does_not_log_in_another_browser(
    saml_enabled: SamlIdpInfo, victim_started_own_login: bool
) -> None:
    """The attacker logs in at the IdP and lets the victim's browser post the answer (login CSRF)."""
    attacker = Client()
    form = saml_login_at_idp(attacker, "elster-nutzer")
    victim = Client()
    if victim_started_own_login:
        assert victim.get(provider_url("saml_start")).status_code == 302
    victim_post = cross_site_post(victim) if victim_started_own_login else Client()
    response = victim_post.post(provider_url("saml_acs"), form)
    assert response.status_code == 400
    assert "nicht in diesem Browser begonnen" in response.content.decode()
    assert "_auth_user_id" not in victim_post.session
    assert not ExternalIdentity.objects.exists()
    # The attacker's own browser could still finish the login it started.
    assert cross_site_post(attacker).post(provider_url("saml_acs"), form).status_code == 302


def tampered(saml_response: str) -> str:
    xml = base64.b64decode(saml_response).decode()
    assert "STORK-QAA-Level-3" in xml
    return base64.b64encode(xml.replace("STORK-QAA-Level-3", "STORK-QAA-Level-4").encode()).decode()


@NEEDS_XMLSEC
@pytest.mark.django_db
def test_tampered_deutschlandid_response_is_refused(saml_enabled: SamlIdpInfo) -> None:
    starter = Client()
    form = saml_login_at_idp(starter, "elster-nutzer")
    client = cross_site_post(starter)
    response = client.post(provider_url("saml_acs"), {**form, "SAMLResponse": tampered(form["SAMLResponse"])})
    assert response.status_code == 400
    assert "konnte nicht bestätigt werden" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()


@NEEDS_XMLSEC
@pytest.mark.django_db
def test_unsigned_deutschlandid_response_is_refused(saml_enabled: SamlIdpInfo) -> None:
    starter = Client()
    form = saml_login_at_idp(starter, "unsigniert")
    client = cross_site_post(starter)
    response = client.post(provider_url("saml_acs"), form)
    assert response.status_code == 400
    assert "nicht unterschrieben" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="x" Version="2.0"
 IssueInstant="2026-01-01T00:00:00Z">&lol9;</samlp:Response>"""


@NEEDS_XMLSEC
@pytest.mark.django_db
def test_entity_expansion_in_deutschlandid_response_is_refused(saml_enabled: SamlIdpInfo) -> None:
    starter = Client()
    form = saml_login_at_idp(starter, "elster-nutzer")
    payload = base64.b64encode(BILLION_LAUGHS.encode()).decode()
    response = cross_site_post(starter).post(provider_url("saml_acs"), {**form, "SAMLResponse": payload})
    assert response.status_code == 400
    assert "konnte nicht bestätigt werden" in response.content.decode()
    assert not ExternalIdentity.objects.exists()
