"""Writes to the organisation data (authorities, org units, locations, opening hours)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from amtsweg.access.permissions import can_edit_organisation, require
from amtsweg.core.audit import audit_record
from amtsweg.tenants.models import Authority


def _authority_of(obj: models.Model) -> Authority:
    if isinstance(obj, Authority):
        return obj
    if hasattr(obj, "authority"):
        return obj.authority
    if hasattr(obj, "location"):
        return obj.location.authority
    return obj.municipality  # type: ignore[attr-defined]


@transaction.atomic
def organisation_save(
    *, actor: Any, obj: models.Model, changed: list[str] | None = None, source: str = ""
) -> None:
    """Validate and save one organisation record, with permission check and audit entry."""
    authority = _authority_of(obj)
    require(can_edit_organisation(actor, authority))
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    audit_record(
        actor=actor,
        action=f"tenants.{obj._meta.model_name}.{'created' if created else 'changed'}",
        obj=obj,
        changes={name: str(getattr(obj, name, "")) for name in (changed or [])},
        authority_id=authority.pk,
        source=source,
    )


@transaction.atomic
def organisation_delete(*, actor: Any, obj: models.Model, source: str = "") -> None:
    authority = _authority_of(obj)
    require(can_edit_organisation(actor, authority))
    audit_record(
        actor=actor,
        action=f"tenants.{obj._meta.model_name}.deleted",
        obj=obj,
        authority_id=authority.pk if authority.pk != getattr(obj, "pk", None) else None,
        source=source,
    )
    obj.delete()
