"""Access for applicants who applied without an account: a personal link in the notification e-mail.

Whoever applies without an account still gets messages and the decision letter. The e-mail "Sie haben eine
neue Nachricht" then carries a link instead of "log in": ``/vorgaenge/zugang/<token>/``. The token is the
case's internal number, signed with the ``SECRET_KEY`` and a time stamp (:mod:`django.core.signing`); it
names neither the person nor the reference number and expires after ``AMTSWEG_APPLICANT_LINK_DAYS``. Every
new message or letter sends a fresh one.

Opening the link stores the case in the browser session (never in the URL afterwards) and leads to the same
page account holders see. For that session the visitor acts as :class:`GuestApplicant` – the applicant of
that one case and nothing else: read the messages and letters, reply with files, withdraw while open. Cases
that belong to an account are never opened by a link (their owner logs in), nor are anonymised ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "amtsweg.cases.applicant-link"
SESSION_KEY = "amtsweg.cases.guest_cases"
MAX_CASES_PER_SESSION = 20


class LinkInvalid(Exception):
    """The link is damaged, forged or for a case that cannot be opened this way (German message)."""


class LinkExpired(LinkInvalid):
    """The link was genuine but is older than ``AMTSWEG_APPLICANT_LINK_DAYS``."""


@dataclass(frozen=True)
class GuestApplicant:
    """The visitor who opened the access link of case ``case_id``: its applicant, for that case only."""

    case_id: int
    is_authenticated: ClassVar[bool] = False
    is_active: ClassVar[bool] = False
    pk: ClassVar[None] = None
    audit_label: ClassVar[str] = "Antragsteller (Zugangslink)"

    def get_username(self) -> str:
        return self.audit_label

    def get_full_name(self) -> str:
        return self.audit_label


def link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.AMTSWEG_APPLICANT_LINK_DAYS)


def link_token(case: Any) -> str:
    return signing.dumps(case.pk, salt=SALT, compress=True)


def link_path(case: Any) -> str:
    return reverse("cases:applicant_link", args=[link_token(case)])


def case_id_from_token(token: str) -> int:
    """The case number in ``token``; raises :class:`LinkExpired` or :class:`LinkInvalid`."""
    try:
        value = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(value, int) or isinstance(value, bool):
        raise LinkInvalid
    return value


def session_remember(session: Any, case_id: int) -> None:
    """Let this browser session act as the applicant of ``case_id`` (newest first, a few cases at most)."""
    known = [pk for pk in session.get(SESSION_KEY, []) if pk != case_id]
    session[SESSION_KEY] = [case_id, *known][:MAX_CASES_PER_SESSION]


def session_case_ids(session: Any) -> list[int]:
    return [pk for pk in session.get(SESSION_KEY, []) if isinstance(pk, int)]


def is_guest_of(actor: Any, case: Any) -> bool:
    """Is ``actor`` the link-holding applicant of ``case`` (a case without an account, not anonymised)?"""
    return (
        isinstance(actor, GuestApplicant)
        and actor.case_id == case.pk
        and case.applicant_id is None
        and case.anonymised_at is None
    )
