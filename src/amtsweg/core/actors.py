"""Who acts: a typed :class:`Actor` for permission checks, the audit trail and the history of a case.

A write is done by one of six kinds of actor, and each is treated differently:

========================  ==========================================================================
``staff``                 a staff account (Sachbearbeitung, Fachadministration …); rights from roles
``citizen``               a citizen's or company member's own account
``link``                  an applicant without an account who opened the personal access link of one
                          case (``scope_id`` is that case); may act on that case only
``anonymous``             someone who is not logged in, e.g. an applicant who submits without an account
``system``                a job of the platform itself: a management command, a periodic task, the demo
``client``                a specialist system (Fachverfahren) calling the system API with its API key;
                          acts only on cases of the authorities in ``authorities``
========================  ==========================================================================

Before this type existed the system and anonymous visitors were both ``actor=None``, so the audit named an
anonymous applicant "System". ``None`` is still accepted where old code passes it and means the system;
:func:`as_actor` turns ``None``, a user object or an ``Actor`` into an ``Actor``. Permission checks
(:mod:`amtsweg.access.permissions`) use :func:`account` to reach the user behind an actor and
:func:`is_system` to recognise the system; :func:`amtsweg.core.audit.audit_record` stores ``kind`` and
:attr:`Actor.audit_label`.

``core`` imports no app: the kind of a user is read from its ``kind`` attribute (``"personal"`` for staff,
see :mod:`amtsweg.accounts.models`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

STAFF_ACCOUNT_KIND = "personal"  # accounts.User.Kind.STAFF (core imports no app)


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Beschäftigte")
    CITIZEN = "citizen", _("Konto einer Bürgerin oder eines Bürgers")
    LINK = "link", _("Antragsteller über Zugangslink")
    ANONYMOUS = "anonymous", _("ohne Anmeldung")
    SYSTEM = "system", _("System")
    CLIENT = "client", _("Fachverfahren (API-Schlüssel)")


# Audit labels are stored, so they are fixed German text, not translated per request.
SYSTEM_LABEL = "System"
ANONYMOUS_LABEL = "Anonym (ohne Anmeldung)"
ANONYMOUS_APPLICANT_LABEL = "Antragsteller ohne Konto"
LINK_LABEL = "Antragsteller (Zugangslink)"
CLIENT_LABEL = "Fachverfahren"


@dataclass(frozen=True)
class Actor:
    """Who does something: ``kind``, the account behind it (staff, citizen) and a label for people.

    ``label`` is the name shown in a case's history (staff and citizens: full name or login; else a
    description such as "Antragsteller (Zugangslink)" or "System (cases-retention)"); ``scope_id`` limits a
    link holder to the one object (case) the link opens.
    """

    kind: ActorKind
    user: Any = None
    label: str = ""
    scope_id: int | None = None
    authorities: frozenset[int] = frozenset()

    # ---- constructors ----

    @classmethod
    def system(cls, job: str = "") -> Actor:
        """The platform itself; ``job`` names the command or task (shown in the audit label)."""
        return cls(ActorKind.SYSTEM, label=f"{SYSTEM_LABEL} ({job})" if job else SYSTEM_LABEL)

    @classmethod
    def anonymous(cls, label: str = ANONYMOUS_LABEL) -> Actor:
        """Someone who is not logged in (e.g. :data:`ANONYMOUS_APPLICANT_LABEL` for an applicant)."""
        return cls(ActorKind.ANONYMOUS, label=label)

    @classmethod
    def link_holder(cls, object_id: int, label: str = LINK_LABEL) -> Actor:
        """The applicant who opened the access link of the case ``object_id``."""
        return cls(ActorKind.LINK, label=label, scope_id=object_id)

    @classmethod
    def client(cls, client_id: int, name: str, authorities: frozenset[int] | set[int]) -> Actor:
        """A specialist system (Fachverfahren) with an API key: ``client_id`` is its record, ``authorities``
        the authorities whose cases it may read and work on; the audit names it "Fachverfahren <name>"."""
        return cls(
            ActorKind.CLIENT,
            label=f"{CLIENT_LABEL} {name}".strip(),
            scope_id=client_id,
            authorities=frozenset(authorities),
        )

    @classmethod
    def of_user(cls, user: Any) -> Actor:
        """A logged-in account (staff or citizen); an anonymous request user becomes ``anonymous``."""
        if isinstance(user, Actor):
            return user
        if user is None or not getattr(user, "is_authenticated", False):
            return cls.anonymous()
        kind = ActorKind.STAFF if getattr(user, "kind", None) == STAFF_ACCOUNT_KIND else ActorKind.CITIZEN
        name = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
        return cls(kind, user=user, label=name or str(user.get_username()))

    @classmethod
    def of_request(cls, request: Any) -> Actor:
        """The actor of a web or API request: its account, else an anonymous visitor."""
        return cls.of_user(getattr(request, "user", None))

    # ---- what callers ask ----

    @property
    def is_system(self) -> bool:
        return self.kind == ActorKind.SYSTEM

    @property
    def is_authenticated(self) -> bool:
        """Compatible with code that asks a user object: only accounts are authenticated."""
        return bool(self.user is not None and getattr(self.user, "is_authenticated", False))

    @property
    def pk(self) -> Any:
        return self.user.pk if self.user is not None else None

    @property
    def audit_label(self) -> str:
        """Accounts by their login (stable, unique); everyone else by the description."""
        if self.user is not None:
            return str(self.user.get_username())
        return self.label or str(self.kind.label)

    def __str__(self) -> str:
        return self.label or str(self.kind.label)


def as_actor(actor: Any) -> Actor:
    """``actor`` as an :class:`Actor`: ``None`` is the system, a user object its account kind."""
    if isinstance(actor, Actor):
        return actor
    if actor is None:
        return Actor.system()
    return Actor.of_user(actor)


def account(actor: Any) -> Any:
    """The user object behind ``actor`` (``None`` for the system, anonymous visitors and link holders)."""
    if isinstance(actor, Actor):
        return actor.user
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def is_system(actor: Any) -> bool:
    """``None`` (old call sites) or an :class:`Actor` of kind ``system``."""
    return actor is None or (isinstance(actor, Actor) and actor.kind == ActorKind.SYSTEM)
