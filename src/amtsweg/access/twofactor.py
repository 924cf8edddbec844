"""The second step of a staff login, between the password check and a logged-in session.

The login view of :mod:`amtsweg.accounts` checks the password. For a staff account it does not log in:
``accounts.login.second_factor_begin`` gives the session a new key and remembers the account there
(server-side session data, valid for a few minutes), then the browser comes to ``access:otp_verify``.
This module reads that pending login, counts wrong codes (after :data:`MAX_ATTEMPTS` the pending login
is dropped and the password has to be entered again; django-otp additionally slows down each device
after failures, stored in the database so it holds across app servers) and completes the login with
the verified device, so that django-otp marks the session as verified.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from amtsweg.access.login import (
    PENDING_SESSION_KEY,
    login_complete,
    second_factor_pending_user,
)
from amtsweg.access.login import (
    safe_next as accounts_safe_next,
)
from amtsweg.access.models import STAFF_KIND
from amtsweg.access.permissions import Perm, has_any

ATTEMPTS_KEY = "amtsweg_access_attempts"
SETUP_DEVICE_KEY = "amtsweg_access_setup_device"
RECOVERY_CODES_KEY = "amtsweg_access_recovery_codes"
NEXT_KEY = "amtsweg_access_next"
MAX_ATTEMPTS = 5  # wrong codes per password step
# The published demo secret (RFC 6238 test key "12345678901234567890"). The demo gives it to its staff
# logins; with AMTSWEG_ENVIRONMENT=production a device with this key is never accepted.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def device_refused(device: Any) -> bool:
    """True for a device carrying the published demo key in production."""
    return bool(settings.IS_PRODUCTION and getattr(device, "key", None) == DEMO_TOTP_KEY)


def needs_second_factor(user: Any) -> bool:
    """Every staff account (and every superuser) works with a second factor."""
    return bool(getattr(user, "kind", None) == STAFF_KIND or getattr(user, "is_superuser", False))


def staff_start_url(user: Any) -> str:
    """Where a staff member lands after the login when no page was asked for: caseworkers in their
    inbox, the digital team in the strategy cockpit, everyone else (Fachadmin, auditor, superuser) in the
    admin. The pages are found by name; ``access`` imports none of those apps."""
    if user is not None and not getattr(user, "is_superuser", False):
        if has_any(user, Perm.CASE_VIEW):
            return reverse("cases:inbox")
        if has_any(user, Perm.STRATEGY_VIEW):
            return reverse("strategy:home")
    return reverse("admin:index")


def safe_next(request: HttpRequest, target: str | None, user: Any = None) -> str:
    """``target`` if it points to this site, else the start page of ``user`` (:func:`staff_start_url`)."""
    return accounts_safe_next(request, target, default=staff_start_url(user))


def pending_login(request: HttpRequest) -> Any:
    """The staff account waiting for its second factor, or None (missing or expired)."""
    user = second_factor_pending_user(request)
    if user is None:
        pending_login_drop(request)
    return user


def pending_login_drop(request: HttpRequest) -> None:
    for key in (PENDING_SESSION_KEY, ATTEMPTS_KEY, SETUP_DEVICE_KEY):
        request.session.pop(key, None)


def attempt_failed(request: HttpRequest) -> bool:
    """Count a wrong code; True when the limit is reached (the pending login is then dropped)."""
    attempts = int(request.session.get(ATTEMPTS_KEY, 0)) + 1
    request.session[ATTEMPTS_KEY] = attempts
    if attempts >= MAX_ATTEMPTS:
        pending_login_drop(request)
        return True
    return False


def staff_login_complete(request: HttpRequest, user: Any, device: Any) -> None:
    """Log ``user`` in (new session key) and mark the session as verified with ``device``."""
    pending_login_drop(request)
    login_complete(request, user)
    django_otp.login(request, device)
