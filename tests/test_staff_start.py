"""After the staff login (password, then second factor) a caseworker lands in the inbox, the digital
team in the strategy cockpit and only the others (Fachadmin, superuser) in the admin; an explicit target
still wins."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from amtsweg.access.testing import PASSWORD, staff_create, totp_device
from amtsweg.tenants.models import Authority, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kreis() -> Authority:
    return Authority.objects.create(
        name="Kreis Coesfeld", short_name="Coesfeld", slug="kreis-coesfeld", kind="kreis", ags="05558000"
    )


def _login(client: Client, username: str, next_url: str = "") -> str:
    """Password and second factor, as a person does it; returns where the browser is sent."""
    login = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    data = {"identifier": username, "password": PASSWORD} | ({"next": next_url} if next_url else {})
    response = client.post(login, data)
    assert response.status_code == 302, response.content[:500]
    device = totp_device(staff_user(username))
    code = f"{totp(device.bin_key, t0=device.t0, step=device.step):06d}"
    response = client.post(response.url, {"code": code})
    assert response.status_code == 302, response.content[:500]
    return str(response.url)


def staff_user(username: str) -> Any:
    return get_user_model()._default_manager.get(username=username)


@pytest.mark.parametrize(
    ("role", "start"),
    [
        ("sachbearbeitung", "cases:inbox"),
        ("teamleitung", "cases:inbox"),
        ("digitalisierungsteam", "strategy:home"),
        ("fachadministration", "admin:index"),
    ],
)
def test_staff_land_where_their_work_is(client: Client, kreis: Authority, role: str, start: str) -> None:
    unit = OrgUnit.objects.create(authority=kreis, name="Jugendamt", number="51", function="jugendamt")
    staff_create("person", kreis, (role, unit) if role in ("sachbearbeitung", "teamleitung") else role)
    target = _login(client, "person")
    assert target == reverse(start)
    assert client.get(target).status_code == 200


def test_a_page_asked_for_still_wins(client: Client, kreis: Authority) -> None:
    unit = OrgUnit.objects.create(authority=kreis, name="Jugendamt", number="51", function="jugendamt")
    staff_create("sb", kreis, ("sachbearbeitung", unit))
    assert _login(client, "sb", next_url="/vorgaenge/meine/") == "/vorgaenge/meine/"


def test_the_admin_login_link_does_not_force_the_admin_as_start(client: Client) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
