"""Staff sessions end after a period without activity (``AMTSWEG_STAFF_IDLE_MINUTES``).

Citizens keep Django's normal session lifetime. A staff account (or a superuser) works with personal data
of many people; a browser left open in an office must not stay logged in for two weeks. Each request of a
logged-in staff member records the time in the session; a request after a longer pause logs the session out
(audit entry ``accounts.session.idle_timeout``) and sends the browser to the login, which returns to the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from amtsweg.access.login import STAFF_KIND
from amtsweg.core.audit import audit_record

LAST_SEEN_SESSION_KEY = "amtsweg_staff_last_seen"
# The time is stored again only when it moved by this much: fewer session writes, same effect.
_RESOLUTION_SECONDS = 30


def is_staff_account(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "kind", None) == STAFF_KIND or user.is_staff or user.is_superuser)
    )


class StaffIdleTimeoutMiddleware:
    """Log staff out after ``AMTSWEG_STAFF_IDLE_MINUTES`` minutes without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if is_staff_account(user):
            now = int(time.time())
            last = request.session.get(LAST_SEEN_SESSION_KEY)
            limit = settings.AMTSWEG_STAFF_IDLE_MINUTES * 60
            if isinstance(last, int) and now - last > limit:
                return self._expired(request, user)
            if not isinstance(last, int) or now - last >= _RESOLUTION_SECONDS:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)

    def _expired(self, request: HttpRequest, user: Any) -> HttpResponse:
        minutes = settings.AMTSWEG_STAFF_IDLE_MINUTES
        audit_record(
            actor=user,
            action="accounts.session.idle_timeout",
            changes={"konto": f"konto-{user.pk}", "minuten": minutes},
            source="web",
        )
        logout(request)
        text = _(
            "Ihre Sitzung wurde nach %(minutes)d Minuten ohne Aktivität beendet. "
            "Bitte melden Sie sich erneut an."
        ) % {"minutes": minutes}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text}, status=401)
        messages.info(request, text)
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
