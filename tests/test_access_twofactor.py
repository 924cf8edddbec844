"""Staff log in with password and second factor; recovery codes; set-up; reset by a colleague."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.login import PENDING_SESSION_KEY
from amtsweg.access.testing import PASSWORD, login_verified, staff_create, totp_device
from amtsweg.access.twofactor import MAX_ATTEMPTS
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def duelmen() -> Authority:
    return Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558012"
    )


@pytest.fixture
def coesfeld() -> Authority:
    return Authority.objects.create(
        name="Stadt Coesfeld", short_name="Coesfeld", slug="coesfeld", kind="stadt", ags="05558008"
    )


def _password_step(client: Client, username: str, next_url: str = "/admin/") -> str:
    response = client.post(
        reverse("accounts:login") + f"?next={next_url}",
        {"identifier": username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302, response.content[:500]
    assert response.url.startswith(reverse("access:otp_verify"))
    return str(response.url)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=offset):06d}"


def test_staff_reach_the_admin_only_after_the_second_factor(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    device = totp_device(user)
    verify_url = _password_step(client, "fachadmin")
    # After the password alone the person is not logged in and the admin stays closed.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    page = client.get(verify_url)
    assert page.status_code == 200
    assert "Anmeldung bestätigen" in page.text
    response = client.post(verify_url, {"code": _code(device)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="access.login.second_factor", actor=user).exists()
    assert list(audit_verify_chain()) == []


def test_a_wrong_code_is_refused_and_too_many_end_the_login(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    device = totp_device(user)
    verify_url = _password_step(client, "fachadmin")
    response = client.post(verify_url, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert response.status_code == 400
    assert "Der Code stimmt nicht" in response.text
    for _ in range(MAX_ATTEMPTS - 1):
        response = client.post(verify_url, {"code": "12345"})
    assert response.status_code == 400
    assert "zu oft falsch" in response.text
    # Even the right code does not help now: the password has to be entered again.
    response = client.post(verify_url, {"code": _code(device)})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_expired_password_step_is_not_accepted(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    device = totp_device(user)
    verify_url = _password_step(client, "fachadmin")
    session = client.session
    session[PENDING_SESSION_KEY] = {**session[PENDING_SESSION_KEY], "at": int(time.time()) - 3600}
    session.save()
    response = client.post(verify_url, {"code": _code(device)})
    assert response.status_code == 400
    assert "abgelaufen" in response.text
    assert client.get("/admin/").status_code == 302


def test_without_a_password_step_there_is_nothing_to_confirm(client: Client) -> None:
    response = client.post(reverse("access:otp_verify"), {"code": "123456"})
    assert response.status_code == 400
    assert "Bitte melden Sie sich erneut an" in response.text


def test_next_pointing_elsewhere_is_ignored(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    device = totp_device(user)
    _password_step(client, "fachadmin")
    response = client.post(
        reverse("access:otp_verify") + "?next=https://boese.example/", {"code": _code(device)}
    )
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_a_recovery_code_works_once(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    totp_device(user)
    static = StaticDevice.objects.create(user=user, name="Wiederherstellungscodes")
    StaticToken.objects.create(device=static, token="abcdefgh23")
    verify_url = _password_step(client, "fachadmin")
    assert client.post(verify_url, {"code": "abcd efgh 23"}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post(reverse("accounts:logout"))
    verify_url = _password_step(client, "fachadmin")
    response = client.post(verify_url, {"code": "abcdefgh23"})
    assert response.status_code == 400
    assert not StaticToken.objects.filter(token="abcdefgh23").exists()


def test_staff_without_a_factor_must_set_one_up_and_get_recovery_codes_once(
    client: Client, duelmen: Authority
) -> None:
    staff_create("neu", duelmen, "fachadministration")
    verify_url = _password_step(client, "neu")
    response = client.get(verify_url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:otp_setup"))
    setup = client.get(response.url)
    assert setup.status_code == 200
    assert "<svg" in setup.text
    assert "<script" not in setup.text.split("<main", 1)[-1].split("</main>", 1)[0]
    secret = re.search(r'id="schluessel">([A-Z2-7 ]+)<', setup.text)
    assert secret is not None
    device = TOTPDevice.objects.get(user__username="neu", confirmed=False)
    # The secret shown for manual entry is the device's key.
    shown = secret.group(1).replace(" ", "")
    assert base64.b32decode(shown + "=" * (-len(shown) % 8)) == device.bin_key
    wrong = client.post(response.url, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    # django-otp makes the device wait a moment after a wrong code; the test does not wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(response.url, {"code": _code(device)})
    assert done.status_code == 302
    assert done.url == reverse("access:recovery_codes")
    codes_page = client.get(done.url)
    codes = re.findall(r"<li class=\"kern-body\"><code>([a-z0-9]+)</code></li>", codes_page.text)
    assert len(codes) == 10
    assert client.get(done.url).text.count("<code>") == 0  # shown only once
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action="access.second_factor.set_up").exists()


def test_setting_up_a_new_factor_needs_the_old_one_when_there_is_one(
    client: Client, duelmen: Authority
) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    totp_device(user)
    _password_step(client, "fachadmin")
    response = client.get(reverse("access:otp_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:otp_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_unverified_sessions_and_citizens_do_not_get_into_the_admin(
    client: Client, duelmen: Authority
) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    client.force_login(user)  # logged in, but no second factor in this session
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response.url).status_code == 403


def test_teamleitung_resets_a_colleague_of_the_same_authority_with_an_audit_entry(
    client: Client, duelmen: Authority, coesfeld: Authority
) -> None:
    unit = OrgUnit.objects.create(authority=duelmen, name="Bürgerbüro", function="buergerbuero")
    lead = staff_create("leitung", duelmen, ("teamleitung", unit))
    colleague = staff_create("kollegin", duelmen, ("sachbearbeitung", unit))
    outsider = staff_create("coesfelder", coesfeld, "sachbearbeitung")
    for person in (colleague, outsider):
        totp_device(person)
    login_verified(client, lead)
    assert reverse("access:otp_reset") in client.get("/admin/").text
    page = client.get(reverse("access:otp_reset"))
    assert page.status_code == 200
    assert "kollegin" in page.text
    assert "coesfelder" not in page.text
    refused = client.post(reverse("access:otp_reset"), {"colleague": outsider.pk})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=outsider).exists()
    done = client.post(reverse("access:otp_reset"), {"colleague": colleague.pk})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    entry = AuditEntry.objects.get(action="access.second_factor.reset")
    assert entry.actor == lead
    assert entry.authority_id_ref == duelmen.pk


def test_a_caseworker_may_not_reset_anyone(client: Client, duelmen: Authority) -> None:
    login_verified(client, staff_create("sb", duelmen, "sachbearbeitung"))
    index = client.get("/admin/").text
    assert reverse("access:otp_reset") not in index
    assert reverse("access:recovery_codes") in index
    assert client.get(reverse("access:otp_reset")).status_code == 403


def test_logged_in_staff_renew_recovery_codes_and_old_ones_stop_working(
    client: Client, duelmen: Authority
) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    old = StaticDevice.objects.create(user=user, name="Wiederherstellungscodes")
    StaticToken.objects.create(device=old, token="altercode2")
    login_verified(client, user)
    # A session left open is not enough: without the password nothing changes.
    refused = client.post(reverse("access:recovery_codes"))
    assert refused.status_code == 400
    assert "Bitte geben Sie zur Sicherheit Ihr Passwort ein." in refused.text
    wrong = client.post(reverse("access:recovery_codes"), {"password": "falsch-falsch-falsch"})
    assert wrong.status_code == 400
    assert StaticToken.objects.filter(token="altercode2").exists()
    assert AuditEntry.objects.filter(action="access.password_again.refused", actor=user).count() == 2
    assert client.post(reverse("access:recovery_codes"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("access:recovery_codes"))
    assert len(re.findall(r"<code>([a-z0-9]+)</code>", page.text)) == 10
    assert not StaticToken.objects.filter(token="altercode2").exists()
    assert AuditEntry.objects.filter(action="access.recovery_codes.renewed", actor=user).exists()


def test_the_demo_secret_is_refused_in_production(client: Client, duelmen: Authority, settings: Any) -> None:
    from amtsweg.access.twofactor import DEMO_TOTP_KEY

    user = staff_create("fachadmin", duelmen, "fachadministration")
    device = TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY, confirmed=True)
    settings.IS_PRODUCTION = True
    verify_url = _password_step(client, "fachadmin")
    response = client.post(verify_url, {"code": _code(device)})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_new_authenticator_while_logged_in_needs_the_password(client: Client, duelmen: Authority) -> None:
    user = staff_create("fachadmin", duelmen, "fachadministration")
    old = totp_device(user)
    login_verified(client, user)
    page = client.get(reverse("access:otp_setup"))
    assert page.status_code == 200
    assert "Ihr Passwort" in page.text
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    refused = client.post(reverse("access:otp_setup"), {"code": _code(new)})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(pk=old.pk).exists()  # the old factor still counts
    TOTPDevice.objects.filter(pk=new.pk).update(throttling_failure_timestamp=None)
    done = client.post(reverse("access:otp_setup"), {"code": _code(new), "password": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
