"""Extension point: what "Mein Konto" tells a citizen about their applications.

``accounts`` may not import the apps that know about applications (case management builds on accounts,
see docs/architecture.md), so those apps register a provider here. A provider returns the notices that
need the citizen – a new message, an open Rückfrage – for the logged-in account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amtsweg.core.registry import Registry


@dataclass(frozen=True)
class AccountNotice:
    title: str  # what it is about, e.g. "Anmeldung für einen Kita-Platz (AW-2026-…)"
    text: str  # what to do, e.g. "Bitte beantworten Sie die Rückfrage bis 12.12.2026."
    url: str  # where to do it


NoticeProvider = Callable[[Any], list[AccountNotice]]

account_notice_providers: Registry[NoticeProvider] = Registry("Hinweise für „Mein Konto“")


def account_notices(user: Any) -> list[AccountNotice]:
    """Every registered provider's notices for ``user``, in the order of the providers' ids."""
    notices: list[AccountNotice] = []
    for _identifier, provider in account_notice_providers:
        notices.extend(provider(user))
    return notices
