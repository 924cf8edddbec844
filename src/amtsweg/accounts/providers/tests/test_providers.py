"""Registry, trust levels on the session, the trust-level decorator and disabled plugins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory

from amtsweg.accounts.providers.base import (
    TrustLevel,
    enabled_providers,
    login_providers,
    map_trust_level,
    parse_trust_map,
    provider_url,
)
from amtsweg.accounts.providers.trust import SESSION_KEY, require_trust_level, trust_level


@require_trust_level("substanziell")
def protected(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Antrag")


def test_registry_holds_local_and_both_plugins() -> None:
    assert {"local", "oidc", "deutschlandid"} <= {identifier for identifier, _ in login_providers}
    assert login_providers["local"].trust_levels(None) == (TrustLevel.BASIS,)


def test_plugins_are_off_by_default(settings: Any) -> None:
    ids = [provider.id for provider in enabled_providers(settings, external_only=True)]
    assert ids == []


def test_enabled_plugins_are_offered(settings: Any) -> None:
    settings.AMTSWEG_OIDC_ENABLED = True
    settings.AMTSWEG_SAML_ENABLED = True
    assert [provider.id for provider in enabled_providers(settings, external_only=True)] == [
        "deutschlandid",
        "oidc",
    ]


@pytest.mark.parametrize(
    ("values", "extra", "expected"),
    [
        (["STORK-QAA-Level-1"], "", TrustLevel.BASIS),
        (["STORK-QAA-Level-3"], "", TrustLevel.SUBSTANTIAL),
        (["STORK-QAA-Level-4"], "", TrustLevel.HIGH),
        (["http://eidas.europa.eu/LoA/substantial"], "", TrustLevel.SUBSTANTIAL),
        (["unbekannt"], "", TrustLevel.BASIS),
        (["urn:example:loa:2"], "urn:example:loa:2=hoch", TrustLevel.HIGH),
        (["STORK-QAA-Level-1", "STORK-QAA-Level-4"], "", TrustLevel.HIGH),
    ],
)
def test_trust_table(values: list[str], extra: str, expected: TrustLevel) -> None:
    assert map_trust_level(values, extra, TrustLevel.BASIS) == expected


def test_trust_map_with_unknown_level_is_an_error() -> None:
    with pytest.raises(ValueError, match="sehr-hoch"):
        parse_trust_map("x=sehr-hoch")


@pytest.mark.django_db
def test_password_login_counts_as_basisregistrierung() -> None:
    user = get_user_model().objects.create_user("buerger", password="ein-langes-Passwort-1")
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    assert trust_level(request) == TrustLevel.BASIS


def test_anonymous_has_no_trust_level() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert trust_level(request) is None


@pytest.mark.django_db
def test_service_requiring_substanziell_explains_which_login_is_needed(settings: Any) -> None:
    settings.AMTSWEG_SAML_ENABLED = True
    user = get_user_model().objects.create_user("buerger", password="ein-langes-Passwort-1")
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/antrag/wohngeld/")
    request.user = user
    request.session = client.session

    response = protected(request)
    assert response.status_code == 302
    assert response["Location"].startswith(provider_url("trust_required"))

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "mindestens mit dem Vertrauensniveau „substanziell“" in text
    assert "Sie sind im Moment mit dem Vertrauensniveau „Basisregistrierung“ angemeldet." in text
    assert "Mit DeutschlandID anmelden" in text
    assert "stufe=substanziell" in text
    assert "next=%2Fantrag%2Fwohngeld%2F" in text

    session = client.session
    session[SESSION_KEY] = "hoch"
    session.save()
    request.session = client.session
    assert protected(request).content == b"Antrag"


@pytest.mark.django_db
def test_trust_page_drops_foreign_next(client: Client, settings: Any) -> None:
    settings.AMTSWEG_SAML_ENABLED = True
    page = client.get(provider_url("trust_required"), {"stufe": "hoch", "next": "https://boese.example/"})
    assert page.status_code == 200
    start = provider_url("saml_start")
    links = re.findall(rf'href="({re.escape(start)}[^"]*)"', page.content.decode())
    assert links == [f"{start}?stufe=hoch"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["oidc_start", "oidc_callback", "saml_start", "saml_metadata", "saml_acs"])
def test_disabled_plugin_pages_are_not_found(client: Client, name: str) -> None:
    url = provider_url(name)
    response = client.post(url) if name == "saml_acs" else client.get(url)
    assert response.status_code == 404


def test_buttons_list_only_enabled_external_providers(settings: Any) -> None:
    request = RequestFactory().get("/konto/anmelden/", {"next": "/leistungen/"})
    template = Template('{% include "login_providers/_buttons.html" %}')
    assert "data-provider" not in template.render(Context({"request": request}))

    settings.AMTSWEG_OIDC_ENABLED = True
    settings.AMTSWEG_OIDC_DISPLAY_NAME = "Mit Servicekonto.NRW anmelden"
    html = template.render(Context({"request": request}))
    assert "Mit Servicekonto.NRW anmelden" in html
    assert f'href="{provider_url("oidc_start")}?next=%2Fleistungen%2F"' in html
    assert "deutschlandid" not in html


@pytest.mark.django_db
def test_password_login_after_external_login_drops_the_higher_level() -> None:
    from django.contrib.auth import login

    user = get_user_model().objects.create_user("buerger", password="ein-langes-Passwort-1")
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = "hoch"
    session.save()
    request = RequestFactory().post("/konto/anmelden/")
    request.session = session
    request.user = user
    # The password login of the same person keeps the session data; the earlier level must not carry over.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    assert SESSION_KEY not in request.session
    assert trust_level(request) == TrustLevel.BASIS


def test_misconfigured_providers_fail_the_system_check(settings: Any) -> None:
    from amtsweg.accounts.providers.checks import login_provider_settings

    assert login_provider_settings(None) == []
    settings.AMTSWEG_OIDC_TRUST_MAP = "urn:x=ganz-hoch"
    settings.AMTSWEG_SAML_ENABLED = True
    settings.AMTSWEG_SAML_IDP_METADATA_FILE = "/nicht/vorhanden.xml"
    ids = [error.id for error in login_provider_settings(None)]
    assert "login_providers.E001" in ids
    assert "login_providers.E004" in ids


@pytest.mark.django_db
def test_login_started_in_english_returns_to_the_registered_german_address(
    client: Client, settings: Any
) -> None:
    from urllib.parse import parse_qs, urlsplit

    settings.AMTSWEG_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "amtsweg"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://anmeldung.example/authorize"
    response = client.get("/en" + provider_url("oidc_start"))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["redirect_uri"] == ["http://testserver/konto/anmelden/oidc/rueckkehr/"]
    assert query["code_challenge_method"] == ["S256"]
