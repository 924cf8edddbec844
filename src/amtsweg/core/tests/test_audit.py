"""The audit trail notices every change an attacker with database access could make quietly."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from amtsweg.core.audit import AUDIT_LANES, _heads_ensure, audit_record, audit_verify_chain, lane_genesis
from amtsweg.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lane_heads() -> None:
    """The lane heads the migration creates (every test here has the database). A test with a committed
    database that ran before in the same process has flushed them; without this, a test that writes its
    entries by hand (``_append``) found only the lane it created itself, and the verification rightly
    reported the others as deleted."""
    _heads_ensure()


def _chain(length: int = 4) -> list[AuditEntry]:
    return [
        audit_record(actor=None, action="test.step", changes={"schritt": n}, source="Test")
        for n in range(length)
    ]


def _verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify-audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


def test_untouched_chain_verifies() -> None:
    entries = _chain()
    assert list(audit_verify_chain()) == []
    assert AuditChainHead.objects.get(pk=1).last_hash == entries[-1].entry_hash
    assert _verify() == (0, "Protokoll unversehrt: 4 Einträge geprüft.\n")


def test_empty_log_verifies() -> None:
    assert list(audit_verify_chain()) == []
    assert _verify()[0] == 0


def test_entry_cannot_be_changed_or_deleted_through_the_model() -> None:
    entry = _chain(1)[0]
    entry.action = "test.other"
    with pytest.raises(ValueError, match="nicht geändert"):
        entry.save()
    with pytest.raises(ValueError, match="nicht gelöscht"):
        entry.delete()


def test_modified_entry_is_detected() -> None:
    entries = _chain()
    AuditEntry.objects.filter(pk=entries[1].pk).update(changes={"schritt": 99})
    breaks = list(audit_verify_chain())
    assert [(b.entry_id, b.reason) for b in breaks] == [(entries[1].pk, "Inhalt verändert")]
    code, message = _verify()
    assert code == 1
    assert f"Eintrag {entries[1].pk}: Inhalt verändert" in message


def test_deleted_middle_entry_is_detected() -> None:
    entries = _chain()
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    breaks = list(audit_verify_chain())
    assert [b.entry_id for b in breaks] == [entries[3].pk]
    assert "Vorgänger-Hash" in breaks[0].reason
    assert _verify()[0] == 1


def test_deleted_first_entry_is_detected() -> None:
    entries = _chain()
    AuditEntry.objects.filter(pk=entries[0].pk).delete()
    assert [b.entry_id for b in audit_verify_chain()] == [entries[1].pk]


def test_deleted_newest_entry_is_detected() -> None:
    entries = _chain()
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    breaks = list(audit_verify_chain())
    assert len(breaks) == 1
    assert "neueste Einträge gelöscht" in breaks[0].reason
    code, message = _verify()
    assert code == 1
    assert "neueste Einträge gelöscht" in message


def test_deleting_every_entry_is_detected() -> None:
    _chain()
    AuditEntry.objects.all().delete()
    assert len(list(audit_verify_chain())) == 1


def test_deleted_chain_head_is_detected() -> None:
    _chain()
    AuditChainHead.objects.all().delete()
    assert [b.reason for b in audit_verify_chain()] == [
        "Kettenkopf fehlt (Zeile der Protokollkette gelöscht)"
    ]


def test_chain_continues_after_verification() -> None:
    _chain(2)
    list(audit_verify_chain())
    _chain(2)
    assert list(audit_verify_chain()) == []


# ---- lanes (decision 0022) -------------------------------------------------------------------------------


def _next_id() -> int:
    """The id a writer would get: from the table's sequence on PostgreSQL (as ``audit_record`` draws it, so
    that a later ``audit_record`` does not draw the same id), the next after the largest on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('core_auditentry', 'id'))")
            return int(cursor.fetchone()[0])
    return int(AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _append(lane: int | None, step: int, *, head: bool = True, entry_id: int | None = None) -> AuditEntry:
    """An entry as a writer leaves it in ``lane`` (on PostgreSQL when the lower lanes are held by other
    transactions; SQLite serialises all writers onto lane 1). ``lane=None``: an entry as Amtsweg wrote
    them before the lanes (single chain, hashed without id and lane). ``head=False``: the head row is
    left alone, as an attacker who inserts an entry would."""
    chain = lane or 1
    AuditChainHead.objects.get_or_create(pk=chain, defaults={"last_hash": lane_genesis(chain)})
    entry = AuditEntry(
        id=entry_id or _next_id(),
        lane=lane,
        occurred_at=timezone.now(),
        actor_label="System",
        action="test.step",
        changes={"schritt": step},
        source="Test",
        previous_hash=AuditChainHead.objects.get(pk=chain).last_hash,
    )
    if lane is None:  # entries from before the actor kinds and lanes
        entry.actor_kind = ""
    entry.entry_hash = entry.compute_hash()
    entry.save(force_insert=True)
    if head:
        AuditChainHead.objects.filter(pk=chain).update(last_hash=entry.entry_hash)
    return entry


def _lanes() -> list[AuditEntry]:
    """Interleaved entries in lanes 1, 2 and 3 (ordered by id)."""
    audit_record(actor=None, action="test.step", changes={"schritt": 0}, source="Test")
    return [
        AuditEntry.objects.get(),
        *(_append(lane, step) for step, lane in enumerate([2, 3, 2, 1, 3, 2], start=1)),
    ]


def _reasons() -> list[tuple[int | None, str]]:
    return [(b.entry_id, b.reason) for b in audit_verify_chain()]


def test_new_entries_carry_their_lane_and_are_hashed_with_their_id() -> None:
    entry = audit_record(actor=None, action="test.step", source="Test")
    assert entry.lane == 1
    assert entry.previous_hash == lane_genesis(1)
    assert AuditChainHead.objects.count() == AUDIT_LANES
    AuditEntry.objects.filter(pk=entry.pk).update(id=entry.pk + 100)  # moved to another place
    assert _reasons() == [(entry.pk + 100, "Inhalt verändert")]


def test_interleaved_lanes_verify() -> None:
    entries = _lanes()
    assert {e.lane for e in entries} == {1, 2, 3}
    assert _reasons() == []
    assert _verify() == (0, "Protokoll unversehrt: 7 Einträge geprüft.\n")


def test_changed_entry_in_a_lane_is_detected() -> None:
    entries = _lanes()
    AuditEntry.objects.filter(pk=entries[3].pk).update(changes={"schritt": 99})
    assert _reasons() == [(entries[3].pk, "Inhalt verändert")]


def test_entry_moved_to_another_lane_is_detected() -> None:
    entries = _lanes()
    AuditEntry.objects.filter(pk=entries[3].pk).update(lane=3)  # a lane-2 entry, now between lane-3 ones
    assert (entries[3].pk, "Inhalt verändert") in _reasons()
    assert entries[6].pk in {entry_id for entry_id, _ in _reasons()}  # lane 2 lost its predecessor


def test_deleted_entry_in_a_lane_is_detected() -> None:
    entries = _lanes()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()  # first of lane 2
    assert _reasons() == [
        (entries[3].pk, "Vorgänger-Hash passt nicht (Eintrag gelöscht, eingefügt oder verschoben)")
    ]


def test_deleted_newest_entry_of_a_lane_is_detected() -> None:
    entries = _lanes()
    AuditEntry.objects.filter(pk=entries[5].pk).delete()  # newest of lane 3
    assert _reasons() == [
        (
            entries[2].pk,
            "Kettenkopf verweist auf einen fehlenden Eintrag (neueste Einträge gelöscht) (Kette 3)",
        )
    ]
    code, message = _verify()
    assert code == 1
    assert "(Kette 3)" in message


def test_deleted_lane_with_all_its_entries_is_detected() -> None:
    entries = _lanes()
    AuditEntry.objects.filter(lane=3).delete()
    assert _reasons() == [(None, "Kette ist leer, ihr Kopf verweist aber auf Einträge (gelöscht) (Kette 3)")]
    AuditChainHead.objects.filter(pk=3).delete()
    assert _reasons() == [(None, "Kettenkopf fehlt (Zeile der Protokollkette gelöscht) (Kette 3)")]
    assert entries


def test_entry_inserted_at_the_end_of_a_lane_is_detected() -> None:
    _lanes()
    forged = _append(2, 99, head=False)  # correctly hashed and chained, but not through audit_record
    assert _reasons() == [(forged.pk, "Eintrag hinter dem Kettenkopf (eingefügt) (Kette 2)")]


def test_entry_inserted_between_two_entries_is_detected() -> None:
    first = audit_record(actor=None, action="test.step", source="Test")
    second = _append(1, 1, entry_id=first.pk + 10)  # ids may have gaps (rolled back transactions)
    # A correctly hashed entry in the gap; it cannot point at ``first`` (``second`` already does, and
    # previous hashes are unique), and ``second`` does not point at it.
    forged = AuditEntry(
        id=first.pk + 1, lane=1, occurred_at=timezone.now(), action="test.forged", previous_hash="f" * 64
    )
    forged.entry_hash = forged.compute_hash()
    forged.save(force_insert=True)
    broken = "Vorgänger-Hash passt nicht (Eintrag gelöscht, eingefügt oder verschoben)"
    assert _reasons() == [(forged.pk, broken), (second.pk, broken)]


def test_entries_from_before_the_lanes_still_verify_and_the_chain_continues() -> None:
    # An installation from before 0022 after the migration: one chain of entries without lane in lane 1.
    old = [_append(None, step) for step in range(3)]
    assert _reasons() == []
    new = audit_record(actor=None, action="test.step", source="Test")
    assert (new.lane, new.previous_hash) == (1, old[-1].entry_hash)
    assert _reasons() == []
    AuditEntry.objects.filter(pk=old[1].pk).update(changes={"schritt": 42})
    assert _reasons() == [(old[1].pk, "Inhalt verändert")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_to_different_lanes_without_waiting() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Gleichzeitige Transaktionen prüft nur PostgreSQL (SQLite serialisiert alle Schreibzugriffe)."
        )
    # The lanes' head rows come with the migration; a transactional test before this one flushed them, and
    # two writers creating them at once would wait for each other.
    _heads_ensure()
    holding, finished = threading.Event(), threading.Event()
    lanes: dict[str, Any] = {}

    def hold_lane() -> None:
        try:
            with transaction.atomic():
                lanes["first"] = audit_record(actor=None, action="test.first", source="Test").lane
                holding.set()
                # Keeps its lane locked until the other writer is done (or gives up after a while).
                lanes["other_done_meanwhile"] = finished.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_lane)
    thread.start()
    assert holding.wait(timeout=30)
    second = audit_record(actor=None, action="test.second", source="Test")
    finished.set()
    thread.join()
    assert lanes["other_done_meanwhile"] is True  # the second writer did not wait for the first
    assert second.lane != lanes["first"]
    assert _reasons() == []
