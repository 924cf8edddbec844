"""Write and verify the audit trail. Every domain write calls :func:`audit_record`."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from amtsweg.core.actors import account, as_actor
from amtsweg.core.models import AuditChainHead, AuditEntry

# Concurrent writers append to different lanes (decision 0022); more lanes than writers that can hold a
# transaction open at the same time (web and worker processes), so that a writer practically never waits.
AUDIT_LANES = 16

_GENESIS = "0" * 64  # lane 1 (and the single chain from before the lanes) starts here


def lane_genesis(lane: int) -> str:
    """The "previous hash" of a lane's first entry (distinct per lane: ``previous_hash`` is unique)."""
    if lane == 1:
        return _GENESIS
    return hashlib.sha256(f"amtsweg:audit-lane:{lane}".encode()).hexdigest()


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

    The entry goes to a free lane of the chain: the lane's head row is locked (``FOR UPDATE SKIP
    LOCKED`` on PostgreSQL, so a concurrent writer takes another lane instead of waiting) until the
    caller's transaction ends. The entry's id is drawn after the lock and is part of its hash, so the
    order within a lane and across lanes is fixed (decision 0022).
    """
    # No savepoint: a failed append must abort the caller's whole change anyway, and on the hot
    # path (every submission) each round trip while the lane is locked delays the commit.
    typed = as_actor(actor)
    with transaction.atomic(savepoint=False):
        lane, previous_hash, entry_id = _lane_lock()
        entry = AuditEntry(
            id=entry_id,
            lane=lane,
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
        entry.save(force_insert=True)
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_UPDATE, [entry.entry_hash, lane])
    return entry


# A lane head is read and written on every domain write, holding its row lock until the commit; plain
# SQL keeps the ORM's query building (a noticeable share of a submission's time) out of that window.
_HEAD_TABLE = AuditChainHead._meta.db_table
_ENTRY_TABLE = AuditEntry._meta.db_table
_HEAD_UPDATE = f"UPDATE {_HEAD_TABLE} SET last_hash = %s WHERE id = %s"  # noqa: S608 – table names from models
# PostgreSQL: the first lane nobody holds, then the entry's id. The CTE is materialised so that the id is
# drawn after the lock: within a lane, ids grow in the order of the chain.
_PG_LANE_FREE = (
    f"WITH lane AS MATERIALIZED (SELECT id, last_hash FROM {_HEAD_TABLE} ORDER BY id LIMIT 1 "  # noqa: S608
    f"FOR UPDATE SKIP LOCKED) SELECT id, last_hash, nextval(pg_get_serial_sequence('{_ENTRY_TABLE}', 'id')) "
    "FROM lane"
)
_PG_LANE_WAIT = _PG_LANE_FREE.replace(
    "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", "WHERE id = %s FOR UPDATE"
)
# SQLite (and other databases): writers are serialised by the database; one lane, the next id by hand.
_OTHER_LANE = (
    f"SELECT id, last_hash, (SELECT COALESCE(MAX(id), 0) + 1 FROM {_ENTRY_TABLE}) "  # noqa: S608
    f"FROM {_HEAD_TABLE} WHERE id = 1"
)


def _lane_lock() -> tuple[int, str, int]:
    """Lock a lane until the transaction ends: its number, its newest hash and the new entry's id."""
    postgres = connection.vendor == "postgresql"
    for attempt in range(2):
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute(_PG_LANE_FREE)
            else:
                lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
                cursor.execute(_OTHER_LANE + lock)
            row = cursor.fetchone()
            if row is None and postgres and attempt:
                # Every lane is held by another transaction: wait for one of them.
                cursor.execute(_PG_LANE_WAIT, [random.randint(1, AUDIT_LANES)])  # noqa: S311 – not security
                row = cursor.fetchone()
        if row is not None:
            return int(row[0]), str(row[1]), int(row[2])
        _heads_ensure()  # a new (or flushed test) database: create the lanes
    raise RuntimeError("Protokollkette nicht verfügbar")  # pragma: no cover – the heads were just created


def _heads_ensure() -> None:
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(pk=lane, last_hash=lane_genesis(lane)) for lane in range(1, AUDIT_LANES + 1)],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class ChainBreak:
    """One place where the chain is broken; ``entry_id`` is ``None`` when no single entry is to blame."""

    entry_id: int | None
    reason: str


def _heads() -> dict[int, str]:
    return dict(AuditChainHead.objects.values_list("id", "last_hash"))


def _lane_label(lane: int) -> str:
    return "" if lane == 1 else f" (Kette {lane})"


def audit_verify_chain(batch_size: int = 2000) -> Iterator[ChainBreak]:
    """Yield every place where the audit chain has been tampered with.

    Every lane is a chain of its own: each entry must hash to its stored hash and point at the previous
    entry of its lane; each lane's head row must point at an existing entry of the lane, so that deleting
    the newest entries is noticed too, and an entry behind the head must have been appended meanwhile
    (otherwise it was inserted). The heads are read before the entries: entries appended while we read
    only extend the lanes behind them. Entries from before the lanes (no lane) form the start of lane 1.
    """
    heads = _heads()
    previous: dict[int, str] = {}
    last_id: dict[int, int] = {}
    head_seen: set[int] = set()
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        lane = entry.lane or 1
        if entry.previous_hash != previous.get(lane, lane_genesis(lane)):
            yield ChainBreak(
                entry.id, "Vorgänger-Hash passt nicht (Eintrag gelöscht, eingefügt oder verschoben)"
            )
        if entry.compute_hash() != entry.entry_hash:
            yield ChainBreak(entry.id, "Inhalt verändert")
        if heads.get(lane) == entry.entry_hash:
            head_seen.add(lane)
        previous[lane] = entry.entry_hash
        last_id[lane] = entry.id
    if not last_id:
        if any(last_hash != lane_genesis(lane) for lane, last_hash in heads.items()):
            yield ChainBreak(None, "Protokoll ist leer, der Kettenkopf verweist aber auf Einträge (gelöscht)")
        return
    now = _heads()
    if heads and set(range(1, AUDIT_LANES + 1)) - set(now):
        missing = min(set(range(1, AUDIT_LANES + 1)) - set(now))
        yield ChainBreak(None, f"Kettenkopf fehlt (Zeile der Protokollkette gelöscht){_lane_label(missing)}")
    for lane in sorted(set(heads) | set(last_id)):
        label = _lane_label(lane)
        if lane not in heads:
            if lane not in now and (not heads or lane > AUDIT_LANES):
                yield ChainBreak(None, f"Kettenkopf fehlt (Zeile der Protokollkette gelöscht){label}")
            continue
        if lane not in last_id:
            if heads[lane] != lane_genesis(lane):
                yield ChainBreak(
                    None, f"Kette ist leer, ihr Kopf verweist aber auf Einträge (gelöscht){label}"
                )
            continue
        if lane not in head_seen:
            yield ChainBreak(
                last_id[lane],
                f"Kettenkopf verweist auf einen fehlenden Eintrag (neueste Einträge gelöscht){label}",
            )
        elif previous[lane] != heads[lane] and not _appended_meanwhile(lane, now.get(lane), last_id[lane]):
            yield ChainBreak(last_id[lane], f"Eintrag hinter dem Kettenkopf (eingefügt){label}")


def _appended_meanwhile(lane: int, head_now: str | None, last_id: int) -> bool:
    """Whether a lane's head has moved past ``last_id`` since we read it: the entries behind it are new."""
    return AuditEntry.objects.filter(lane=lane, entry_hash=head_now, id__gte=last_id).exists()


def request_source(request: Any, channel: str) -> str:
    """Where a write came from, for the audit trail: the channel and the client address."""
    from amtsweg.core.clients import client_address

    address = client_address(request)
    return f"{channel} {address}".strip()
