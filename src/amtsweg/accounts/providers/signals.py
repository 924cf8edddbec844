"""Every login starts without a recorded trust level; external providers record theirs right after login()."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from amtsweg.accounts.providers.trust import PROVIDER_SESSION_KEY, SESSION_KEY


@receiver(user_logged_in, dispatch_uid="login_providers_reset_trust_level")
def reset_trust_level(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # A password login after a DeutschlandID login of the same person keeps the session data (Django only
    # cycles the key); the level of the earlier login must not carry over.
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
        request.session.pop(PROVIDER_SESSION_KEY, None)
