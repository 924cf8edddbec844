"""Pages of the login providers that are not part of one plugin."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from amtsweg.accounts.providers.base import TrustLevel, enabled_providers
from amtsweg.accounts.providers.trust import trust_level


@require_GET
def trust_required(request: HttpRequest) -> HttpResponse:
    """Explains that a service needs a higher trust level and which logins deliver it."""
    try:
        required = TrustLevel(request.GET.get("stufe", ""))
    except ValueError:
        required = TrustLevel.SUBSTANTIAL
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    suitable = [
        {"name": provider.display_name(settings), "url": _start_url(provider.start_url(next_url), required)}
        for provider in enabled_providers(settings)
        if any(level.satisfies(required) for level in provider.trust_levels(settings))
    ]
    return render(
        request,
        "login_providers/trust_required.html",
        {"required": required, "current": trust_level(request), "suitable": suitable, "next": next_url},
    )


def _start_url(url: str, required: TrustLevel) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}stufe={required.value}"
