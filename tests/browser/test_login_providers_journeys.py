"""Login with external providers in Chromium, through our site and the real identity providers.

Both providers run in a second process (see amtsweg.accounts.providers.testing). The DeutschlandID answer
comes back as a cross-site form POST, so the journey also proves that the ACS works without our
(SameSite=Lax) session cookie. axe-core checks the pages of the login providers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from amtsweg.accounts.providers.base import provider_url
from amtsweg.accounts.providers.testing import (
    XMLSEC_MISSING,
    OidcProviderInfo,
    SamlIdpInfo,
    oidc_provider,
    saml_idp,
    xmlsec_available,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

OIDC_USERS = {
    "jonas": {
        "password": "Test-Passwort-Jonas-1",
        "email": "jonas@example.org",
        "first_name": "Jonas",
        "last_name": "Beispiel",
        "acr": "substanziell",
    }
}
SAML_USERS = {
    "eid-nutzerin": {
        "password": "Test-Passwort-eID-2",
        "name_id": "bpk2-browser-0001",
        "authn_context": "STORK-QAA-Level-4",
        "attributes": {"givenName": ["Lena"], "sn": ["Beispiel"]},
    }
}


def _expect() -> Callable[..., Any]:
    from playwright.sync_api import expect

    return expect


@pytest.fixture(scope="module")
def oidc_idp(tmp_path_factory: pytest.TempPathFactory, live_server: LiveServer) -> Iterator[OidcProviderInfo]:
    callback = f"{live_server.url}/konto/anmelden/oidc/rueckkehr/"
    with oidc_provider(tmp_path_factory.mktemp("oidc"), OIDC_USERS, [callback]) as info:
        yield info


@pytest.fixture(scope="module")
def running_saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SamlIdpInfo]:
    if not xmlsec_available():
        pytest.skip(XMLSEC_MISSING)
    with saml_idp(tmp_path_factory.mktemp("saml"), SAML_USERS) as info:
        yield info


def _trust_page(session: Any, level: str) -> str:
    return session.url(f"{provider_url('trust_required')}?stufe={level}&next=/")


def test_oidc_login_in_the_browser(
    session: Any, settings: Any, oidc_idp: OidcProviderInfo, axe_check: Callable[[Page, str], str]
) -> None:
    from amtsweg.accounts.providers.models import ExternalIdentity

    expect = _expect()
    oidc_idp.configure(settings)
    settings.AMTSWEG_OIDC_DISPLAY_NAME = "Mit Servicekonto anmelden"
    page = session.page
    page.goto(_trust_page(session, "substanziell"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Für diese Leistung ist eine sicherere Anmeldung nötig"
    )
    problems = axe_check(page, "Vertrauensniveau nötig")
    assert not problems, problems

    page.get_by_role("link", name="Mit Servicekonto anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test-Anmeldedienst (OpenID Connect)")
    page.locator("#id_username").fill("jonas")
    page.locator("#id_password").fill(OIDC_USERS["jonas"]["password"])
    page.get_by_role("button", name="Anmelden").click()

    expect(page).to_have_url(re.compile(r"^" + re.escape(session.url("/")) + r"$"))
    identity = ExternalIdentity.objects.select_related("user").get(provider="oidc")
    assert identity.last_trust_level == "substanziell"

    page.goto(_trust_page(session, "hoch"))
    expect(page.locator("main")).to_contain_text(
        "Sie sind im Moment mit dem Vertrauensniveau „substanziell“ angemeldet."
    )


def test_deutschlandid_login_in_the_browser(
    session: Any, settings: Any, running_saml_idp: SamlIdpInfo, live_server: LiveServer
) -> None:
    from amtsweg.accounts.providers.models import ExternalIdentity

    expect = _expect()
    running_saml_idp.configure(settings)
    metadata = session.context.request.get(session.url(provider_url("saml_metadata")))
    assert metadata.ok
    running_saml_idp.trust_sp(metadata.body())

    page = session.page
    page.goto(_trust_page(session, "hoch"))
    page.get_by_role("link", name="Mit DeutschlandID anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test-DeutschlandID")
    page.get_by_label("Benutzername").fill("eid-nutzerin")
    page.get_by_label("Passwort").fill(SAML_USERS["eid-nutzerin"]["password"])
    page.get_by_role("button", name="Anmelden").click()

    # The IdP's page posts the signed answer to our ACS by itself.
    expect(page).to_have_url(re.compile(r"^" + re.escape(session.url("/")) + r"$"))
    identity = ExternalIdentity.objects.select_related("user").get(provider="deutschlandid")
    assert identity.last_trust_level == "hoch"
    assert identity.user.first_name == "Lena"
    page.goto(_trust_page(session, "hoch"))
    expect(page.locator("main")).to_contain_text(
        "Sie sind im Moment mit dem Vertrauensniveau „hoch“ angemeldet."
    )


def test_refused_login_page_is_accessible(
    session: Any, settings: Any, oidc_idp: OidcProviderInfo, axe_check: Callable[[Page, str], str]
) -> None:
    expect = _expect()
    oidc_idp.configure(settings)
    page = session.page
    response = page.goto(session.url(f"{provider_url('oidc_callback')}?code=x&state=fremd"))
    assert response is not None
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung nicht möglich")
    expect(page.get_by_role("alert")).to_contain_text("gehört zu keiner Anmeldung")
    problems = axe_check(page, "Anmeldung nicht möglich")
    assert not problems, problems
