"""Staff journeys in Chromium: password, then the TOTP code, then the admin; set-up with recovery codes.

axe-core must report no WCAG 2.1 A/AA violation on the second-factor pages, in normal and error states.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import totp

from amtsweg.access.testing import PASSWORD, staff_create
from amtsweg.access.twofactor import DEMO_TOTP_KEY

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def _password_step(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/admin/")
    # The admin has no login of its own: it sends staff to the normal login.
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden", exact=True).click()


def test_demo_caseworker_logs_in_with_password_and_totp_and_reaches_the_admin(
    session: Any, axe_check: Callable[[Page, str], str]
) -> None:
    from amtsweg.demo.logins import DEMO_PASSWORD

    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    _password_step(page, session.base_url, "fachadmin-duelmen", DEMO_PASSWORD)
    page.get_by_role("heading", name="Anmeldung bestätigen").wait_for()
    check("Zweiter Faktor")
    page.get_by_label("Code").fill("000000" if _code(bytes.fromhex(DEMO_TOTP_KEY)) != "000000" else "111111")
    page.get_by_role("button", name="Anmelden").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Zweiter Faktor mit Fehler")
    # django-otp lets the device wait after a wrong code; wait it out like a person would.
    page.wait_for_timeout(2100)
    page.get_by_label("Code").fill(_code(bytes.fromhex(DEMO_TOTP_KEY)))
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert page.get_by_role("link", name="Leistungen", exact=True).count() == 1
    assert not problems, "\n\n".join(problems)


def test_new_staff_set_up_the_authenticator_and_see_recovery_codes(
    session: Any, axe_check: Callable[[Page, str], str]
) -> None:
    from amtsweg.tenants.models import Authority

    staff_create("neu", Authority.objects.get(slug="duelmen"), "fachadministration")
    page = session.page
    problems: list[str] = []

    def check(label: str) -> None:
        if found := axe_check(page, label):
            problems.append(found)

    _password_step(page, session.base_url, "neu", PASSWORD)
    page.get_by_role("heading", name="Zweiten Faktor einrichten").wait_for()
    assert page.get_by_role("img", name=re.compile("QR-Code")).count() == 1
    check("Zweiten Faktor einrichten")
    secret = page.locator("#schluessel").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code aus der App").fill("12")
    page.get_by_role("button", name="Bestätigen").click()
    page.locator(".amtsweg-error-summary").wait_for()
    check("Zweiten Faktor einrichten mit Fehler")
    page.wait_for_timeout(2100)
    page.get_by_label("Code aus der App").fill(_code(key))
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_role("heading", name="Wiederherstellungscodes").wait_for()
    assert page.locator(".amtsweg-recovery-codes li").count() == 10
    check("Wiederherstellungscodes")
    page.get_by_role("link", name="Weiter").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.goto(session.url("/personal/zweiter-faktor/wiederherstellungscodes/"))
    assert page.locator(".amtsweg-recovery-codes li").count() == 0
    check("Wiederherstellungscodes erneut")
    assert not problems, "\n\n".join(problems)
