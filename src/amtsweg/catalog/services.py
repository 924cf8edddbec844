"""Writes to the catalogue. Views, admin, importers and commands all go through these functions.

Each function checks permission, changes data, writes the audit entry and enqueues follow-up
work (search index) in the same transaction, so the task is durable exactly when the data is.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from amtsweg.access import permissions
from amtsweg.access.permissions import can_edit_catalog, require
from amtsweg.catalog.hooks import services_changed
from amtsweg.catalog.models import Lebenslage, Responsibility, Service, ServiceVersion
from amtsweg.catalog.responsibility_checks import responsibility_check
from amtsweg.catalog.tasks import rebuild_search_index
from amtsweg.catalog.validators import normalize_leika_key
from amtsweg.core.audit import audit_record
from amtsweg.core.text import slugify_de

SNAPSHOT_EXCLUDE = {"id", "created_at", "updated_at", "version"}
M2M_FIELDS = {"lebenslagen"}


def service_snapshot(service: Service) -> dict[str, Any]:
    """A JSON-serialisable picture of a service, as stored in its version history."""
    data = model_to_dict(service, exclude=list(SNAPSHOT_EXCLUDE | M2M_FIELDS))
    data["lebenslagen"] = sorted(service.lebenslagen.values_list("code", flat=True)) if service.pk else []
    return {
        key: (str(value) if not isinstance(value, str | int | bool | list | None) else value)
        for key, value in data.items()
    }


REINDEX_ALL_ABOVE = 500


def search_reindex_enqueue(service_ids: list[int] | None) -> None:
    """Queue one search index rebuild (inside the caller's transaction, so it is durable with the data).

    Large batches rebuild the whole index: one pass is cheaper than a long id list.
    """
    ids = None if service_ids is None or len(service_ids) > REINDEX_ALL_ABOVE else sorted(set(service_ids))
    rebuild_search_index.enqueue(service_ids=ids)
    # Apps built on the catalogue (the assistant's embeddings) enqueue their work in the same transaction.
    services_changed(ids)


def _actor_name(actor: Any) -> str:
    return "System" if actor is None else str(actor.get_username())


def _unique_slug(name: str, exclude_pk: int = 0) -> str:
    base = slugify_de(name, max_length=90)
    slug, n = base, 2
    while Service.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(service: Service, data: dict[str, Any]) -> list[Lebenslage] | None:
    lebenslagen = data.pop("lebenslagen", None)
    if "leika_key" in data:
        data["leika_key"] = normalize_leika_key(data["leika_key"] or "")
    for field, value in data.items():
        setattr(service, field, value)
    return lebenslagen


def _record_version(
    *, actor: Any, service: Service, before: dict[str, Any] | None, source: str
) -> ServiceVersion:
    after = service_snapshot(service)
    changed = sorted(k for k in after if before is None or before.get(k) != after.get(k))
    version = ServiceVersion.objects.create(
        service=service,
        number=service.version,
        created_by=_actor_name(actor),
        data=after,
        changed_fields=changed,
    )
    audit_record(
        actor=actor,
        action="catalog.service.created" if before is None else "catalog.service.changed",
        obj=service,
        changes={k: after.get(k) for k in changed} if before is not None else {"version": service.version},
        authority_id=service.owner_id,
        source=source,
    )
    return version


@transaction.atomic
def service_create(*, actor: Any, data: dict[str, Any], source: str = "", reindex: bool = True) -> Service:
    """Create a service; ``data`` holds model field values (``lebenslagen`` as a list).

    Bulk callers pass ``reindex=False`` and enqueue one :func:`search_reindex_enqueue` at the end.
    """
    data = dict(data)
    owner = data["owner"]
    require(can_edit_catalog(actor, owner))
    service = Service()
    lebenslagen = _apply(service, data)
    if not service.slug:
        service.slug = _unique_slug(service.name)
    if not service.external_id:
        service.external_id = service.slug
    service.version = 1
    service.full_clean()
    service.save()
    if lebenslagen is not None:
        service.lebenslagen.set(lebenslagen)
    _record_version(actor=actor, service=service, before=None, source=source)
    if reindex:
        search_reindex_enqueue([service.pk])
    return service


@transaction.atomic
def service_update(
    *, actor: Any, service: Service, data: dict[str, Any], source: str = "", reindex: bool = True
) -> bool:
    """Change a service. Returns False (and records nothing) when nothing changed."""
    require(can_edit_catalog(actor, service.owner))
    if "owner" in data:
        require(can_edit_catalog(actor, data["owner"]))
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = service_snapshot(service)
    lebenslagen = _apply(service, dict(data))
    service.full_clean()
    after_fields = service_snapshot(service)
    if lebenslagen is not None:
        after_fields["lebenslagen"] = sorted(lebenslage.code for lebenslage in lebenslagen)
    if after_fields == before:
        return False
    service.version += 1
    service.save()
    if lebenslagen is not None:
        service.lebenslagen.set(lebenslagen)
    _record_version(actor=actor, service=service, before=before, source=source)
    if reindex:
        search_reindex_enqueue([service.pk])
    return True


@transaction.atomic
def service_delete(*, actor: Any, service: Service, source: str = "") -> None:
    require(can_edit_catalog(actor, service.owner))
    audit_record(
        actor=actor,
        action="catalog.service.deleted",
        obj=service,
        changes=service_snapshot(service),
        authority_id=service.owner_id,
        source=source,
    )
    service.delete()


def can_edit_responsibility(actor: Any, rule: Responsibility) -> bool:
    """:func:`amtsweg.access.permissions.can_edit_responsibility` for one (saved or new) rule."""
    return permissions.can_edit_responsibility(actor, rule.service.owner_id, rule.municipality_id)


@transaction.atomic
def responsibility_save(
    *, actor: Any, responsibility: Responsibility, locations: list[Any] | None = None, source: str = ""
) -> Responsibility:
    """Create or change a responsibility rule (validated, audited).

    Besides its own fields the rule must lead citizens to the right place (unit, locations, an authority
    that offers the service: :func:`~amtsweg.catalog.responsibility_checks.responsibility_check`).
    A town's Fachadmin may save the rules for its own town also for services of the Kreis; a changed rule
    is checked in its stored and its new form.
    """
    require(can_edit_responsibility(actor, responsibility))
    created = responsibility.pk is None
    if not created:
        stored = Responsibility.objects.select_related("service").get(pk=responsibility.pk)
        require(can_edit_responsibility(actor, stored))
    responsibility.full_clean()
    current = list(responsibility.locations.all()) if not created else []
    responsibility_check(responsibility, list(locations) if locations is not None else current)
    responsibility.save()
    if locations is not None:
        responsibility.locations.set(locations)
    audit_record(
        actor=actor,
        action="catalog.responsibility.created" if created else "catalog.responsibility.changed",
        obj=responsibility,
        changes={
            "municipality": responsibility.municipality_id,
            "authority": responsibility.authority_id,
            "org_unit": responsibility.org_unit_id,
            "org_unit_function": responsibility.org_unit_function,
            "locations": sorted(loc.pk for loc in responsibility.locations.all()),
            "contact_in_municipality": responsibility.contact_in_municipality,
        },
        authority_id=responsibility.service.owner_id,
        source=source,
    )
    return responsibility


@transaction.atomic
def responsibility_delete(*, actor: Any, responsibility: Responsibility, source: str = "") -> None:
    require(can_edit_responsibility(actor, responsibility))
    audit_record(
        actor=actor,
        action="catalog.responsibility.deleted",
        obj=responsibility,
        authority_id=responsibility.service.owner_id,
        source=source,
    )
    responsibility.delete()
