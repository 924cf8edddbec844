"""``{% staff_workspaces as spaces %}``: the staff work areas the user may open (for navigation)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from amtsweg.access.models import STAFF_KIND
from amtsweg.access.permissions import Perm, has_any

register = template.Library()

STRATEGY_PERMISSIONS = (Perm.STRATEGY_VIEW, Perm.STRATEGY_MANAGE, Perm.QUICKCHECK_RATE)


@register.simple_tag(takes_context=True)
def staff_workspaces(context: template.Context) -> list[dict[str, Any]]:
    """url, label and "current" (this page belongs to it) of the back office and the strategy cockpit,
    for a user who may use them.

    Empty for citizens and for staff without a verified second factor in this session.
    """
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", None) != STAFF_KIND:
        return []
    match = getattr(request, "resolver_match", None)
    namespace = getattr(match, "namespace", "") if match is not None else ""
    spaces: list[dict[str, Any]] = []
    if has_any(user, Perm.CASE_VIEW):
        spaces.append(
            {"url": reverse("cases:inbox"), "label": _("Posteingang"), "current": namespace == "cases"}
        )
    if any(has_any(user, perm) for perm in STRATEGY_PERMISSIONS):
        spaces.append(
            {
                "url": reverse("strategy:home"),
                "label": _("Strategie-Cockpit"),
                "current": namespace == "strategy",
            }
        )
    return spaces
