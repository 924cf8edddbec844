"""Password reset: same answer for every address, a link that works once and expires, throttled."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from amtsweg.accounts import services
from amtsweg.accounts.tests.helpers import PASSWORD, citizen, hours_ago, last_link

pytestmark = pytest.mark.django_db

NEW = "Neues-Passwort-Lindenallee-7"


def test_reset_link_sets_a_new_password_once(client: Client) -> None:
    user = citizen()
    response = client.post(reverse("accounts:reset_request"), {"email": "ERIKA.beispiel@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:reset_sent")
    link = last_link(user.email)
    # The token leaves the address at once: the page works from the session under a token-free address.
    opened = client.get(link)
    assert opened.status_code == 302
    assert opened["Location"] == "/konto/passwort-neu/-/"
    page = client.get(opened["Location"])
    assert page.status_code == 200
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in page.content.decode()
    done = client.post(opened["Location"], {"password1": NEW, "password2": NEW})
    assert done.status_code == 302
    # Used: the token-free address no longer works in this session.
    assert client.get(opened["Location"]).status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert SESSION_KEY not in client.session  # log in with the new password, not by the link

    reused = client.post(link, {"password1": "Noch-ein-Passwort-99", "password2": "Noch-ein-Passwort-99"})
    assert reused.status_code == 400
    assert "schon verwendet" in reused.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_expired_reset_link_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    user = citizen()
    with hours_ago(2, monkeypatch):
        token = services.link_token_make(services.PURPOSE_RESET, user)
    response = client.post(
        reverse("accounts:reset_confirm", args=[token]), {"password1": NEW, "password2": NEW}
    )
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_unknown_address_gets_the_same_page_and_a_mail_without_a_link(client: Client) -> None:
    response = client.post(reverse("accounts:reset_request"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:reset_sent")
    assert mail.outbox[0].to == ["niemand@example.org"]
    assert "/konto/passwort-neu/" not in mail.outbox[0].body
    assert "kein Konto" in mail.outbox[0].body


def test_weak_new_password_is_explained(client: Client) -> None:
    user = citizen()
    token = services.link_token_make(services.PURPOSE_RESET, user)
    response = client.post(
        reverse("accounts:reset_confirm", args=[token]),
        {"password1": "123456789012", "password2": "123456789012"},
    )
    assert response.status_code == 400
    assert "komplett numerisch" in response.content.decode()


def test_reset_requests_are_throttled(client: Client, settings: Settings) -> None:
    citizen()
    for _ in range(3):
        client.post(reverse("accounts:reset_request"), {"email": "erika.beispiel@example.org"})
    blocked = client.post(reverse("accounts:reset_request"), {"email": "erika.beispiel@example.org"})
    assert blocked.status_code == 429
    assert "Zu viele Versuche" in blocked.content.decode()
    assert len(mail.outbox) == 3
