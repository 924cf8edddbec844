"""Secrets of e-mail links (tokens in URL paths) stay out of the logs and out of the address bar."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from amtsweg.accounts.tests.helpers import citizen, last_link
from amtsweg.core.logredact import REDACTED, redact

SECRET = "eyJjIjo0Mn0:1vXyZ9:Ab-cD_ef0123456789"


_SAMPLE: dict[str, Any] = {
    "UUIDConverter": uuid.UUID("6a7cc34a-3244-4fa0-9477-48ec3e94767f"),
    "IntConverter": 42,
    "StringConverter": "beispiel",
    "SlugConverter": "beispiel",
}


def _token_routes() -> Iterator[tuple[str, dict[str, Any]]]:
    """Names (with namespace) of every URL pattern that takes a ``token``."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name and "token" in entry.pattern.converters:
                yield f"{namespace}{entry.name}", dict(entry.pattern.converters)

    yield from walk(get_resolver().url_patterns, "")


def test_every_link_with_a_token_is_redacted() -> None:
    routes = dict(_token_routes())
    names = sorted(routes)
    # Password reset, e-mail confirmations, invitations, access links, draft resumption, payment return.
    assert len(names) >= 6, names
    for name in names:
        # Other arguments of the link (e.g. the payment's id) get a valid value of their type.
        kwargs = {
            key: SECRET if key == "token" else converter.to_url(_SAMPLE.get(type(converter).__name__, 1))
            for key, converter in routes[name].items()
        }
        path = reverse(name, kwargs=kwargs)
        for text in (
            f'"GET {path} HTTP/1.1" 302',
            f"https://amtsweg.example.de{path}?weiter=1",
            f"Bad Request: /en{path}",
        ):
            redacted = redact(text)
            assert SECRET not in redacted, (name, redacted)
            assert REDACTED in redacted, (name, redacted)
    assert redact("GET /leistungen/hundesteuer/ HTTP/1.1") == "GET /leistungen/hundesteuer/ HTTP/1.1"


@pytest.fixture
def django_log() -> Iterator[io.StringIO]:
    """What the configured console handler of ``django.request`` writes."""
    handler = next(h for h in logging.getLogger("django.request").handlers if h.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    handler.setStream(previous)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_django_request_log_does_not_show_the_token(client: Client, django_log: io.StringIO) -> None:
    response = client.post(f"/konto/passwort-neu/{SECRET}/", {"password1": "x", "password2": "x"})
    assert response.status_code == 400
    output = django_log.getvalue()
    assert "/konto/passwort-neu/[entfernt]/" in output
    assert SECRET not in output


@pytest.mark.django_db
def test_confirmation_links_move_the_token_into_the_session(client: Client) -> None:
    client.post(
        reverse("accounts:register"),
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "email": "neu@example.org",
            "password1": "Ein-langes-Passwort-42",
            "password2": "Ein-langes-Passwort-42",
        },
    )
    link = last_link("neu@example.org")
    opened = client.get(link)
    assert opened.status_code == 302
    assert opened["Location"] == "/konto/bestaetigen/-/"
    page = client.get(opened["Location"])
    assert page.status_code == 200
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in page.content.decode()
    confirmed = client.post(opened["Location"])
    assert confirmed.status_code == 302
    assert "bestätigt" in client.get(confirmed["Location"]).content.decode()


@pytest.mark.django_db
def test_the_token_free_address_without_a_link_explains_what_to_do(client: Client) -> None:
    citizen()
    response = client.get("/konto/passwort-neu/-/")
    assert response.status_code == 400
    assert "Bitte öffnen Sie den Link aus der E-Mail noch einmal." in response.content.decode()
