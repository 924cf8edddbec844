"""Catalogue writes: versions, audit, permission and the search index kept up to date by the worker."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from amtsweg.access.testing import staff_create
from amtsweg.catalog.models import SearchTerm, Service, ServiceVersion
from amtsweg.catalog.search import search_services
from amtsweg.catalog.services import service_create, service_delete, service_update
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db
User = get_user_model()


def _create(kreis: Authority, name: str = "Hundesteuer anmelden", **extra: object) -> Service:
    data: dict[str, object] = {
        "owner": kreis,
        "name": name,
        "short_text": "Wer einen Hund hält, meldet ihn bei der Gemeinde an.",
        "keywords": ["Hund", "Hundemarke"],
    }
    data.update(extra)
    return service_create(actor=None, data=data)


def test_create_records_first_version_and_audit(kreis: Authority) -> None:
    service = _create(kreis, leika_key="99 102 013 104 000")
    assert service.slug == "hundesteuer-anmelden"
    assert service.leika_key == "99102013104000"
    version = ServiceVersion.objects.get(service=service)
    assert version.number == 1
    assert version.data["name"] == "Hundesteuer anmelden"
    assert AuditEntry.objects.filter(action="catalog.service.created", object_id=str(service.pk)).exists()


def test_update_creates_new_version_with_changed_fields(kreis: Authority) -> None:
    service = _create(kreis)
    changed = service_update(actor=None, service=service, data={"fees": "Keine Gebühr."})
    assert changed is True
    service.refresh_from_db()
    assert service.version == 2
    latest = service.versions.first()
    assert latest is not None
    assert latest.number == 2
    assert latest.changed_fields == ["fees"]
    entry = AuditEntry.objects.filter(action="catalog.service.changed").get()
    assert entry.changes == {"fees": "Keine Gebühr."}
    assert list(audit_verify_chain()) == []


def test_update_without_change_records_nothing(kreis: Authority) -> None:
    service = _create(kreis)
    assert service_update(actor=None, service=service, data={"name": service.name}) is False
    assert service.versions.count() == 1


def test_invalid_leika_key_is_rejected_with_german_message_and_nothing_written(kreis: Authority) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(kreis, leika_key="12345")
    assert "kein gültiger LeiKa-Schlüssel" in str(excinfo.value)
    assert not Service.objects.exists()
    assert not AuditEntry.objects.exists()


def test_staff_without_permission_cannot_change_the_catalogue(kreis: Authority) -> None:
    service = _create(kreis)
    clerk = staff_create("sachbearbeitung", kreis, "sachbearbeitung")
    with pytest.raises(PermissionDenied):
        service_update(actor=clerk, service=service, data={"fees": "10 Euro"})
    service.refresh_from_db()
    assert service.version == 1


def test_staff_with_catalogue_role_can_change_it(kreis: Authority) -> None:
    service = _create(kreis)
    editor = staff_create("redaktion", kreis, "fachadministration")
    assert service_update(actor=editor, service=service, data={"fees": "10 Euro"})
    assert AuditEntry.objects.filter(action="catalog.service.changed", actor=editor).exists()


def test_worker_rebuilds_the_search_index_after_a_change(
    kreis: Authority, run_tasks: Callable[[], None]
) -> None:
    service = _create(kreis)
    run_tasks()
    assert [hit.service for hit in search_services("Hundemarke")] == [service]
    service_update(actor=None, service=service, data={"keywords": ["Vierbeiner"]})
    # Before the worker ran, the index still holds the old words ...
    assert [hit.service for hit in search_services("Vierbeiner")] == []
    run_tasks()
    # ... afterwards the new ones, and the old keyword is gone.
    assert [hit.service for hit in search_services("Vierbeiner")] == [service]
    assert search_services("Hundemarke") == []


def test_deleted_service_leaves_the_index(kreis: Authority, run_tasks: Callable[[], None]) -> None:
    service = _create(kreis)
    run_tasks()
    service_delete(actor=None, service=service)
    assert not SearchTerm.objects.exists()
    assert AuditEntry.objects.filter(action="catalog.service.deleted").exists()


def test_a_bulk_import_queues_one_index_rebuild_not_one_per_service(
    kreis: Authority, tmp_path: Path, run_tasks: Callable[[], None]
) -> None:
    from django_tasks_db.models import DBTaskResult

    from amtsweg.catalog.hooks import service_change_hooks
    from amtsweg.catalog.importers.jsonl import import_catalogue_jsonl

    lines = [
        {
            "id": f"test-{n}",
            "name": f"Leistung Nummer {n}",
            "description": "Ein Text.",
            "leika": None,
            "keywords": [],
        }
        for n in range(25)
    ]
    path = tmp_path / "katalog.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    import_catalogue_jsonl(path, owner=kreis)
    # One index rebuild; apps registered in catalog.hooks may add one task each (the assistant's embeddings).
    tasks = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks.count("amtsweg.catalog.tasks.rebuild_search_index") == 1
    assert len(tasks) == 1 + len(service_change_hooks)
    run_tasks()
    assert len(search_services("Leistung Nummer")) == 20  # the configured page size
