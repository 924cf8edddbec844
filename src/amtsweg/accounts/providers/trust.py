"""The trust level (Vertrauensniveau) of the current login, kept on the session.

A service that needs a minimum level uses :func:`require_trust_level`; the page it redirects to
explains which login delivers that level.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from amtsweg.accounts.providers.base import TrustLevel, provider_url

SESSION_KEY = "amtsweg_trust_level"
PROVIDER_SESSION_KEY = "amtsweg_login_provider"


def set_trust_level(request: HttpRequest, level: TrustLevel, provider: str) -> None:
    request.session[SESSION_KEY] = level.value
    request.session[PROVIDER_SESSION_KEY] = provider


def trust_level(request: HttpRequest) -> TrustLevel | None:
    """The trust level of the current login; None when nobody is logged in.

    A login without a recorded level is the local password login: Basisregistrierung.
    """
    if not request.user.is_authenticated:
        return None
    raw = request.session.get(SESSION_KEY)
    try:
        return TrustLevel(raw) if raw else TrustLevel.BASIS
    except ValueError:
        return TrustLevel.BASIS


def has_trust_level(request: HttpRequest, required: TrustLevel | str) -> bool:
    current = trust_level(request)
    return current is not None and current.satisfies(TrustLevel(required))


def require_trust_level(
    level: TrustLevel | str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: the current login must have at least ``level``.

    Otherwise the visitor is sent to a page that explains which login is needed and offers it.
    """
    required = TrustLevel(level)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if has_trust_level(request, required):
                return view(request, *args, **kwargs)
            query = urlencode({"stufe": required.value, "next": request.get_full_path()})
            return HttpResponseRedirect(f"{provider_url('trust_required')}?{query}")

        return wrapped

    return decorator
