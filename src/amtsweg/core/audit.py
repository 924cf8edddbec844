"""Write and verify the audit trail. Every domain write calls :func:`audit_record`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from amtsweg.core.actors import account, as_actor
from amtsweg.core.models import AuditChainHead, AuditEntry

_GENESIS = "0" * 64


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

    ``actor`` is an :class:`~amtsweg.core.actors.Actor` (``None`` and plain user objects are accepted and
    converted): the entry stores its kind, its account and its label, so the system, an anonymous
    applicant and the holder of an access link are told apart.

    The chain head row is locked (``select_for_update``) so two concurrent writers cannot both
    chain onto the same predecessor; the lock is held until the caller's transaction ends.
    """
    # No savepoint: a failed append must abort the caller's whole change anyway, and on the hot
    # path (every submission) each round trip while the head row is locked delays every writer.
    typed = as_actor(actor)
    with transaction.atomic(savepoint=False):
        previous_hash = _head_lock()
        if previous_hash is None:  # first entry ever (or a flushed test database)
            AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": _GENESIS})
            previous_hash = _head_lock() or _GENESIS
        entry = AuditEntry(
            occurred_at=timezone.now(),
            actor=account(typed),
            actor_kind=typed.kind.value,
            actor_label=typed.audit_label[:200],
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=str(obj)[:300] if obj is not None else "",
            authority_id_ref=authority_id,
            changes=changes or {},
            source=source[:200],
            previous_hash=previous_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_UPDATE, [entry.entry_hash])
    return entry


# The chain head is read and written on every domain write, holding its row lock until the commit; plain
# SQL keeps the ORM's query building (a noticeable share of a submission's time) out of that window.
_HEAD_TABLE = AuditChainHead._meta.db_table
_HEAD_UPDATE = f"UPDATE {_HEAD_TABLE} SET last_hash = %s WHERE id = 1"  # noqa: S608 – table name from the model


def _head_lock() -> str | None:
    """The chain head's hash, its row locked until the transaction ends (``None`` without a head row)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_hash FROM {_HEAD_TABLE} WHERE id = 1{lock}")  # noqa: S608 – see above
        row = cursor.fetchone()
    return str(row[0]) if row is not None else None


@dataclass(frozen=True)
class ChainBreak:
    """One place where the chain is broken; ``entry_id`` is ``None`` when no single entry is to blame."""

    entry_id: int | None
    reason: str


def _chain_head_hash() -> str | None:
    return AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()


def audit_verify_chain(batch_size: int = 2000) -> Iterator[ChainBreak]:
    """Yield every place where the audit chain has been tampered with.

    Each entry must hash to its stored hash and point at its predecessor; the chain head row must
    point at an existing entry, so that deleting the newest entries is noticed too. The head is
    read before the entries: entries appended while we read only extend the chain behind it.
    """
    head_hash = _chain_head_hash()
    head_seen = False
    previous = _GENESIS
    last_id: int | None = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.previous_hash != previous:
            yield ChainBreak(entry.id, "Vorgänger-Hash passt nicht (Eintrag gelöscht oder eingefügt)")
        if entry.compute_hash() != entry.entry_hash:
            yield ChainBreak(entry.id, "Inhalt verändert")
        head_seen = head_seen or entry.entry_hash == head_hash
        previous = entry.entry_hash
        last_id = entry.id
    if last_id is None:
        if head_hash not in (None, _GENESIS):
            yield ChainBreak(None, "Protokoll ist leer, der Kettenkopf verweist aber auf Einträge (gelöscht)")
    elif head_hash is None:
        if _chain_head_hash() is None:
            yield ChainBreak(None, "Kettenkopf fehlt (Zeile der Protokollkette gelöscht)")
    elif not head_seen:
        yield ChainBreak(
            last_id, "Kettenkopf verweist auf einen fehlenden Eintrag (neueste Einträge gelöscht)"
        )


def request_source(request: Any, channel: str) -> str:
    """Where a write came from, for the audit trail: the channel and the client address."""
    from amtsweg.core.clients import client_address

    address = client_address(request)
    return f"{channel} {address}".strip()
