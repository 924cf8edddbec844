"""Signatures of outbound events after the Standard Webhooks scheme (https://www.standardwebhooks.com/).

Every delivery carries three headers:

``webhook-id``         the event's id (the same on every retry: receivers use it to drop duplicates)
``webhook-timestamp``  seconds since 1970 (UTC) when this attempt was signed
``webhook-signature``  ``v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``

The key is the subscription's secret ``whsec_<base64>`` with the prefix removed and base64-decoded. A
receiver recomputes the HMAC over the raw body, compares in constant time and rejects timestamps that are
more than five minutes away from its clock (replays). :func:`signature_verify` does exactly that and is
what the local event receiver uses; docs/events.md shows the same in a few lines for other languages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


def secret_new() -> str:
    """A fresh signing secret (shown once to the Fachadministration)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str) -> bytes:
    body = secret[len(PREFIX) :] if secret.startswith(PREFIX) else secret
    try:
        return base64.b64decode(body, validate=True)
    except ValueError:
        return body.encode("utf-8")


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(secret: str, message_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def signature_verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    """Is ``body`` signed with ``secret`` (header names in lower case) and fresh?"""
    message_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    if not message_id or not stamp.isdecimal():
        return False
    current = now if now is not None else time.time()
    if abs(current - int(stamp)) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, message_id, int(stamp), body)
    # The header may carry several signatures separated by blanks (while a secret is being changed).
    return any(
        hmac.compare_digest(expected, candidate) for candidate in headers.get("webhook-signature", "").split()
    )
