"""Per-process caches of configuration that is read on every submission but rarely changes.

A lookup such as "which FIT-Connect forwarding applies to this service" or "what is the fee of this
form version" is cached in the memory of each process, keyed on the current token of its area in
:class:`~amtsweg.core.models.ConfigVersion`. Saving or deleting a model of that area (admin, domain
functions, imports – anything that sends Django's model signals) writes a new token in the same
transaction, so every process sees the change with its next lookup after the commit: no time-based
expiry, a deactivated forwarding never sends one more submission out. Reading the token is one primary
key lookup instead of the (joined) queries of the lookup itself.

Writes that bypass model signals (``QuerySet.update``, ``bulk_create``) must call :func:`bump`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

MAX_ENTRIES = 10_000  # per area; the cache is emptied when it grows beyond (many form versions)

_lock = threading.Lock()
_entries: dict[str, tuple[str, dict[Hashable, Any]]] = {}


def current_token(area: str) -> str | None:
    from amtsweg.core.models import ConfigVersion

    return ConfigVersion.objects.filter(name=area).values_list("token", flat=True).first()


def bump(area: str) -> None:
    """Announce a change of ``area``: every process drops its cached lookups of it on the next read."""
    from amtsweg.core.models import ConfigVersion

    ConfigVersion.objects.update_or_create(name=area, defaults={"token": uuid.uuid4().hex})


def cached[T](area: str, key: Hashable, load: Callable[[], T]) -> T:
    """The value of ``load()`` for ``key``, from this process's memory while ``area`` is unchanged."""
    token = current_token(area)  # read before the data: the data is then at least as new as the token
    if token is None:
        return load()  # no token yet: nothing can announce a change, so nothing is kept
    with _lock:
        entry = _entries.get(area)
        if entry is None or entry[0] != token:
            entry = (token, {})
            _entries[area] = entry
        values = entry[1]
        if key in values:
            return values[key]
    value = load()
    with _lock:
        if len(values) >= MAX_ENTRIES:
            values.clear()
        values[key] = value
    return value


def watch(area: str, *models: type[Model]) -> None:
    """Bump ``area`` whenever one of ``models`` is saved or deleted (call from ``AppConfig.ready``)."""

    def changed(sender: type[Model], **kwargs: Any) -> None:
        bump(area)

    for model in models:
        uid = f"amtsweg.core.configcache:{area}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
