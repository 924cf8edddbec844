"""Completing a login, and the hand-over to the second factor for staff.

The login view checks the password (:func:`amtsweg.accounts.services.login_check`). Citizens are then
logged in with :func:`login_complete`. Staff accounts are not: the view calls
:func:`second_factor_begin`, which remembers the account in the session (not logged in) and sends the
browser to ``access:otp_verify``. That view reads the account with :func:`second_factor_pending_user`
and, once the second factor is right, calls :func:`login_complete` (and django-otp's ``otp_login``).
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth import login as django_login
from django.db.models import Q
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

from amtsweg.core.audit import audit_record
from amtsweg.core.clients import client_address

STAFF_KIND = "personal"
PENDING_SESSION_KEY = "amtsweg_second_factor_pending"
PENDING_MAX_SECONDS = 300
ACTING_FOR_SESSION_KEY = "amtsweg_acting_for"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request: HttpRequest, value: str | None, default: str = "") -> str:
    """``value`` when it points to this site (a path, or this host and scheme), else ``default``."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusted proxies considered (:func:`amtsweg.core.clients.client_address`)."""
    return client_address(request)


def login_complete(request: HttpRequest, user: Any, *, backend: str = MODEL_BACKEND) -> None:
    """Log the account in. Django's ``login`` gives the session a new key (no session fixation)."""
    request.session.pop(PENDING_SESSION_KEY, None)
    django_login(request, user, backend=backend)
    audit_record(
        actor=user,
        action="accounts.user.logged_in",
        changes={"konto": f"konto-{user.pk}"},
        source=client_ip(request)[:200],
    )


def second_factor_begin(request: HttpRequest, user: Any) -> None:
    """Remember that ``user`` passed the password check; the second factor must follow."""
    # A fresh session key here as well: the pending state must not ride on a key set before.
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "at": int(time.time()),
        "proof": _password_proof(user),
    }


def second_factor_pending_user(request: HttpRequest) -> Any:
    """The staff account waiting for its second factor, if the password was checked recently."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_MAX_SECONDS:
        return None
    user = (
        get_user_model()
        ._default_manager.filter(pk=int(pending.get("user") or 0), is_active=True, deleted_at__isnull=True)
        .filter(Q(kind=STAFF_KIND) | Q(is_superuser=True))
        .first()
    )
    # Bound to the password that was checked: a password change in between voids the pending login.
    if user is None or not constant_time_compare(str(pending.get("proof", "")), _password_proof(user)):
        return None
    return user


def _password_proof(user: Any) -> str:
    return salted_hmac("amtsweg.access.login.pending", user.password, algorithm="sha256").hexdigest()
