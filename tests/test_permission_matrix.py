"""docs/security/permissions.md is the permission table; this test checks every cell against the code.

Each row names a role, an object kind and an action; the three scope columns say whether a person with
that role (assigned to unit "A-1" of authority A) may do it to an object of the own unit, of another unit
of the same authority, or of another authority. The test creates real accounts and role assignments and
asks the real permission functions – and, where an action has a write function, the write function itself
(inside a transaction that is rolled back). "ja" must be allowed and "nein" must be refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from amtsweg.access import permissions
from amtsweg.access.roles import ROLE_DEFINITIONS
from amtsweg.access.services import task_retry
from amtsweg.access.testing import staff_create
from amtsweg.cases.models import Case, RoutingRule
from amtsweg.cases.services import routing_rule_save
from amtsweg.catalog.models import Service
from amtsweg.catalog.services import service_create, service_update
from amtsweg.portal.models import AccessibilityFeedback
from amtsweg.portal.services import feedback_update
from amtsweg.strategy.models import FieldOfAction, Strategy
from amtsweg.strategy.services import rating_save, round_open
from amtsweg.tenants.models import Authority, OrgUnit
from amtsweg.tenants.services import organisation_save

DOC = Path(__file__).resolve().parents[1] / "docs" / "security" / "permissions.md"
HEADING = "## Berechtigungstabelle"
SCOPES = ("eigene Einheit", "andere Einheit derselben Behörde", "andere Behörde")
NO_ROLE = "keine Rolle"
OBJECTS = {
    ("Leistung", "bearbeiten"),
    ("Zuständigkeit", "bearbeiten"),
    ("Organisationsdaten", "bearbeiten"),
    ("Rückmeldung zur Barrierefreiheit", "bearbeiten"),
    ("Prüfprotokoll", "lesen"),
    ("Rollenzuweisung", "bearbeiten"),
    ("Zweiter Faktor", "zurücksetzen"),
    ("Fall", "einsehen"),
    ("Fall", "bearbeiten"),
    ("Fall", "zuweisen"),
    ("Verteilregel", "bearbeiten"),
    ("Strategie", "steuern"),
    ("Strategie", "einsehen"),
    ("Quick-Check-Bewertung", "abgeben"),
    ("Lösung oder Erfahrung", "teilen"),
    ("Hintergrundaufgabe", "erneut ausführen"),
}


@dataclass(frozen=True)
class Cell:
    role: str
    object_kind: str
    action: str
    scope: str
    allowed: bool

    def __str__(self) -> str:
        verdict = "ja" if self.allowed else "nein"
        return f"{self.role} / {self.object_kind} / {self.action} / {self.scope} = {verdict}"


def table_cells() -> list[Cell]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADING)
    rows: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, _separator, *body = rows
    assert tuple(header[3:]) == SCOPES, header
    cells = []
    for row in body:
        assert len(row) == 6, row
        for scope, value in zip(SCOPES, row[3:], strict=True):
            assert value in {"ja", "nein"}, f"{row}: „{value}“ ist weder ja noch nein"
            cells.append(Cell(row[0], row[1], row[2], scope, value == "ja"))
    return cells


CELLS = table_cells()


def test_the_table_covers_every_role_and_object_once() -> None:
    keys = [(c.role, c.object_kind, c.action, c.scope) for c in CELLS]
    assert len(keys) == len(set(keys)), "doppelte Zeilen in der Tabelle"
    roles = {definition.name for definition in ROLE_DEFINITIONS} | {NO_ROLE}
    expected = {(r, o, a, s) for r in roles for (o, a) in OBJECTS for s in SCOPES}
    assert set(keys) == expected


ROLE_CODES = {definition.name: definition.code for definition in ROLE_DEFINITIONS}


@dataclass
class World:
    own: Authority
    other: Authority
    units: dict[str, OrgUnit]  # scope → unit of the object
    services: dict[str, Service]
    colleagues: dict[str, Any]
    feedback: AccessibilityFeedback


def _world() -> World:
    own = Authority.objects.create(name="Stadt A", short_name="A", slug="a", kind="stadt", ags="09999001")
    other = Authority.objects.create(name="Stadt B", short_name="B", slug="b", kind="stadt", ags="09999002")
    own_unit = OrgUnit.objects.create(authority=own, name="Jugendamt A", function="jugendamt")
    units = {
        SCOPES[0]: own_unit,
        SCOPES[1]: OrgUnit.objects.create(authority=own, name="Bürgerbüro A", function="buergerbuero"),
        SCOPES[2]: OrgUnit.objects.create(authority=other, name="Jugendamt B", function="jugendamt"),
    }
    services = {
        scope: service_create(
            actor=None, data={"owner": unit.authority, "name": f"Leistung {scope}", "short_text": "Kurz."}
        )
        for scope, unit in units.items()
    }
    colleagues = {
        scope: staff_create(f"kollege-{index}", unit.authority, ("sachbearbeitung", unit))
        for index, (scope, unit) in enumerate(units.items())
    }
    feedback = AccessibilityFeedback.objects.create(page_url="/", message="Kontrast zu gering.")
    return World(own, other, units, services, colleagues, feedback)


def _write_allowed(write: Callable[[], object]) -> bool:
    """Run a write function and roll it back; True when it was allowed."""

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            write()
            raise Rollback
    except PermissionDenied:
        return False
    except Rollback:
        return True


def _check(actor: Any, cell: Cell, world: World) -> bool:
    unit = world.units[cell.scope]
    authority = unit.authority
    kind = cell.object_kind
    if kind == "Leistung":
        by_function = permissions.can_edit_catalog(actor, authority)
        service = world.services[cell.scope]
        by_service = _write_allowed(
            lambda: service_update(actor=actor, service=service, data={"fees": "Gebührenfrei."})
        )
        assert by_function == by_service, f"{cell}: Prüffunktion und service_update widersprechen sich"
        return by_function
    if kind == "Zuständigkeit":
        return permissions.can_edit_catalog(actor, world.services[cell.scope].owner)
    if kind == "Organisationsdaten":
        by_function = permissions.can_edit_organisation(actor, authority)
        by_service = _write_allowed(lambda: organisation_save(actor=actor, obj=unit, changed=["name"]))
        assert by_function == by_service, f"{cell}: Prüffunktion und organisation_save widersprechen sich"
        return by_function
    if kind == "Rückmeldung zur Barrierefreiheit":
        by_function = permissions.can_manage_feedback(actor)
        by_service = _write_allowed(
            lambda: feedback_update(actor=actor, feedback=world.feedback, status="erledigt", internal_note="")
        )
        assert by_function == by_service, f"{cell}: Prüffunktion und feedback_update widersprechen sich"
        return by_function
    if kind == "Prüfprotokoll":
        return permissions.can_read_audit(actor, authority)
    if kind == "Rollenzuweisung":
        return permissions.can_manage_roles(actor, authority)
    if kind == "Zweiter Faktor":
        return permissions.can_reset_second_factor(actor, world.colleagues[cell.scope])
    if kind == "Fall":
        if cell.action == "bearbeiten":
            return permissions.can_work_case(actor, Case(authority=authority, org_unit=unit))
        if cell.action == "zuweisen":
            return permissions.can_assign_cases(actor, authority, unit)
        return permissions.can_view_case(actor, authority, unit)
    if kind == "Verteilregel":
        by_function = permissions.can_manage_routing(actor, authority)
        rule = RoutingRule(
            authority=authority, name="Regel", target_authority=authority, target_org_unit=unit
        )
        by_service = _write_allowed(lambda: routing_rule_save(actor=actor, rule=rule))
        assert by_function == by_service, f"{cell}: Prüffunktion und routing_rule_save widersprechen sich"
        return by_function
    if kind in {"Strategie", "Quick-Check-Bewertung"}:
        return _check_strategy(actor, cell, authority)
    if kind == "Lösung oder Erfahrung":
        return permissions.can_share_knowledge(actor, authority)
    if kind == "Hintergrundaufgabe":
        # The task queue serves every authority at once: the same answer in every column.
        by_function = permissions.can_manage_tasks(actor)
        failed = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="amtsweg.catalog.tasks.rebuild_search_index",
            backend_name="default",
            status="FAILED",
        )
        by_service = _write_allowed(lambda: task_retry(actor=actor, task=failed))
        assert by_function == by_service, f"{cell}: Prüffunktion und task_retry widersprechen sich"
        return by_function
    raise AssertionError(f"unbekannte Objektart {kind}")


def _check_strategy(actor: Any, cell: Cell, authority: Authority) -> bool:
    """Strategy of ``authority``; the rating is one of ``authority`` in an open round of that strategy."""
    strategy, _ = Strategy.objects.get_or_create(
        slug=f"strategie-{authority.slug}",
        defaults={"owner": authority, "title": f"Strategie {authority.slug}"},
    )
    field, _ = FieldOfAction.objects.get_or_create(
        strategy=strategy, slug="verwaltung", defaults={"name": "Verwaltung"}
    )
    if cell.action == "einsehen":
        return permissions.can_view_strategy(actor, authority)
    if cell.action == "steuern":
        by_function = permissions.can_manage_strategy(actor, authority)
        by_service = _write_allowed(lambda: round_open(actor=actor, strategy=strategy, title="Runde"))
        assert by_function == by_service, f"{cell}: Prüffunktion und round_open widersprechen sich"
        return by_function
    round_ = strategy.rounds.first() or round_open(
        actor=None, strategy=strategy, title="Runde", participants=[authority]
    )
    by_function = permissions.can_rate_quickcheck(actor, authority)
    by_service = _write_allowed(
        lambda: rating_save(
            actor=actor,
            round=round_,
            authority=authority,
            field=field,
            scores={"bedeutung": 3, "potenzial": 3},
        )
    )
    assert by_function == by_service, f"{cell}: Prüffunktion und rating_save widersprechen sich"
    return by_function


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted({cell.role for cell in CELLS}))
def test_every_cell_of_the_table_holds(role: str) -> None:
    world = _world()
    roles = () if role == NO_ROLE else ((ROLE_CODES[role], world.units[SCOPES[0]]),)
    actor = staff_create("person", world.own, *roles)
    wrong = [str(cell) for cell in CELLS if cell.role == role and _check(actor, cell, world) != cell.allowed]
    assert not wrong, "Programm und docs/security/permissions.md weichen ab:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("verified", [True, False])
def test_on_the_web_every_right_needs_the_verified_second_factor(verified: bool) -> None:
    world = _world()
    actor = staff_create("person", world.own, ("plattform-admin", world.units[SCOPES[0]]))
    actor.is_verified = lambda: verified  # what django-otp's middleware adds to request.user
    allowed = [cell for cell in CELLS if cell.role == "Plattform-Admin" and cell.allowed]
    assert allowed
    for cell in allowed:
        assert _check(actor, cell, world) is verified, str(cell)


@pytest.mark.django_db
def test_a_superuser_has_every_right_only_with_the_verified_second_factor() -> None:
    world = _world()
    superuser = staff_create("notfall", world.own, superuser=True)
    kinds = {(cell.object_kind, cell.action, cell.scope) for cell in CELLS}
    probe = [Cell("Superuser", kind, action, scope, True) for kind, action, scope in sorted(kinds)]
    assert not any(_check(superuser, cell, world) for cell in probe)  # outside the web, no second factor
    superuser.is_verified = lambda: True
    assert all(_check(superuser, cell, world) for cell in probe)


@pytest.mark.django_db
def test_the_system_may_do_everything() -> None:
    world = _world()
    kinds = {(cell.object_kind, cell.action, cell.scope) for cell in CELLS}
    for kind, action, scope in kinds:
        if kind == "Zweiter Faktor":
            assert permissions.can_reset_second_factor(None, world.colleagues[scope])
            continue
        assert _check(None, Cell("System", kind, action, scope, True), world)


def test_the_table_lists_the_roles_in_the_same_words_as_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for definition in ROLE_DEFINITIONS:
        assert re.search(rf"^\| {re.escape(definition.name)} \|", text, re.MULTILINE), definition.name
