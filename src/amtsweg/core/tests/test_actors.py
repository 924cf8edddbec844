"""The typed actor: five kinds, told apart by the audit trail and by the permission checks."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from amtsweg.core.actors import Actor, ActorKind, account, as_actor, is_system
from amtsweg.core.audit import audit_record, audit_verify_chain
from amtsweg.core.models import AuditEntry


def test_none_is_still_the_system_but_an_anonymous_visitor_is_not() -> None:
    assert as_actor(None).kind == ActorKind.SYSTEM
    assert is_system(None)
    assert is_system(Actor.system("job"))
    assert not is_system(Actor.anonymous())
    assert not is_system(Actor.link_holder(7))
    assert as_actor(AnonymousUser()).kind == ActorKind.ANONYMOUS
    assert account(Actor.anonymous()) is None


@pytest.mark.django_db
def test_audit_entries_name_the_kind_and_keep_the_chain_valid() -> None:
    audit_record(actor=None, action="test.system")
    audit_record(actor=Actor.system("cases-retention"), action="test.job")
    audit_record(actor=Actor.anonymous("Antragsteller ohne Konto"), action="test.anonymous")
    audit_record(actor=Actor.link_holder(3), action="test.link")
    entries = {e.action: (e.actor_kind, e.actor_label) for e in AuditEntry.objects.all()}
    assert entries == {
        "test.system": ("system", "System"),
        "test.job": ("system", "System (cases-retention)"),
        "test.anonymous": ("anonymous", "Antragsteller ohne Konto"),
        "test.link": ("link", "Antragsteller (Zugangslink)"),
    }
    assert not list(audit_verify_chain())


@pytest.mark.django_db
def test_entries_written_before_the_kind_existed_still_verify() -> None:
    entry = audit_record(actor=None, action="test.old")
    # An entry of the old format: no kind, hashed without it.
    AuditEntry.objects.filter(pk=entry.pk).update(actor_kind="")
    old = AuditEntry.objects.get(pk=entry.pk)
    AuditEntry.objects.filter(pk=entry.pk).update(entry_hash=old.compute_hash())
    from amtsweg.core.models import AuditChainHead

    AuditChainHead.objects.filter(pk=1).update(last_hash=old.compute_hash())
    assert not list(audit_verify_chain())
    audit_record(actor=None, action="test.new")
    assert not list(audit_verify_chain())
