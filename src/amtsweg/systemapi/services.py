"""Writes of the system API: API keys of specialist systems (make, revoke) and their check on each request.

A key looks like ``awk_3f9c1a2b_<43 random characters>``. Only the SHA-256 of the whole key is stored: the
key is 256 bits of randomness, so a fast hash cannot be guessed backwards (passwords need a slow hash
because people choose them; keys are not chosen). The part before the second ``_`` is stored as it is, to
find the row and to show which key is meant.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_manage_integrations, require
from amtsweg.accounts.services import rate_parse
from amtsweg.core.actors import Actor, account
from amtsweg.core.audit import audit_record
from amtsweg.systemapi.models import ApiClient
from amtsweg.tenants.models import Authority

KEY_PREFIX = "awk_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _check(actor: Any, client: ApiClient, authorities: Iterable[Authority]) -> list[Authority]:
    """The Fachadministration of the owner, and of every authority the key reaches, may do this."""
    chosen = list(authorities)
    require(
        can_manage_integrations(actor, client.owner_id),
        _("Sie dürfen die Anbindungen dieser Behörde nicht ändern."),
    )
    for authority in chosen:
        require(
            can_manage_integrations(actor, authority.pk),
            _("Sie dürfen kein Fachverfahren für „%(name)s“ zulassen.") % {"name": authority.name},
        )
    if client.rate.strip():
        try:
            rate_parse(client.rate)
        except ValueError as error:
            raise ValidationError(_("Bitte geben Sie die Anfragen je Zeitraum wie „600/m“ an.")) from error
    return chosen


def api_client_create(
    *, actor: Any, client: ApiClient, authorities: Iterable[Authority], source: str = ""
) -> tuple[ApiClient, str]:
    """Store the new ``client`` with a fresh key for ``authorities``; returns it and the key (shown once)."""
    chosen = _check(actor, client, authorities)
    if not chosen:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Behörde."))
    prefix = KEY_PREFIX + secrets.token_hex(4)
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client.key_prefix = prefix
        client.key_hash = _hash(key)
        client.created_by = account(actor)
        client.full_clean(exclude=["authorities"])
        client.save()
        client.authorities.set(chosen)
        audit_record(
            actor=actor,
            action="api_client.created",
            obj=client,
            changes={"authorities": [a.pk for a in chosen], "write": client.may_write, "key": prefix},
            authority_id=client.owner_id,
            source=source,
        )
    return client, key


def api_client_change(
    *, actor: Any, client: ApiClient, authorities: Iterable[Authority], source: str = ""
) -> ApiClient:
    """Change name, rights, rate or authorities of ``client`` (the key stays)."""
    chosen = _check(actor, client, authorities)
    if not chosen:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Behörde."))
    with transaction.atomic():
        client.full_clean(exclude=["authorities"])
        client.save()
        client.authorities.set(chosen)
        audit_record(
            actor=actor,
            action="api_client.changed",
            obj=client,
            changes={"authorities": [a.pk for a in chosen], "write": client.may_write},
            authority_id=client.owner_id,
            source=source,
        )
    return client


def api_client_revoke(*, actor: Any, client: ApiClient, source: str = "") -> ApiClient:
    """Block the key of ``client`` at once (cannot be undone; make a new key instead)."""
    require(
        can_manage_integrations(actor, client.owner_id),
        _("Sie dürfen die Anbindungen dieser Behörde nicht ändern."),
    )
    with transaction.atomic():
        locked = ApiClient.objects.select_for_update().get(pk=client.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                actor=actor,
                action="api_client.revoked",
                obj=locked,
                changes={"key": locked.key_prefix},
                authority_id=locked.owner_id,
                source=source,
            )
    client.revoked_at = locked.revoked_at
    return locked


def api_client_authenticate(key: str) -> ApiClient | None:
    """The active client whose key is ``key`` (compared in constant time), else ``None``."""
    key = (key or "").strip()
    # The random part may contain "_" itself: the prefix is "awk_" and eight hex digits.
    prefix = key[: len(KEY_PREFIX) + 8]
    if not key.startswith(KEY_PREFIX) or key[len(prefix) : len(prefix) + 1] != "_" or len(key) > 200:
        return None
    client = ApiClient.objects.filter(key_prefix=prefix).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        return None
    if client.revoked_at is not None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > datetime.timedelta(minutes=1):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def client_actor(client: ApiClient) -> Actor:
    """The typed actor of ``client``: the audit and the case history name it "Fachverfahren <name>"."""
    return Actor.client(client.pk, client.name, set(client.authorities.values_list("pk", flat=True)))
