"""Writes to the OZG reference data (Themenfelder, Lebenslagen, OZG-Leistungen, LeiKa entries).

Reference data arrives in bulk from the KDN catalogue (thousands of LeiKa rows), so it is written
with ``bulk_create``/``bulk_update`` and audited with one summary entry per import run instead of
one entry per row. Service rows are not written here: they go through :mod:`amtsweg.catalog.services`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from amtsweg.access.permissions import can_edit_reference, require
from amtsweg.catalog.hooks import services_changed
from amtsweg.catalog.models import Lebenslage, LeikaEntry, OzgLeistung, Service, Themenfeld
from amtsweg.catalog.pagecache import catalogue_changed
from amtsweg.catalog.tasks import rebuild_search_index
from amtsweg.core.audit import audit_record

BATCH_SIZE = 500
REFERENCE_MODELS: tuple[type[models.Model], ...] = (Themenfeld, Lebenslage, OzgLeistung, LeikaEntry)
# The search index holds the names of Lebenslagen and OZG-Leistungen of each service.
_INDEXED = (Lebenslage, OzgLeistung)


@dataclass
class ReferenceChanges:
    """New and changed rows of one reference model; ``fields`` are the columns to update."""

    model: type[models.Model]
    create: list[Any] = field(default_factory=list)
    update: list[Any] = field(default_factory=list)
    fields: Sequence[str] = ()


@transaction.atomic
def reference_data_save(
    *, actor: Any, changes: Sequence[ReferenceChanges], summary: dict[str, Any], source: str = ""
) -> None:
    """Write the changes in the given order (parents first) and one audit entry with ``summary``.

    New rows may point at new parents created earlier in the same call; Django fills in the
    foreign keys once the parents have their primary keys.
    """
    require(can_edit_reference(actor))
    for change in changes:
        if change.model not in REFERENCE_MODELS:
            raise ValueError(f"{change.model.__name__} ist keine Referenztabelle")
        manager = change.model._default_manager
        if change.create:
            manager.bulk_create(change.create, batch_size=BATCH_SIZE)
        if change.update:
            manager.bulk_update(change.update, list(change.fields), batch_size=BATCH_SIZE)
    audit_record(actor=actor, action="catalog.reference.imported", changes=summary, source=source)
    catalogue_changed()  # bulk writes send no signals
    if any(c.model in _INDEXED and c.update for c in changes) and Service.objects.exists():
        rebuild_search_index.enqueue()
        services_changed(None)  # names of Lebenslagen are part of what other apps index
