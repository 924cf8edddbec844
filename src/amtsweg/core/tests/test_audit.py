"""The audit trail notices every change an attacker with database access could make quietly."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from amtsweg.core.audit import audit_record, audit_verify_chain
from amtsweg.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


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
    assert AuditChainHead.objects.get().last_hash == entries[-1].entry_hash
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
