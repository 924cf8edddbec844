"""Every permission check of Amtsweg, in one module.

Views, the admin, services, importers and commands call these functions with the acting user
(``actor``) and the object concerned; nothing else decides who may do what. The rules:

* ``actor`` is an :class:`~amtsweg.core.actors.Actor` (staff, citizen, access-link holder, anonymous,
  system) or, from older call sites, a user object or ``None``. The system (``Actor.system(...)`` or
  ``None``: management commands, background tasks) is allowed everything; anonymous visitors and link
  holders have no account and hence no role. Rights of an actor are the rights of its account.
* Staff rights come from :class:`~amtsweg.access.models.RoleAssignment` rows, never from Django's
  model permissions or groups. A role acts for the authority of its assignment (platform-wide roles
  for every authority); roles with cases are further limited to the assignment's org unit and the
  units below it.
* On the web (the request's user carries ``is_verified`` from django-otp's middleware) every right
  needs the verified second factor of this session.
* A superuser has every right, but only on the web after the second factor was verified.

docs/security/permissions.md documents the resulting table; tests/test_permission_matrix.py checks
every cell of it against these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amtsweg.access.models import STAFF_KIND, RoleAssignment
from amtsweg.access.roles import Perm
from amtsweg.core.actors import Actor, ActorKind, account
from amtsweg.core.actors import is_system as _is_system_actor
from amtsweg.core.permissions import require

__all__ = [
    "Perm",
    "authorities_with",
    "can_assign_cases",
    "can_edit_catalog",
    "can_edit_organisation",
    "can_edit_reference",
    "can_edit_responsibility",
    "can_manage_feedback",
    "can_manage_funding_programmes",
    "can_manage_integrations",
    "can_manage_roles",
    "can_manage_routing",
    "can_manage_strategy",
    "can_rate_quickcheck",
    "can_read_audit",
    "can_reset_second_factor",
    "can_share_knowledge",
    "can_use_admin",
    "can_view_case",
    "can_view_strategy",
    "can_work_case",
    "case_scopes",
    "grants_forget",
    "is_system",
    "is_verified_superuser",
    "require",
]

_CACHE_ATTRIBUTE = "_amtsweg_grants"


@dataclass(frozen=True)
class Grant:
    """One role assignment, reduced to what the checks need."""

    permissions: frozenset[str]
    platform_wide: bool
    authority_id: int
    org_unit_id: int | None


def is_system(actor: Any) -> bool:
    """Commands and tasks act as the system (``Actor.system(...)``, or ``None`` from older call sites)."""
    return _is_system_actor(actor)


def _user(actor: Any) -> Any:
    """The account behind ``actor`` (an :class:`Actor` or a user object); ``None`` when there is none."""
    return account(actor) if isinstance(actor, Actor) else actor


def _is_active_account(actor: Any) -> bool:
    actor = _user(actor)
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False))


def _second_factor_ok(actor: Any) -> bool:
    """On the web, django-otp's middleware adds ``is_verified``; there it must be True."""
    actor = _user(actor)
    check = getattr(actor, "is_verified", None)
    return True if check is None else bool(check())


def is_verified_superuser(actor: Any) -> bool:
    """A superuser whose web session has passed the second factor."""
    actor = _user(actor)
    check = getattr(actor, "is_verified", None)
    return bool(_is_active_account(actor) and actor.is_superuser and check is not None and check())


def grants_forget(actor: Any) -> None:
    """Drop the grants cached on ``actor`` (after its role assignments changed)."""
    actor = _user(actor)
    if actor is not None and hasattr(actor, _CACHE_ATTRIBUTE):
        delattr(actor, _CACHE_ATTRIBUTE)


def _grants(actor: Any) -> tuple[Grant, ...]:
    """The actor's role grants; cached on the user object for the duration of a request."""
    actor = _user(actor)
    if not _is_active_account(actor) or getattr(actor, "kind", None) != STAFF_KIND:
        return ()
    if not _second_factor_ok(actor):
        return ()
    cached = getattr(actor, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = tuple(
            Grant(
                permissions=frozenset(assignment.role.permissions),
                platform_wide=assignment.role.platform_wide,
                authority_id=assignment.authority_id,
                org_unit_id=assignment.org_unit_id,
            )
            for assignment in RoleAssignment.objects.filter(user_id=actor.pk).select_related("role")
        )
        setattr(actor, _CACHE_ATTRIBUTE, cached)
    return cached


def _pk(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else obj.pk


def has_permission(actor: Any, perm: str, authority: Any) -> bool:
    """Does a role give ``perm`` for ``authority``? ``None`` means "not tied to one authority",
    which only platform-wide roles cover."""
    if is_system(actor) or is_verified_superuser(actor):
        return True
    authority_id = _pk(authority)
    for grant in _grants(actor):
        if perm not in grant.permissions:
            continue
        if grant.platform_wide or (authority_id is not None and grant.authority_id == authority_id):
            return True
    return False


def authorities_with(actor: Any, perm: str) -> set[int] | None:
    """Ids of the authorities where ``actor`` has ``perm``; ``None`` means all of them."""
    if is_system(actor) or is_verified_superuser(actor):
        return None
    ids: set[int] = set()
    for grant in _grants(actor):
        if perm in grant.permissions:
            if grant.platform_wide:
                return None
            ids.add(grant.authority_id)
    return ids


def has_any(actor: Any, perm: str) -> bool:
    """Does ``actor`` have ``perm`` anywhere at all (to show an admin section, say)?"""
    found = authorities_with(actor, perm)
    return found is None or bool(found)


# --- catalogue and organisation -------------------------------------------------------------


def can_edit_catalog(actor: Any, authority: Any) -> bool:
    """May ``actor`` create, change or delete services and responsibility rules owned by ``authority``?

    ``authority=None`` stands for data shared by all authorities (OZG reference data).
    """
    return has_permission(actor, Perm.CATALOG_EDIT, authority)


def can_edit_responsibility(actor: Any, owner: Any, municipality: Any) -> bool:
    """May ``actor`` create, change or delete the responsibility rule of a service owned by ``owner`` for
    ``municipality`` (``None``: the general rule)? The service's authority edits all its rules; a town's
    Fachadmin also edits the rule for its own town of a service of the Kreis (e.g. Dülmen's own Jugendamt)."""
    return can_edit_catalog(actor, owner) or (
        municipality is not None and can_edit_catalog(actor, municipality)
    )


def can_edit_reference(actor: Any) -> bool:
    """The OZG reference data is shared by all authorities: only platform-wide roles import it."""
    return can_edit_catalog(actor, None)


def can_edit_organisation(actor: Any, authority: Any) -> bool:
    """May ``actor`` change the record, org units, locations and opening hours of ``authority``?

    A new authority (not saved yet) has no id; only platform-wide roles may create one.
    """
    return has_permission(actor, Perm.ORGANISATION_EDIT, authority)


# --- audit trail, feedback, roles, second factor -------------------------------------------------


def can_read_audit(actor: Any, authority: Any) -> bool:
    """May ``actor`` read audit entries of ``authority`` (``None``: entries of no single authority)?"""
    return has_permission(actor, Perm.AUDIT_READ, authority)


def can_manage_feedback(actor: Any) -> bool:
    """May ``actor`` read reported accessibility barriers and record how they are handled?"""
    return is_system(actor) or has_any(actor, Perm.FEEDBACK_MANAGE)


def can_manage_roles(actor: Any, authority: Any) -> bool:
    """May ``actor`` assign or withdraw roles at ``authority``?"""
    return has_permission(actor, Perm.ROLES_MANAGE, authority)


def can_reset_second_factor(actor: Any, colleague: Any) -> bool:
    """May ``actor`` reset the second factor of ``colleague`` (a staff account, never oneself)?"""
    colleague = _user(colleague)
    if colleague is None or getattr(colleague, "kind", None) != STAFF_KIND:
        return False
    if getattr(_user(actor), "pk", None) == colleague.pk:
        return False
    authority_id = getattr(colleague, "authority_id", None)
    if authority_id is None:
        # A staff account without authority: only platform-wide roles reach it.
        return has_permission(actor, Perm.SECOND_FACTOR_RESET, None)
    return has_permission(actor, Perm.SECOND_FACTOR_RESET, authority_id)


def can_manage_tasks(actor: Any) -> bool:
    """May ``actor`` see failed and stuck background tasks and start them again? Platform-wide only:
    the task queue serves every authority at once."""
    return has_permission(actor, Perm.TASKS_MANAGE, None)


def can_use_admin(actor: Any) -> bool:
    """The Django admin: active staff with a verified second factor in this session."""
    actor = _user(actor)
    check = getattr(actor, "is_verified", None)
    return bool(
        _is_active_account(actor)
        and actor.is_staff
        and (actor.is_superuser or getattr(actor, "kind", None) == STAFF_KIND)
        and check is not None
        and check()
    )


# --- cases (used by the case-management issue) -------------------------------------------------


def _org_unit(org_unit: Any) -> Any:
    model = RoleAssignment._meta.get_field("org_unit").related_model
    return org_unit if isinstance(org_unit, model) else model._default_manager.get(pk=org_unit)


def _unit_and_ancestors(unit: Any) -> set[int]:
    ids: set[int] = set()
    while unit is not None and unit.pk not in ids:
        ids.add(unit.pk)
        unit = unit.parent
    return ids


def _client_authorities(actor: Any) -> frozenset[int] | None:
    """The authorities of a specialist system (Fachverfahren) acting with its API key, else ``None``."""
    if isinstance(actor, Actor) and actor.kind == ActorKind.CLIENT:
        return actor.authorities
    return None


def can_view_case(actor: Any, authority: Any, org_unit: Any) -> bool:
    """May ``actor`` see a case (with its personal data) handled by ``org_unit`` of ``authority``?

    Only roles with cases count, and only at the case's authority: an assignment to an org unit covers
    that unit and the units below it; an assignment without unit covers the whole authority.
    Platform-wide roles do not see cases. A specialist system (API key) sees every case of the
    authorities its key is scoped to.
    """
    if is_system(actor) or is_verified_superuser(actor):
        return True
    authority_id = _pk(authority)
    if (scoped := _client_authorities(actor)) is not None:
        return authority_id in scoped
    grants = [g for g in _grants(actor) if Perm.CASE_VIEW in g.permissions and g.authority_id == authority_id]
    if not grants:
        return False
    if org_unit is not None:
        unit = _org_unit(org_unit)
        if unit.authority_id != authority_id:
            return False
        covered = _unit_and_ancestors(unit)
    else:
        covered = set()
    return any(g.org_unit_id is None or g.org_unit_id in covered for g in grants)


def _case_scope(actor: Any, perm: str, authority: Any, org_unit: Any) -> bool:
    """Like :func:`can_view_case`, for another case permission: role at the authority, unit or above.
    A specialist system (API key) may view and work on the cases of its authorities, never assign."""
    if is_system(actor) or is_verified_superuser(actor):
        return True
    authority_id = _pk(authority)
    if (scoped := _client_authorities(actor)) is not None:
        return perm in (Perm.CASE_VIEW, Perm.CASE_WORK) and authority_id in scoped
    grants = [g for g in _grants(actor) if perm in g.permissions and g.authority_id == authority_id]
    if not grants:
        return False
    covered: set[int] = set()
    if org_unit is not None:
        unit = _org_unit(org_unit)
        if unit.authority_id != authority_id:
            return False
        covered = _unit_and_ancestors(unit)
    return any(g.org_unit_id is None or g.org_unit_id in covered for g in grants)


def case_scopes(actor: Any, perm: str = Perm.CASE_VIEW) -> list[tuple[int, int | None]] | None:
    """(authority id, org unit id or ``None`` for the whole authority) pairs where ``actor`` has the case
    permission ``perm``; ``None`` means everywhere (system, verified superuser). Selectors turn this into
    a filter (the units below each org unit included)."""
    if is_system(actor) or is_verified_superuser(actor):
        return None
    if (scoped := _client_authorities(actor)) is not None:
        return [(a, None) for a in sorted(scoped)] if perm in (Perm.CASE_VIEW, Perm.CASE_WORK) else []
    return [(g.authority_id, g.org_unit_id) for g in _grants(actor) if perm in g.permissions]


def can_work_case(actor: Any, case: Any) -> bool:
    """May ``actor`` work on ``case`` (change its status, write messages and notes, forward it, write
    the decision letter)? Same scope as seeing it: the case's org unit or a unit above it."""
    return _case_scope(actor, Perm.CASE_WORK, case.authority_id, case.org_unit_id)


def can_assign_cases(actor: Any, authority: Any, org_unit: Any) -> bool:
    """May ``actor`` assign cases handled by ``org_unit`` of ``authority`` to colleagues (Teamleitung)?"""
    return _case_scope(actor, Perm.CASE_ASSIGN, authority, org_unit)


def can_manage_routing(actor: Any, authority: Any) -> bool:
    """May ``actor`` maintain routing rules, case settings and letter templates of ``authority``?"""
    return has_permission(actor, Perm.ROUTING_MANAGE, authority)


# --- strategy cockpit ------------------------------------------------------------------------------


def can_manage_integrations(actor: Any, authority: Any) -> bool:
    """May ``actor`` connect specialist systems and payment providers of ``authority`` (event
    subscriptions, API keys, payment providers, fees of its forms) and export its payments for the
    cash office? The Fachadministration of the authority, like routing rules."""
    return has_permission(actor, Perm.ROUTING_MANAGE, authority)


def can_view_strategy(actor: Any, authority: Any) -> bool:
    """May ``actor`` read the strategy cockpit (fields, results, projects, budget, funding) of the
    strategy owned by ``authority`` (the Kreis)?"""
    return has_permission(actor, Perm.STRATEGY_VIEW, authority)


def can_manage_strategy(actor: Any, authority: Any) -> bool:
    """May ``actor`` steer the strategy owned by ``authority``: open and close Quick-Check rounds,
    record tier decisions, edit fields, workshops, projects, budget, Stellenplan and funding?"""
    return has_permission(actor, Perm.STRATEGY_MANAGE, authority)


def can_manage_funding_programmes(actor: Any) -> bool:
    """Funding programmes and their calls are shared by all authorities: whoever steers a strategy
    anywhere may maintain them (Fördermittel-Akquise of the Digitalagentur)."""
    return is_system(actor) or has_any(actor, Perm.STRATEGY_MANAGE)


def can_rate_quickcheck(actor: Any, participant_authority: Any) -> bool:
    """May ``actor`` enter and change the Quick-Check ratings of ``participant_authority``?

    Only for the own authority: a town's staff never rate for another town or for the Kreis. Whether
    the round is still open is the service's concern (closed rounds refuse every change).
    """
    return has_permission(actor, Perm.QUICKCHECK_RATE, participant_authority)


def can_share_knowledge(actor: Any, authority: Any) -> bool:
    """May ``actor`` offer solutions and lessons on behalf of ``authority`` (and adopt others' for it)?"""
    return has_permission(actor, Perm.KNOWLEDGE_SHARE, authority)
