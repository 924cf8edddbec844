"""Bring the Role rows in line with :data:`amtsweg.access.roles.ROLE_DEFINITIONS` (idempotent)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from amtsweg.access.roles import ROLE_DEFINITIONS


def roles_sync(role_model: Any = None) -> Counter[str]:
    """Create missing roles and update changed ones; returns counts of ``created`` and ``changed``.

    ``role_model`` is the historical model inside a data migration, else the current model. Roles no
    longer defined are left in place (assignments may point at them); the command reports them.
    """
    if role_model is None:
        from amtsweg.access.models import Role

        role_model = Role
    counts: Counter[str] = Counter()
    for definition in ROLE_DEFINITIONS:
        wanted = {
            "name": definition.name,
            "description": definition.description,
            "permissions": sorted(definition.permissions),
            "platform_wide": definition.platform_wide,
        }
        role = role_model.objects.filter(code=definition.code).first()
        if role is None:
            role_model.objects.create(code=definition.code, **wanted)
            counts["created"] += 1
        elif any(getattr(role, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(role, field, value)
            role.save()
            counts["changed"] += 1
    counts["unknown"] = role_model.objects.exclude(code__in=[d.code for d in ROLE_DEFINITIONS]).count()
    return counts
