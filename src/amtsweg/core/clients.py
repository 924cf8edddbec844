"""The address of the client behind a request – one helper for every per-client limit and the audit.

Without configuration this is ``REMOTE_ADDR`` and any ``X-Forwarded-For`` header is ignored: a client
could write anything there. Behind a reverse proxy every request comes from the proxy, so
``AMTSWEG_TRUSTED_PROXIES`` names the proxies (addresses or networks, ``unix`` for a Unix socket, where
``REMOTE_ADDR`` is empty). When the direct peer is one of them, the client is the right-most address in
``X-Forwarded-For`` that is not a trusted proxy – entries further left were written by the client itself
and are never believed. The header is parsed with python-ipware (part of django-ipware): ports,
brackets, IPv4-mapped IPv6 and garbage are handled there.

An unknown address (a Unix socket without a trusted proxy) is ``"unbekannt"``, never the empty string:
per-client limits count such requests together instead of not at all.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from python_ipware.modern.parsers import split_proxy_chain, unwrap_ipv4

UNKNOWN = "unbekannt"
UNIX_SOCKET = "unix"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    unix = UNIX_SOCKET in entries
    networks = tuple(
        ipaddress.ip_network(entry, strict=False) for entry in entries if entry and entry != UNIX_SOCKET
    )
    return unix, networks


def _is_trusted(address: str) -> bool:
    unix, networks = _trusted_networks(tuple(settings.AMTSWEG_TRUSTED_PROXIES))
    try:
        ip = unwrap_ipv4(ipaddress.ip_address(address.strip()))
    except ValueError:
        # No IP address: the peer of a Unix socket ("" or a path).
        return unix
    return any(ip.version == network.version and ip in network for network in networks)


def client_address(request: Any) -> str:
    """The client's IP address as text (see the module docstring); ``"unbekannt"`` when there is none."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR", "") or "").strip()
    if not settings.AMTSWEG_TRUSTED_PROXIES or not _is_trusted(remote):
        return remote or UNKNOWN
    chain = split_proxy_chain(str(meta.get("HTTP_X_FORWARDED_FOR", "") or "")) or []
    for hop in reversed(chain):
        if not _is_trusted(str(hop)):
            return str(hop)
    if chain:
        return str(chain[0])
    return remote or UNKNOWN
