"""Roles as data, role assignments with validation, and who may see which case."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from amtsweg.access.models import Role, RoleAssignment
from amtsweg.access.permissions import can_reset_second_factor, can_view_case
from amtsweg.access.roles import ROLE_DEFINITIONS
from amtsweg.access.services import role_assignment_delete, role_assignment_save
from amtsweg.access.testing import staff_create
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Coesfeld", short_name="Kreis", slug="kreis", kind="kreis", ags="05558000"
    )


@pytest.fixture
def coesfeld(kreis: Authority) -> Authority:
    return Authority.objects.create(
        name="Stadt Coesfeld",
        short_name="Coesfeld",
        slug="coesfeld",
        kind="stadt",
        ags="05558008",
        parent=kreis,
    )


@pytest.fixture
def duelmen(kreis: Authority) -> Authority:
    return Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012", parent=kreis
    )


def _unit(authority: Authority, function: str, parent: OrgUnit | None = None) -> OrgUnit:
    return OrgUnit.objects.create(
        authority=authority, name=f"{function} {authority.short_name}", function=function, parent=parent
    )


def test_the_migration_seeds_the_six_roles_and_roles_sync_is_idempotent() -> None:
    assert set(Role.objects.values_list("code", flat=True)) == {d.code for d in ROLE_DEFINITIONS}
    Role.objects.filter(code="auditor").update(permissions=["case.view"])
    out = StringIO()
    call_command("roles-sync", stdout=out)
    assert "1 aktualisiert" in out.getvalue()
    assert Role.objects.get(code="auditor").permissions == ["audit.read"]
    out = StringIO()
    call_command("roles-sync", stdout=out)
    assert "0 angelegt, 0 aktualisiert" in out.getvalue()


def test_an_org_unit_of_another_authority_is_refused(kreis: Authority, coesfeld: Authority) -> None:
    user = staff_create("sb", kreis)
    assignment = RoleAssignment(
        user=user,
        role=Role.objects.get(code="sachbearbeitung"),
        authority=kreis,
        org_unit=_unit(coesfeld, "jugendamt"),
    )
    with pytest.raises(ValidationError) as error:
        role_assignment_save(actor=None, assignment=assignment)
    assert "gehört nicht zu der gewählten Behörde" in str(error.value)
    assert not RoleAssignment.objects.exists()


def test_citizens_get_no_roles(kreis: Authority) -> None:
    citizen = get_user_model().objects.create_user("buergerin", "b@amtsweg.example", "ein-langes-passwort")
    assignment = RoleAssignment(user=citizen, role=Role.objects.get(code="auditor"), authority=kreis)
    with pytest.raises(ValidationError) as error:
        role_assignment_save(actor=None, assignment=assignment)
    assert "nur für Konten von Beschäftigten" in str(error.value)


def test_the_same_role_twice_at_the_same_place_is_refused(kreis: Authority) -> None:
    user = staff_create("fa", kreis, "fachadministration")
    again = RoleAssignment(user=user, role=Role.objects.get(code="fachadministration"), authority=kreis)
    with pytest.raises(ValidationError):
        role_assignment_save(actor=None, assignment=again)


def test_only_platform_admins_assign_roles_and_every_assignment_is_audited(
    kreis: Authority, duelmen: Authority
) -> None:
    platform = staff_create("plattform", kreis, "plattform-admin")
    fachadmin = staff_create("fa", duelmen, "fachadministration")
    colleague = staff_create("kollege", duelmen)
    assignment = RoleAssignment(user=colleague, role=Role.objects.get(code="auditor"), authority=duelmen)
    with pytest.raises(PermissionDenied):
        role_assignment_save(actor=fachadmin, assignment=assignment)
    role_assignment_save(actor=platform, assignment=assignment, source="test")
    assert AuditEntry.objects.get(action="access.role.assigned").actor == platform
    role_assignment_delete(actor=platform, assignment=assignment)
    assert AuditEntry.objects.filter(action="access.role.withdrawn").exists()
    assert not RoleAssignment.objects.filter(user=colleague).exists()


def test_kreis_jugendamt_caseworker_never_sees_a_coesfeld_jugendamt_case(
    kreis: Authority, coesfeld: Authority, duelmen: Authority
) -> None:
    kreis_jugendamt = _unit(kreis, "jugendamt")
    elterngeld = _unit(kreis, "elterngeld", parent=kreis_jugendamt)
    kreis_bauamt = _unit(kreis, "bauaufsicht")
    coesfeld_jugendamt = _unit(coesfeld, "jugendamt")
    caseworker = staff_create("sb-jugendamt", kreis, ("sachbearbeitung", kreis_jugendamt))

    assert can_view_case(caseworker, kreis, kreis_jugendamt)
    assert can_view_case(caseworker, kreis, elterngeld)  # a unit below the own one
    assert not can_view_case(caseworker, kreis, kreis_bauamt)
    # Same function, other authority: never, however the case is described.
    assert not can_view_case(caseworker, coesfeld, coesfeld_jugendamt)
    assert not can_view_case(caseworker, kreis, coesfeld_jugendamt)
    assert not can_view_case(caseworker, coesfeld, None)


def test_a_duelmen_caseworker_never_sees_a_coesfeld_case(coesfeld: Authority, duelmen: Authority) -> None:
    duelmen_units = [_unit(duelmen, f) for f in ("buergerbuero", "jugendamt")]
    coesfeld_units = [_unit(coesfeld, f) for f in ("buergerbuero", "jugendamt")]
    whole_town = staff_create("tl-duelmen", duelmen, "teamleitung")  # no unit: all of Dülmen
    caseworker = staff_create("sb-duelmen", duelmen, ("sachbearbeitung", duelmen_units[0]))
    for unit in duelmen_units:
        assert can_view_case(whole_town, duelmen, unit)
    assert can_view_case(caseworker, duelmen, duelmen_units[0])
    assert not can_view_case(caseworker, duelmen, duelmen_units[1])
    for person in (whole_town, caseworker):
        for unit in coesfeld_units:
            assert not can_view_case(person, coesfeld, unit)
        assert not can_view_case(person, coesfeld, None)


def test_platform_admins_and_fachadmins_see_no_cases(kreis: Authority) -> None:
    unit = _unit(kreis, "jugendamt")
    for code in ("plattform-admin", "fachadministration", "auditor", "digitalisierungsteam"):
        person = staff_create(code, kreis, (code, unit))
        assert not can_view_case(person, kreis, unit), code


def test_nobody_resets_their_own_second_factor_and_citizens_have_none_to_reset(kreis: Authority) -> None:
    lead = staff_create("leitung", kreis, "teamleitung")
    citizen = get_user_model().objects.create_user("buergerin", "b@amtsweg.example", "ein-langes-passwort")
    assert not can_reset_second_factor(lead, lead)
    assert not can_reset_second_factor(lead, citizen)


def test_inactive_staff_lose_every_right(kreis: Authority) -> None:
    unit = _unit(kreis, "jugendamt")
    person = staff_create("sb", kreis, ("sachbearbeitung", unit))
    person.is_active = False
    assert not can_view_case(person, kreis, unit)
