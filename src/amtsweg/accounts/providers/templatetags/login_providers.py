from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

from amtsweg.accounts.providers.base import enabled_providers

register = template.Library()


@register.simple_tag(takes_context=True)
def external_login_providers(context: dict[str, Any]) -> list[dict[str, str]]:
    """The enabled external providers as name + start URL (keeping a safe ``next`` of the login page)."""
    request = context.get("request")
    next_url = request.GET.get("next", "") if request is not None else ""
    if request is None or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return [
        {"id": provider.id, "name": provider.display_name(settings), "url": provider.start_url(next_url)}
        for provider in enabled_providers(settings, external_only=True)
    ]
