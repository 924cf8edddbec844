"""Registration with e-mail verification: the link works once, expires, and reveals no accounts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from amtsweg.accounts import services
from amtsweg.accounts.models import User
from amtsweg.accounts.tests.helpers import PASSWORD, citizen, hours_ago, last_link
from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Erika",
    "last_name": "Beispiel",
    "email": "erika.beispiel@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_registration_sends_a_link_that_confirms_the_address_once(client: Client, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # the production hasher
    response = client.post(reverse("accounts:register"), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_sent")
    user = User.objects.get(email="erika.beispiel@example.org")
    assert user.kind == User.Kind.CITIZEN
    assert user.email_verified_at is None
    assert user.password.startswith("argon2")
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in mail.outbox[0].subject

    link = last_link("erika.beispiel@example.org")
    page = client.get(link, follow=True)  # the token moves into the session: /konto/bestaetigen/-/
    assert page.status_code == 200
    assert page.redirect_chain == [("/konto/bestaetigen/-/", 302)]
    assert "E-Mail-Adresse bestätigen" in page.content.decode()
    # Opening the link (as mail scanners do) confirms nothing yet.
    user.refresh_from_db()
    assert user.email_verified_at is None

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None

    again = client.post(link)
    assert again.status_code == 400
    assert "ungültig oder wurde schon verwendet" in again.content.decode()


def test_an_expired_verification_link_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    user = citizen(verified=False)
    with hours_ago(49, monkeypatch):
        token = services.link_token_make(services.PURPOSE_VERIFY, user)
    response = client.post(reverse("accounts:verify", args=[token]))
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_tampered_link_is_refused(client: Client) -> None:
    user = citizen(verified=False)
    token = services.link_token_make(services.PURPOSE_VERIFY, user)
    response = client.post(reverse("accounts:verify", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    # A reset link is no verification link: the purposes are signed apart.
    reset = services.link_token_make(services.PURPOSE_RESET, user)
    assert client.post(reverse("accounts:verify", args=[reset])).status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_registering_a_known_address_looks_the_same_and_warns_its_owner(client: Client) -> None:
    owner = citizen()
    response = client.post(reverse("accounts:register"), {**FORM, "email": "ERIKA.beispiel@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_sent")
    assert User.objects.count() == 1
    assert mail.outbox[0].to == [owner.email]
    assert "schon ein Konto" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "kein-at-zeichen"}, "gültige E-Mail-Adresse"),
        ({"password1": "kurz", "password2": "kurz"}, "zu kurz"),
        ({"password2": "anderes-Passwort-123"}, "stimmen nicht überein"),
        ({"first_name": ""}, "Vornamen"),
    ],
)
def test_bad_registration_input_is_explained(client: Client, change: dict[str, str], message: str) -> None:
    response = client.post(reverse("accounts:register"), {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


def test_registration_leaves_an_anonymous_audit_entry(client: Client) -> None:
    client.post(reverse("accounts:register"), FORM)
    entry = AuditEntry.objects.get(action="accounts.user.registered")
    assert "Erika" not in str(entry.content_for_hash())
    assert "erika.beispiel" not in str(entry.content_for_hash())
    assert list(audit_verify_chain()) == []


def test_demo_citizens_can_log_in_and_the_member_acts_for_the_company(client: Client) -> None:
    from amtsweg.accounts.demo import DEMO_COMPANY, DEMO_COMPANY_MEMBER, demo_citizens_ensure

    first = demo_citizens_ensure("Demo-Passwort-2026")
    assert first["citizens_created"] == 2
    assert demo_citizens_ensure("Demo-Passwort-2026").total() == 0
    response = client.post(
        reverse("accounts:login"), {"identifier": DEMO_COMPANY_MEMBER, "password": "Demo-Passwort-2026"}
    )
    assert response.status_code == 302
    assert DEMO_COMPANY in client.get(reverse("accounts:overview")).content.decode()


def test_demo_citizens_are_refused_in_production(settings: Settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from amtsweg.accounts.demo import demo_citizens_ensure

    settings.IS_PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        demo_citizens_ensure("Demo-Passwort-2026")
    assert not User.objects.exists()


# ---- mail to any address (issue 12): limited per address and client, no names the sender wrote ----


def test_registrations_for_one_address_send_at_most_three_mails() -> None:
    for number in range(3):
        response = Client(REMOTE_ADDR=f"198.51.100.{number}").post(reverse("accounts:register"), FORM)
        assert response.status_code == 302
    blocked = Client(REMOTE_ADDR="198.51.100.9").post(reverse("accounts:register"), FORM)
    assert blocked.status_code == 429
    assert "Zu viele Versuche" in blocked.content.decode()
    assert len([m for m in mail.outbox if FORM["email"] in m.to]) == 3


def test_registrations_from_one_client_are_limited_across_addresses(settings: Settings) -> None:
    settings.AMTSWEG_MAILS_PER_CLIENT = 2
    client = Client(REMOTE_ADDR="198.51.100.50")
    statuses = [
        client.post(reverse("accounts:register"), {**FORM, "email": f"opfer{n}@example.org"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_the_confirmation_mail_carries_no_name_the_sender_wrote(client: Client) -> None:
    spam = {**FORM, "first_name": "Gewinn", "last_name": "Jetzt klicken: gewinn.example"}
    client.post(reverse("accounts:register"), spam)
    body = mail.outbox[-1].body
    assert "Gewinn" not in body
    assert "klicken" not in body
    assert "bestätigen Sie Ihre E-Mail-Adresse" in body


def test_logins_of_an_unverified_account_resend_the_link_at_most_three_times(client: Client) -> None:
    # Someone registered another person's address; knowing the password, each login mailed them again.
    citizen("opfer@example.org", verified=False)
    for _ in range(6):
        response = client.post(
            reverse("accounts:login"), {"identifier": "opfer@example.org", "password": PASSWORD}
        )
        assert "bestätigen Sie zuerst" in response.content.decode()
    assert len([m for m in mail.outbox if "opfer@example.org" in m.to]) == 3
