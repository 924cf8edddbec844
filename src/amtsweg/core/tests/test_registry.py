"""Typed registries: the extension points plugins register themselves in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from amtsweg.core.registry import Registry, RegistryError


def test_register_and_look_up() -> None:
    channels: Registry[Callable[[str], str]] = Registry("Zustellweg")

    @channels.register("email")
    def send_email(text: str) -> str:
        return f"E-Mail: {text}"

    @channels.register("brief")
    def send_letter(text: str) -> str:
        return f"Brief: {text}"

    assert channels["email"]("Bescheid") == "E-Mail: Bescheid"
    assert "brief" in channels
    assert "fax" not in channels
    assert len(channels) == 2
    assert [name for name, _ in channels] == ["brief", "email"]


def test_registering_an_id_twice_fails_and_keeps_the_first() -> None:
    providers: Registry[str] = Registry("Anmeldedienst")
    providers.register("bundid")("erster")
    with pytest.raises(RegistryError, match="Anmeldedienst 'bundid' ist bereits registriert"):
        providers.register("bundid")("zweiter")
    assert providers["bundid"] == "erster"


def test_unknown_id_names_the_kind() -> None:
    providers: Registry[str] = Registry("Anmeldedienst")
    with pytest.raises(RegistryError, match="Unbekanntes Anmeldedienst: 'elster'"):
        providers["elster"]
    assert issubclass(RegistryError, LookupError)
