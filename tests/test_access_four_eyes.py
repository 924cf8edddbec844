"""Four-eyes principle: a role for oneself and the reset of a higher account's second factor need a second
person; until then nothing changes. Requests and decisions are in the audit trail."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.models import ApprovalRequest, Role, RoleAssignment
from amtsweg.access.testing import login_verified, staff_create, totp_device
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Coesfeld", short_name="Kreis", slug="kreis", kind="kreis", ags="05558000"
    )


@pytest.fixture
def duelmen(kreis: Authority) -> Authority:
    return Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012", parent=kreis
    )


def _grant_in_admin(client: Client, user: object, authority: Authority, role: str, unit: OrgUnit) -> object:
    return client.post(
        reverse("admin:access_roleassignment_add"),
        {
            "user": user.pk,  # type: ignore[attr-defined]
            "role": Role.objects.get(code=role).pk,
            "authority": authority.pk,
            "org_unit": unit.pk,
        },
        follow=True,
    )


def _decide(client: Client, request: ApprovalRequest, decision: str) -> str:
    answer = client.post(
        reverse("access:approvals"), {"antrag": request.pk, "entscheidung": decision}, follow=True
    )
    return str(answer.content.decode())


def test_the_platform_admin_cannot_give_itself_case_access_alone(
    kreis: Authority, duelmen: Authority
) -> None:
    unit = OrgUnit.objects.create(authority=duelmen, name="Jugendamt", function="jugendamt")
    admin = staff_create("plattform", kreis, "plattform-admin")
    second = staff_create("plattform2", kreis, "plattform-admin")
    client = login_verified(Client(), admin)

    answer = _grant_in_admin(client, admin, duelmen, "sachbearbeitung", unit)
    assert "braucht die Zustimmung einer zweiten Person" in answer.content.decode()  # type: ignore[attr-defined]
    assert not RoleAssignment.objects.filter(user=admin, role__code="sachbearbeitung").exists()
    request = ApprovalRequest.objects.get()
    assert request.state == ApprovalRequest.State.PENDING

    # The requester cannot approve their own request.
    page = client.get(reverse("access:approvals")).content.decode()
    assert "Es gibt keine offenen Anträge, über die Sie entscheiden dürfen." in page
    assert "Über diesen Antrag muss eine andere berechtigte Person entscheiden." in _decide(
        client, request, "zustimmen"
    )
    assert not RoleAssignment.objects.filter(user=admin, role__code="sachbearbeitung").exists()

    other = login_verified(Client(), second)
    assert "Zugestimmt" in _decide(other, request, "zustimmen")
    assignment = RoleAssignment.objects.get(user=admin, role__code="sachbearbeitung")
    assert assignment.org_unit == unit
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "access.approval.requested" in actions
    assert "access.approval.approved" in actions
    assert AuditEntry.objects.filter(action="access.role.assigned", actor=second).exists()
    assert list(audit_verify_chain()) == []


def test_a_rejected_request_changes_nothing(kreis: Authority, duelmen: Authority) -> None:
    unit = OrgUnit.objects.create(authority=duelmen, name="Steueramt", function="steuern")
    admin = staff_create("plattform", kreis, "plattform-admin")
    second = staff_create("plattform2", kreis, "plattform-admin")
    _grant_in_admin(login_verified(Client(), admin), admin, duelmen, "teamleitung", unit)
    request = ApprovalRequest.objects.get()
    assert "Abgelehnt" in _decide(login_verified(Client(), second), request, "ablehnen")
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.REJECTED
    assert not RoleAssignment.objects.filter(user=admin, role__code="teamleitung").exists()


def test_a_role_for_someone_else_is_given_at_once(kreis: Authority, duelmen: Authority) -> None:
    unit = OrgUnit.objects.create(authority=duelmen, name="Steueramt", function="steuern")
    admin = staff_create("plattform", kreis, "plattform-admin")
    colleague = staff_create("sb", duelmen)
    _grant_in_admin(login_verified(Client(), admin), colleague, duelmen, "sachbearbeitung", unit)
    assert RoleAssignment.objects.filter(user=colleague, role__code="sachbearbeitung").exists()
    assert not ApprovalRequest.objects.exists()


def test_resetting_a_superusers_factor_needs_a_second_person(kreis: Authority, duelmen: Authority) -> None:
    unit = OrgUnit.objects.create(authority=duelmen, name="Bürgerbüro", function="buergerbuero")
    lead = staff_create("leitung", duelmen, ("teamleitung", unit))
    lead2 = staff_create("leitung2", duelmen, ("teamleitung", unit))
    boss = staff_create("notfall", duelmen, superuser=True)
    device = totp_device(boss)
    client = login_verified(Client(), lead)

    answer = client.post(reverse("access:otp_reset"), {"colleague": boss.pk}, follow=True)
    assert "hat mehr Rechte als Sie" in answer.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()  # nothing reset yet
    request = ApprovalRequest.objects.get(kind=ApprovalRequest.Kind.SECOND_FACTOR_RESET)

    # Neither the requester nor the account concerned decides.
    _decide(client, request, "zustimmen")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert "Zugestimmt" in _decide(login_verified(Client(), lead2), request, "zustimmen")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(action="access.second_factor.reset", actor=lead2).exists()


def test_resetting_a_plattform_admins_factor_needs_a_second_person(kreis: Authority) -> None:
    lead = staff_create("leitung", kreis, "teamleitung")
    admin = staff_create("plattform", kreis, "plattform-admin")
    device = totp_device(admin)
    client = login_verified(Client(), lead)
    client.post(reverse("access:otp_reset"), {"colleague": admin.pk})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert ApprovalRequest.objects.filter(target=admin, state=ApprovalRequest.State.PENDING).exists()


def test_resetting_a_colleague_with_fewer_rights_needs_no_second_person(kreis: Authority) -> None:
    lead = staff_create("leitung", kreis, "teamleitung")
    colleague = staff_create("sb", kreis, "sachbearbeitung")
    device = totp_device(colleague)
    client = login_verified(Client(), lead)
    client.post(reverse("access:otp_reset"), {"colleague": colleague.pk})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not ApprovalRequest.objects.exists()


def test_a_superuser_resets_a_colleague_at_once_but_another_superuser_only_with_a_second_person(
    kreis: Authority,
) -> None:
    boss = staff_create("notfall", kreis, superuser=True)
    other_boss = staff_create("notfall2", kreis, superuser=True)
    colleague = staff_create("sb", kreis, "sachbearbeitung")
    devices = {user.pk: totp_device(user) for user in (other_boss, colleague)}
    client = login_verified(Client(), boss)
    client.post(reverse("access:otp_reset"), {"colleague": colleague.pk})
    assert not TOTPDevice.objects.filter(pk=devices[colleague.pk].pk).exists()
    client.post(reverse("access:otp_reset"), {"colleague": other_boss.pk})
    assert TOTPDevice.objects.filter(pk=devices[other_boss.pk].pk).exists()
    assert ApprovalRequest.objects.filter(target=other_boss, state=ApprovalRequest.State.PENDING).exists()
