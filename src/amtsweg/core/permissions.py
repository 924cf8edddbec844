"""Permission checks in one place. Views, API, admin and commands call these, never ad-hoc checks.

The accounts issue replaces the body of these functions with roles scoped to authority and unit;
their signatures stay.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def is_system(actor: Any) -> bool:
    """Commands and tasks act as the system (``actor=None``)."""
    return actor is None


def can_edit_catalog(actor: Any, authority: Any) -> bool:
    """May ``actor`` change catalogue entries maintained by ``authority``?"""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return bool(actor.is_staff and actor.has_perm("catalog.change_service"))


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Dafür fehlt Ihnen die Berechtigung."))


def can_edit_organisation(actor: Any, authority: Any) -> bool:
    """May ``actor`` change authorities, org units and locations of ``authority``?"""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(actor.is_superuser or (actor.is_staff and actor.has_perm("tenants.change_authority")))
