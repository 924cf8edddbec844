"""Write and verify the audit trail. Every domain write calls :func:`audit_record`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from amtsweg.core.models import AuditChainHead, AuditEntry

_GENESIS = "0" * 64


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "System"
    if not getattr(actor, "is_authenticated", False):
        return "Anonym"
    return str(actor.get_username())


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    authority_id: int | None = None,
    source: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain inside the caller's transaction.

    The chain head row is locked (``select_for_update``) so two concurrent writers cannot both
    chain onto the same predecessor; the lock is held until the caller's transaction ends.
    """
    with transaction.atomic():
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": _GENESIS})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        entry = AuditEntry(
            occurred_at=timezone.now(),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=_actor_label(actor),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=str(obj)[:300] if obj is not None else "",
            authority_id_ref=authority_id,
            changes=changes or {},
            source=source[:200],
            previous_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_hash"])
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def audit_verify_chain(batch_size: int = 2000) -> Iterator[ChainBreak]:
    """Yield every place where the audit chain has been tampered with."""
    previous = _GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.previous_hash != previous:
            yield ChainBreak(entry.id, "Vorgänger-Hash passt nicht (Eintrag gelöscht oder eingefügt)")
        if entry.compute_hash() != entry.entry_hash:
            yield ChainBreak(entry.id, "Inhalt verändert")
        previous = entry.entry_hash
