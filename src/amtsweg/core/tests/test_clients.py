"""The client address behind a reverse proxy: one helper for every per-client limit and the audit."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from amtsweg.core.clients import client_address


def _address(remote: str, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings: SettingsWrapper) -> None:
    settings.AMTSWEG_TRUSTED_PROXIES = []
    assert _address("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert _address("", "198.51.100.1") == "unbekannt"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        # Entries left of the last untrusted hop were written by the client and are not believed.
        ("127.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.7", "198.51.100.1"),
        ("10.1.2.3", "[2001:db8::5]:443", "2001:db8::5"),
        # Not from a trusted proxy: the header is anyone's word.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # A Unix socket has no peer address.
        ("", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "kein-ip, ", "127.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_client_is_the_last_untrusted_hop(
    settings: SettingsWrapper, remote: str, forwarded: str, client: str
) -> None:
    settings.AMTSWEG_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8", "unix"]
    assert _address(remote, forwarded) == client
