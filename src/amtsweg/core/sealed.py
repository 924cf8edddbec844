"""Secrets that Amtsweg must store and use again (the password of a payment provider, the signing secret of
an event subscription) are kept encrypted in the database.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with the keys of ``AMTSWEG_SECRETS_KEYS``:
the first key encrypts, all of them decrypt, so a key can be changed without losing what was stored
(``amtsweg`` re-encrypts a value whenever it is saved again). Without keys one is derived from
``SECRET_KEY`` – fine for development, but in production set ``AMTSWEG_SECRETS_KEYS`` so that a new
``SECRET_KEY`` does not make stored secrets unreadable.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the configured keys (keys changed without the old one)."""


def _fernet(text: str) -> Fernet:
    digest = hashlib.sha256(b"amtsweg-sealed:" + text.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    keys = list(settings.AMTSWEG_SECRETS_KEYS) or [settings.SECRET_KEY]
    return MultiFernet([_fernet(key) for key in keys])


def seal(secret: str) -> str:
    """``secret`` encrypted for storage (empty stays empty)."""
    if not secret:
        return ""
    return _keys().encrypt(secret.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The secret stored as ``token``; raises :class:`SecretUnreadable` when no key fits."""
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as error:
        raise SecretUnreadable(
            "Ein gespeichertes Geheimnis lässt sich mit AMTSWEG_SECRETS_KEYS nicht entschlüsseln."
        ) from error
