"""The staff roles as data: what each role may do, and within which scope.

This module is plain data so that the data migration, ``amtsweg roles-sync`` and the tests read the
same definitions. docs/security/permissions.md explains them for the data-protection officer; the
permission matrix test checks that the document and :mod:`amtsweg.access.permissions` agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop


class Perm:
    """Permission codes stored on a role. Checked only in :mod:`amtsweg.access.permissions`."""

    CATALOG_EDIT = "catalog.edit"  # services and responsibility rules of the authority
    ORGANISATION_EDIT = "organisation.edit"  # the authority's record, org units, locations, opening hours
    AUDIT_READ = "audit.read"  # the audit trail of the authority
    FEEDBACK_MANAGE = "feedback.manage"  # reported accessibility barriers (platform-wide)
    CASE_VIEW = "case.view"  # cases of the own org unit (or of the authority when assigned without unit)
    CASE_WORK = "case.work"  # work on those cases: status, messages, notes, forwards, letters
    CASE_ASSIGN = "case.assign"  # assign those cases to colleagues (Teamleitung)
    ROUTING_MANAGE = "routing.manage"  # routing rules, case settings and letter templates of the authority
    SECOND_FACTOR_RESET = "second_factor.reset"  # reset a colleague's second factor
    ROLES_MANAGE = "roles.manage"  # assign and withdraw roles
    STRATEGY_VIEW = "strategy.view"  # read the strategy cockpit of the authority
    STRATEGY_MANAGE = "strategy.manage"  # steer the strategy: rounds, decisions, projects, budget, funding
    QUICKCHECK_RATE = "quickcheck.rate"  # rate in Quick-Check rounds on behalf of the own authority
    KNOWLEDGE_SHARE = "knowledge.share"  # offer solutions and lessons of the own authority, adopt others'
    TASKS_MANAGE = "tasks.manage"  # see failed and stuck background tasks and start them again (platform)


ALL_PERMISSIONS = frozenset(value for name, value in vars(Perm).items() if name.isupper())


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name: str
    description: str
    permissions: frozenset[str]
    # Platform-wide roles act for every authority; all others only for the authority of the assignment.
    platform_wide: bool = False


ROLE_DEFINITIONS: tuple[RoleDefinition, ...] = (
    RoleDefinition(
        "sachbearbeitung",
        gettext_noop("Sachbearbeitung"),
        gettext_noop("Bearbeitet die Fälle der eigenen Organisationseinheit."),
        frozenset({Perm.CASE_VIEW, Perm.CASE_WORK}),
    ),
    RoleDefinition(
        "teamleitung",
        gettext_noop("Teamleitung"),
        gettext_noop(
            "Sieht und bearbeitet die Fälle der eigenen Organisationseinheit, weist sie zu und setzt "
            "den zweiten Faktor von Beschäftigten der eigenen Behörde zurück."
        ),
        frozenset({Perm.CASE_VIEW, Perm.CASE_WORK, Perm.CASE_ASSIGN, Perm.SECOND_FACTOR_RESET}),
    ),
    RoleDefinition(
        "fachadministration",
        gettext_noop("Fachadministration"),
        gettext_noop(
            "Pflegt Leistungen, Zuständigkeiten, Organisationsdaten (Organisationseinheiten, "
            "Standorte, Öffnungszeiten), Verteilregeln und Bescheidvorlagen der eigenen Behörde."
        ),
        frozenset({Perm.CATALOG_EDIT, Perm.ORGANISATION_EDIT, Perm.ROUTING_MANAGE}),
    ),
    RoleDefinition(
        "digitalisierungsteam",
        gettext_noop("Digitalisierungsteam"),
        gettext_noop(
            "Arbeitet mit dem Strategie-Cockpit und bearbeitet die Rückmeldungen zur Barrierefreiheit."
        ),
        frozenset(
            {
                Perm.STRATEGY_VIEW,
                Perm.STRATEGY_MANAGE,
                Perm.QUICKCHECK_RATE,
                Perm.KNOWLEDGE_SHARE,
                Perm.FEEDBACK_MANAGE,
            }
        ),
    ),
    RoleDefinition(
        "strategie-beteiligung",
        gettext_noop("Strategie-Beteiligung"),
        gettext_noop(
            "Bewertet im Quick-Check der Digitalisierungsstrategie für die eigene Behörde und sieht "
            "die Ergebnisse geschlossener Runden; teilt Lösungen und Erfahrungen der eigenen Behörde."
        ),
        frozenset({Perm.QUICKCHECK_RATE, Perm.KNOWLEDGE_SHARE}),
    ),
    RoleDefinition(
        "auditor",
        gettext_noop("Auditor"),
        gettext_noop("Liest das Prüfprotokoll der eigenen Behörde; ändert nichts."),
        frozenset({Perm.AUDIT_READ}),
    ),
    RoleDefinition(
        "plattform-admin",
        gettext_noop("Plattform-Admin"),
        gettext_noop(
            "Betreibt die Plattform für alle Behörden: Katalog, Organisationsdaten, Rollen, zweiter "
            "Faktor, Prüfprotokoll, Hintergrundaufgaben. Sieht keine Fälle."
        ),
        frozenset(
            {
                Perm.TASKS_MANAGE,
                Perm.CATALOG_EDIT,
                Perm.ORGANISATION_EDIT,
                Perm.AUDIT_READ,
                Perm.FEEDBACK_MANAGE,
                Perm.SECOND_FACTOR_RESET,
                Perm.ROLES_MANAGE,
                Perm.STRATEGY_VIEW,
                Perm.STRATEGY_MANAGE,
            }
        ),
        platform_wide=True,
    ),
)
ROLES_BY_CODE = {role.code: role for role in ROLE_DEFINITIONS}
