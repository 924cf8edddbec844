"""Access for applicants who applied without an account: a personal link in the notification e-mail.

Whoever applies without an account still gets messages and the decision letter. The e-mail "Sie haben eine
neue Nachricht" then carries a link instead of "log in": ``/vorgaenge/zugang/<token>/``. The token is the
case's internal number, signed with the ``SECRET_KEY`` and a time stamp (:mod:`django.core.signing`); it
names neither the person nor the reference number and expires after ``AMTSWEG_APPLICANT_LINK_DAYS``. Every
new message or letter sends a fresh one.

Opening the link stores the case in the browser session (never in the URL afterwards) and leads to the same
page account holders see. For that session the visitor acts as ``Actor.link_holder(case_id)``
(:mod:`amtsweg.core.actors`, kind ``link``) – the applicant of that one case and nothing else: read the
messages and letters, reply with files, withdraw while open. Cases that belong to an account are never
opened by a link (their owner logs in), nor are anonymised ones.

The link is checked again on every request of that session: the session is as valid as the link it came
from. It ends when the link expires, and when the link is revoked: a newer link was sent (each notification
raises ``Case.applicant_link_generation``) or a caseworker blocked the links of the case
(``services.case_applicant_links_revoke``).
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from amtsweg.core.actors import Actor, ActorKind

SALT = "amtsweg.cases.applicant-link"
SESSION_KEY = "amtsweg.cases.guest_cases"
MAX_CASES_PER_SESSION = 20


class LinkInvalid(Exception):
    """The link is damaged, forged or for a case that cannot be opened this way (German message)."""


class LinkExpired(LinkInvalid):
    """The link was genuine but is older than ``AMTSWEG_APPLICANT_LINK_DAYS``."""


def link_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.AMTSWEG_APPLICANT_LINK_DAYS)


def link_token(case: Any) -> str:
    """A token for ``case`` at its current link generation (with the time it was made)."""
    return signing.dumps(
        {"c": case.pk, "g": case.applicant_link_generation, "t": int(time.time())}, salt=SALT, compress=True
    )


def link_path(case: Any) -> str:
    return reverse("cases:applicant_link", args=[link_token(case)])


@dataclass(frozen=True)
class LinkGrant:
    """What a genuine link grants: case ``case_id`` while the case is at ``generation``, until ``until``."""

    case_id: int
    generation: int
    until: int  # seconds since the epoch

    @property
    def is_current(self) -> bool:
        return time.time() < self.until


def grant_from_token(token: str) -> LinkGrant:
    """What ``token`` grants; raises :class:`LinkExpired` or :class:`LinkInvalid`."""
    try:
        value = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if isinstance(value, int) and not isinstance(value, bool):
        # Links sent before links could be revoked: generation 0, issued at most max_age ago.
        return LinkGrant(value, 0, int(time.time() + link_max_age().total_seconds()))
    if not isinstance(value, dict):
        raise LinkInvalid
    case_id, generation, issued = value.get("c"), value.get("g"), value.get("t")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (case_id, generation, issued)):
        raise LinkInvalid
    until = int(issued + link_max_age().total_seconds())  # type: ignore[operator]
    return LinkGrant(case_id, generation, until)  # type: ignore[arg-type]


def case_id_from_token(token: str) -> int:
    """The case number in ``token``; raises :class:`LinkExpired` or :class:`LinkInvalid`."""
    return grant_from_token(token).case_id


def session_remember(session: Any, grant: LinkGrant) -> None:
    """Let this browser session act as the applicant of the grant's case (newest first, a few cases)."""
    known = [entry for entry in session.get(SESSION_KEY, []) if not _entry_for(entry, grant.case_id)]
    entry = {"case": grant.case_id, "generation": grant.generation, "until": grant.until}
    session[SESSION_KEY] = [entry, *known][:MAX_CASES_PER_SESSION]


def _entry_for(entry: Any, case_id: int) -> bool:
    return isinstance(entry, dict) and entry.get("case") == case_id


def session_grants(session: Any) -> list[LinkGrant]:
    """The grants of this session that have not expired (expired ones are dropped from the session)."""
    grants: list[LinkGrant] = []
    stored = session.get(SESSION_KEY, [])
    for entry in stored if isinstance(stored, list) else []:
        if not isinstance(entry, dict):
            continue  # the former format (bare case ids) carried no expiry: no longer accepted
        values = (entry.get("case"), entry.get("generation"), entry.get("until"))
        if all(isinstance(x, int) and not isinstance(x, bool) for x in values):
            grant = LinkGrant(*values)  # type: ignore[arg-type]
            if grant.is_current:
                grants.append(grant)
    if len(grants) != len(stored if isinstance(stored, list) else []):
        session[SESSION_KEY] = [
            {"case": g.case_id, "generation": g.generation, "until": g.until} for g in grants
        ]
    return grants


def session_case_ids(session: Any) -> list[int]:
    return [grant.case_id for grant in session_grants(session)]


def is_link_holder(actor: Any) -> bool:
    """Is ``actor`` the visitor who opened an access link (``Actor.link_holder(case_id)``)?"""
    return isinstance(actor, Actor) and actor.kind == ActorKind.LINK


def is_guest_of(actor: Any, case: Any) -> bool:
    """Is ``actor`` the link-holding applicant of ``case`` (a case without an account, not anonymised)?"""
    return (
        is_link_holder(actor)
        and actor.scope_id == case.pk
        and case.applicant_id is None
        and case.anonymised_at is None
    )
