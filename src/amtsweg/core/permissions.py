"""The one helper core keeps: turning a denied check into ``PermissionDenied``.

The checks themselves live in :mod:`amtsweg.access.permissions` (roles scoped to authority and unit).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Dafür fehlt Ihnen die Berechtigung."))
