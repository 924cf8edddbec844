"""Addresses of other systems that Amtsweg calls (event receivers, payment providers).

Staff enter them in the admin; before one is stored it is checked here. With
``AMTSWEG_EVENTS_ALLOW_PRIVATE=false`` (recommended when partners are reached over the internet) only
``https://`` addresses of public hosts are accepted, so the admin cannot be used to make the server call
into its own network; with ``true`` (default: development, tests, partners in the own network) ``http://``
and private addresses are allowed too.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def outbound_url_check(url: str) -> str:
    """``url`` without surrounding blanks when Amtsweg may call it; else ``ValidationError`` (German)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    allow_private = settings.AMTSWEG_EVENTS_ALLOW_PRIVATE
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError(
            _("Bitte geben Sie eine vollständige Adresse an, die mit https:// beginnt.")
            if not allow_private
            else _("Bitte geben Sie eine vollständige Adresse an, die mit https:// oder http:// beginnt.")
        )
    if parts.username or parts.password:
        raise ValidationError(_("Die Adresse darf keine Zugangsdaten enthalten."))
    if allow_private:
        return url
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as error:
        raise ValidationError(
            _("Der Rechner „%(host)s“ ist nicht bekannt.") % {"host": parts.hostname}
        ) from error
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            raise ValidationError(
                _("Die Adresse zeigt auf ein internes Netz (%(ip)s); das ist nicht erlaubt.") % {"ip": ip}
            )
    return url
