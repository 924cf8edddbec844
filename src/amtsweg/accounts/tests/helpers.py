"""Shared helpers of the account tests: accounts, links from the test mailbox, old links."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core import mail
from django.utils import timezone

from amtsweg.accounts.models import User

PASSWORD = "Sonnenblume-Ahornweg-42"
LINK = re.compile(r"https?://[^/\s]+(/konto/\S+/)")


def citizen(email: str = "erika.beispiel@example.org", *, verified: bool = True, **extra: str) -> User:
    user = User.objects.create_user(
        username=f"b-{email.split('@')[0]}",
        email=email,
        password=PASSWORD,
        first_name=extra.pop("first_name", "Erika"),
        last_name=extra.pop("last_name", "Beispiel"),
        **extra,
    )
    if verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def last_link(to: str | None = None) -> str:
    """The path of the link in the newest mail (to ``to``, when given)."""
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, f"Keine E-Mail an {to or 'irgendwen'} im Postfach"
    found = LINK.search(messages[-1].body)
    assert found, f"Kein Link in der E-Mail: {messages[-1].body}"
    return found.group(1)


@contextmanager
def hours_ago(hours: float, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Signed links made inside this block carry a time stamp ``hours`` in the past."""
    real = time.time
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real() - hours * 3600)
        yield
